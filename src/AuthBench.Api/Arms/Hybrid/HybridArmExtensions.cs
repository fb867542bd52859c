using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthBench.Api.Arms.Hybrid;

/// <summary>The hybrid arm's registration, in the shape of ASP.NET Core's <c>JwtBearerExtensions</c>.</summary>
public static class HybridArmExtensions
{
    /// <summary>Registers the hybrid arm under its catalogue name.</summary>
    public static AuthenticationBuilder AddHybridArm(this AuthenticationBuilder builder) =>
        builder.AddHybridArm(ArmCatalogue.Hybrid.Name);

    /// <summary>
    /// Registers JwtBearer under <paramref name="authenticationScheme"/> exactly as the jwt arm's (an API request reads
    /// no store), the refresh token store and the arm's issuer, which also answers <c>POST /auth/refresh</c>.
    /// </summary>
    public static AuthenticationBuilder AddHybridArm(this AuthenticationBuilder builder, string authenticationScheme)
    {
        builder.Services.TryAddSingleton(sp => new RefreshTokenStore(
            sp.GetRequiredService<StoreConnection>().Databases,
            sp.GetRequiredService<AuthBenchOptions>().RefreshLifetime,
            sp.GetService<TimeProvider>()));
        return builder.AddBearerTokenArm(authenticationScheme, ArmCatalogue.Hybrid.Id, sp => new HybridCredentialIssuer(
            sp.GetRequiredService<JwtTokens>(),
            sp.GetRequiredService<RefreshTokenStore>(),
            sp.GetRequiredService<UserDirectory>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
