using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;

namespace AuthBench.Api.Arms.Jwt;

/// <summary>The jwt arm's registration, in the shape of ASP.NET Core's <c>JwtBearerExtensions</c>.</summary>
public static class JwtArmExtensions
{
    /// <summary>Registers the jwt arm under its catalogue name.</summary>
    public static AuthenticationBuilder AddJwtArm(this AuthenticationBuilder builder) =>
        builder.AddJwtArm(ArmCatalogue.Jwt.Name);

    /// <summary>
    /// Registers JwtBearer under <paramref name="authenticationScheme"/>, nothing but the signed token (from the header,
    /// or from the cookie when the run is the cookie variant), and the arm's issuer.
    /// </summary>
    public static AuthenticationBuilder AddJwtArm(this AuthenticationBuilder builder, string authenticationScheme) =>
        builder.AddBearerTokenArm(authenticationScheme, ArmCatalogue.Jwt.Id,
            sp => new JwtCredentialIssuer(sp.GetRequiredService<JwtTokens>(), BearerTokens.RunOf(sp, ArmCatalogue.Jwt.Id)));
}
