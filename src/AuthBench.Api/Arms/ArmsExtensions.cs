using AuthBench.Api.Arms.AspNetCookie;
using AuthBench.Api.Arms.AspNetCookieStore;
using AuthBench.Api.Arms.Hybrid;
using AuthBench.Api.Arms.Jwt;
using AuthBench.Api.Arms.JwtDenylist;
using AuthBench.Api.Arms.JwtDenylistCached;
using AuthBench.Api.Arms.None;
using AuthBench.Api.Arms.Session;
using AuthBench.Api.Arms.SessionCached;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;

namespace AuthBench.Api.Arms;

/// <summary>The arms of the catalogue, each through its own <c>AddXxxArm</c>; the one place that maps an <see cref="ArmId"/> to its registration.</summary>
public static class ArmsExtensions
{
    /// <summary>
    /// Registers every arm of the catalogue under the same authentication and authorization middleware; the
    /// configured arm picks the default scheme and the issuer. Options are read lazily, so test hosts can override
    /// configuration.
    /// </summary>
    public static IServiceCollection AddAuthBenchArms(this IServiceCollection services)
    {
        services.AddSingleton(sp => AuthBenchOptions.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<AuthBenchOptions>();
            return new UserDirectory(o.Users, o.UserPassword);
        });
        services.AddSingleton<StoreConnection>();

        var authentication = services.AddAuthentication();
        foreach (var arm in ArmCatalogue.All)
        {
            authentication.AddArm(arm.Id);
        }
        services.AddSingleton(sp => sp.GetRequiredKeyedService<ICredentialIssuer>(sp.GetRequiredService<AuthBenchOptions>().Arm.Id));
        services.AddOptions<AuthenticationOptions>().Configure<AuthBenchOptions>((auth, o) =>
        {
            // The baseline registers no scheme: with no default, the middleware authenticates nothing and costs nothing.
            auth.DefaultScheme = o.Arm.Transport is CredentialTransport.None ? null : o.Arm.Name;
        });
        services.AddAuthorization();
        return services;
    }

    private static AuthenticationBuilder AddArm(this AuthenticationBuilder authentication, ArmId arm) => arm switch
    {
        ArmId.None => authentication.AddNoneArm(),
        ArmId.Session => authentication.AddSessionArm(),
        ArmId.SessionCached => authentication.AddSessionCachedArm(),
        ArmId.Jwt => authentication.AddJwtArm(),
        ArmId.JwtDenylist => authentication.AddJwtDenylistArm(),
        ArmId.JwtDenylistCached => authentication.AddJwtDenylistCachedArm(),
        ArmId.Hybrid => authentication.AddHybridArm(),
        ArmId.AspNetCookie => authentication.AddAspNetCookieArm(),
        ArmId.AspNetCookieStore => authentication.AddAspNetCookieStoreArm(),
    };
}
