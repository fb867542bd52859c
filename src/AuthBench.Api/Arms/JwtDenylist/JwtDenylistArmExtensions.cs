using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        builder.Services.TryAddSingleton(sp => new RevocationList(
            sp.GetRequiredService<StoreConnection>().Databases, sp.GetRequiredService<AuthBenchOptions>().TokenLifetime));
        return builder.AddRevocableBearerArm(authenticationScheme, ArmCatalogue.JwtDenylist, sp => sp.GetRequiredService<RevocationList>());
    }

    /// <summary>
    /// What every revocable bearer arm shares: JwtBearer under <paramref name="authenticationScheme"/>, configured as
    /// the jwt arm's plus the revocation check against <paramref name="revocations"/>, and this arm's issuer for
    /// <paramref name="arm"/>.
    /// </summary>
    public static AuthenticationBuilder AddRevocableBearerArm(
        this AuthenticationBuilder builder, string authenticationScheme, ArmDescriptor arm, Func<IServiceProvider, IRevocationList> revocations) =>
        builder.AddBearerTokenArm(
            authenticationScheme,
            arm.Id,
            sp => new JwtDenylistCredentialIssuer(sp.GetRequiredService<JwtTokens>(), revocations(sp), authenticationScheme, BearerTokens.RunOf(sp, arm.Id)),
            (bearer, services) => AddRevocationCheck(bearer, () => revocations(services)));

    /// <summary>
    /// After the signature and the policy, one store read asks whether the user's tokens up to this one's <c>iat</c>
    /// are revoked. A store that does not answer fails closed with 503 + Retry-After, as in the session arm.
    /// </summary>
    private static void AddRevocationCheck(JwtBearerOptions bearer, Func<IRevocationList> revocations)
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
                if (await revocations().IsRevokedAsync(sub, issuedAt))
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
