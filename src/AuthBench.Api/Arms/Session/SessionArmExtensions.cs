using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthBench.Api.Arms.Session;

/// <summary>The session arm's registration, in the shape of ASP.NET Core's <c>JwtBearerExtensions</c>.</summary>
public static class SessionArmExtensions
{
    /// <summary>Registers the session arm under its catalogue name.</summary>
    public static AuthenticationBuilder AddSessionArm(this AuthenticationBuilder builder) =>
        builder.AddSessionArm(ArmCatalogue.Session.Name);

    /// <summary>Registers the session store, the cookie handler under <paramref name="authenticationScheme"/> and the arm's issuer.</summary>
    public static AuthenticationBuilder AddSessionArm(this AuthenticationBuilder builder, string authenticationScheme)
    {
        builder.Services.TryAddSingleton(sp => new RedisSessionStore(sp.GetRequiredService<StoreConnection>().Databases));
        builder.Services.AddKeyedSingleton<ICredentialIssuer>(ArmCatalogue.Session.Id,
            (sp, _) => ActivatorUtilities.CreateInstance<SessionCredentialIssuer>(sp));
        return builder.AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(authenticationScheme, null);
    }
}
