using AuthBench.Api.Arms.NearCaching;
using AuthBench.Api.Arms.Session;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthBench.Api.Arms.SessionCached;

/// <summary>The session-cached arm's registration, in the shape of ASP.NET Core's <c>JwtBearerExtensions</c>.</summary>
public static class SessionCachedArmExtensions
{
    /// <summary>Registers the session-cached arm under its catalogue name.</summary>
    public static AuthenticationBuilder AddSessionCachedArm(this AuthenticationBuilder builder) =>
        builder.AddSessionCachedArm(ArmCatalogue.SessionCached.Name);

    /// <summary>
    /// Registers the session arm's store and issuer behind a near cache, the session handler reading through it
    /// under <paramref name="authenticationScheme"/>, and the arm's issuer.
    /// </summary>
    public static AuthenticationBuilder AddSessionCachedArm(this AuthenticationBuilder builder, string authenticationScheme)
    {
        var arm = ArmCatalogue.SessionCached;
        builder.Services.TryAddSingleton(sp => new RedisSessionStore(sp.GetRequiredService<StoreConnection>().Databases));
        builder.Services.TryAddSingleton(sp => new SessionNearCache(
            NearCaches.Create<SessionData?>(sp, arm), sp.GetRequiredService<RedisSessionStore>(), TimeProvider.System));
        builder.Services.AddKeyedSingleton<ICredentialIssuer>(arm.Id, (sp, _) => new SessionCachedCredentialIssuer(
            ActivatorUtilities.CreateInstance<SessionCredentialIssuer>(sp), sp.GetRequiredService<RedisSessionStore>(), sp.GetRequiredService<SessionNearCache>()));
        return builder.AddScheme<AuthenticationSchemeOptions, SessionCachedAuthenticationHandler>(authenticationScheme, null);
    }
}
