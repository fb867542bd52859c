using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AuthBench.Api.Arms.Jwt;

/// <summary>The jwt arm's registration, in the shape of ASP.NET Core's <c>JwtBearerExtensions</c>.</summary>
public static class JwtArmExtensions
{
    /// <summary>Registers the jwt arm under its catalogue name.</summary>
    public static AuthenticationBuilder AddJwtArm(this AuthenticationBuilder builder) =>
        builder.AddJwtArm(ArmCatalogue.Jwt.Name);

    /// <summary>Registers JwtBearer under <paramref name="authenticationScheme"/>, configured by <see cref="BearerTokens"/>, and the arm's issuer.</summary>
    public static AuthenticationBuilder AddJwtArm(this AuthenticationBuilder builder, string authenticationScheme)
    {
        builder.Services.AddBearerTokenKeys();
        builder.Services.AddKeyedSingleton<ICredentialIssuer>(ArmCatalogue.Jwt.Id,
            (sp, _) => new JwtCredentialIssuer(sp.GetRequiredService<JwtTokens>()));
        builder.AddJwtBearer(authenticationScheme);
        builder.Services.AddOptions<JwtBearerOptions>(authenticationScheme).Configure<JwtTokens>(BearerTokens.Configure);
        return builder;
    }
}
