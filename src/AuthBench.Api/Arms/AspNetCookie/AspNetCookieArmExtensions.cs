using AuthBench.Contracts.Arms;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AuthBench.Api.Arms.AspNetCookie;

/// <summary>The aspnet-cookie arm's registration: the stock <c>AddCookie()</c>, in the shape of ASP.NET Core's <c>JwtBearerExtensions</c>.</summary>
public static class AspNetCookieArmExtensions
{
    /// <summary>Registers the aspnet-cookie arm under its catalogue name.</summary>
    public static AuthenticationBuilder AddAspNetCookieArm(this AuthenticationBuilder builder) =>
        builder.AddAspNetCookieArm(ArmCatalogue.AspNetCookie.Name);

    /// <summary>
    /// Registers the stock cookie handler under <paramref name="authenticationScheme"/>: the whole ticket (claims,
    /// issue and expiry times) protected by Data Protection in the cookie, no store, and the arm's issuer.
    /// </summary>
    public static AuthenticationBuilder AddAspNetCookieArm(this AuthenticationBuilder builder, string authenticationScheme)
    {
        builder.Services.AddTicketKeyRing();
        builder.Services.AddKeyedSingleton<ICredentialIssuer>(ArmCatalogue.AspNetCookie.Id,
            (sp, _) => new AspNetCookieCredentialIssuer(sp.GetRequiredService<AuthBenchOptions>(), authenticationScheme));
        return builder.AddCookie(authenticationScheme, cookie => StockCookies.Configure(cookie, ArmCatalogue.AspNetCookieName));
    }
}
