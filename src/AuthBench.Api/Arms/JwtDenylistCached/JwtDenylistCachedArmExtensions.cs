using AuthBench.Api.Arms.JwtDenylist;
using AuthBench.Api.Arms.NearCaching;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthBench.Api.Arms.JwtDenylistCached;

/// <summary>The jwt-denylist-cached arm's registration, in the shape of ASP.NET Core's <c>JwtBearerExtensions</c>.</summary>
public static class JwtDenylistCachedArmExtensions
{
    /// <summary>Registers the jwt-denylist-cached arm under its catalogue name.</summary>
    public static AuthenticationBuilder AddJwtDenylistCachedArm(this AuthenticationBuilder builder) =>
        builder.AddJwtDenylistCachedArm(ArmCatalogue.JwtDenylistCached.Name);

    /// <summary>
    /// Registers the jwt-denylist arm's JwtBearer configuration, revocation check and issuer under
    /// <paramref name="authenticationScheme"/>, with its revocation list behind a near cache.
    /// </summary>
    public static AuthenticationBuilder AddJwtDenylistCachedArm(this AuthenticationBuilder builder, string authenticationScheme)
    {
        var arm = ArmCatalogue.JwtDenylistCached;
        builder.Services.TryAddSingleton(sp => new RevocationList(
            sp.GetRequiredService<StoreConnection>().Databases, sp.GetRequiredService<AuthBenchOptions>().TokenLifetime));
        builder.Services.TryAddSingleton(sp => new CachedRevocationList(sp.GetRequiredService<RevocationList>(), NearCaches.Create<long?>(sp, arm)));
        return builder.AddRevocableBearerArm(authenticationScheme, arm, sp => sp.GetRequiredService<CachedRevocationList>());
    }
}
