using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthBench.Api.Arms.JwtDenylist;

/// <summary>The jwt-denylist arm's registration, in the shape of ASP.NET Core's <c>JwtBearerExtensions</c>.</summary>
public static class JwtDenylistArmExtensions
{
    /// <summary>Registers the jwt-denylist arm under its catalogue name.</summary>
    public static AuthenticationBuilder AddJwtDenylistArm(this AuthenticationBuilder builder) =>
        builder.AddJwtDenylistArm(ArmCatalogue.JwtDenylist.Name);

    /// <summary>
    /// Registers JwtBearer under <paramref name="authenticationScheme"/>, configured as the jwt arm's plus the
    /// revocation check, the revocation list in the store and the arm's issuer.
    /// </summary>
    public static AuthenticationBuilder AddJwtDenylistArm(this AuthenticationBuilder builder, string authenticationScheme)
    {
        builder.Services.AddSingleton(sp => new RevocationList(
            sp.GetRequiredService<StoreConnection>().Multiplexer, sp.GetRequiredService<AuthBenchOptions>().TokenLifetime));
        return builder.AddBearerTokenArm(
            authenticationScheme,
            ArmCatalogue.JwtDenylist.Id,
            sp => new JwtDenylistCredentialIssuer(sp.GetRequiredService<JwtTokens>(), sp.GetRequiredService<RevocationList>(), authenticationScheme,
                BearerTokens.RunOf(sp, ArmCatalogue.JwtDenylist.Id)),
            AddRevocationCheck);
    }

    /// <summary>
    /// After the signature and the policy, one store read asks whether the user's tokens up to this one's <c>iat</c>
    /// are revoked. A store that does not answer fails closed with 503 + Retry-After, as in the session arm.
    /// </summary>
    private static void AddRevocationCheck(JwtBearerOptions bearer, IServiceProvider services)
    {
        var validated = bearer.Events.OnTokenValidated;
        bearer.Events.OnTokenValidated = async context =>
        {
            await validated(context);
            if (context.Result is not null || context.SecurityToken is not JsonWebToken jwt)
            {
                return;
            }
            if (!jwt.TryGetPayloadValue<string>(ClaimProfiles.Sub, out var sub) || string.IsNullOrEmpty(sub)
                || !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var issuedAt))
            {
                context.Fail("a revocable token needs sub and iat");
                return;
            }
            try
            {
                if (await services.GetRequiredService<RevocationList>().IsRevokedAsync(sub, issuedAt))
                {
                    context.Fail("revoked");
                }
            }
            catch (StoreUnavailableException e)
            {
                context.Fail(e);
            }
        };
        bearer.Events.OnChallenge = async context =>
        {
            if (context.AuthenticateFailure is StoreUnavailableException)
            {
                context.HandleResponse();
                await StoreOutage.WriteAsync(context.HttpContext);
            }
        };
    }
}
