using AuthBench.Api.Hosting;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthBench.Api.Arms;

public static class ArmsExtensions
{
    /// <summary>
    /// Registers every arm's handler under the same authentication and authorization middleware; the configured
    /// scheme only picks the default. Options are read lazily, so test hosts can override configuration.
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
        services.AddSingleton(sp => new RedisSessionStore(sp.GetRequiredService<StoreConnection>().Multiplexer));
        services.AddSingleton(sp => new RevocationList(sp.GetRequiredService<StoreConnection>().Multiplexer, sp.GetRequiredService<AuthBenchOptions>().TokenLifetime));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<AuthBenchOptions>();
            var keys = o.KeyFile is null ? JwtKeySet.Generate(o.Algorithm) : JwtKeySet.Load(o.Algorithm, o.KeyFile);
            return new JwtTokens(keys, o.Claims, o.TokenLifetime);
        });
        services.AddSingleton<ICredentialIssuer>(sp => sp.GetRequiredService<AuthBenchOptions>().Scheme switch
        {
            Scheme.Session => ActivatorUtilities.CreateInstance<SessionCredentialIssuer>(sp),
            Scheme.Jwt => ActivatorUtilities.CreateInstance<JwtCredentialIssuer>(sp),
            Scheme.JwtDenylist => ActivatorUtilities.CreateInstance<JwtDenylistCredentialIssuer>(sp),
            _ => new NoCredentialIssuer(),
        });

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SchemeNames.Session, null)
            .AddJwtBearer(SchemeNames.Jwt)
            .AddJwtBearer(SchemeNames.JwtDenylist);
        services.AddOptions<AuthenticationOptions>().Configure<AuthBenchOptions>((auth, o) =>
        {
            auth.DefaultScheme = o.Scheme switch
            {
                Scheme.Session => SchemeNames.Session,
                Scheme.Jwt => SchemeNames.Jwt,
                Scheme.JwtDenylist => SchemeNames.JwtDenylist,
                _ => null,
            };
        });
        services.AddOptions<JwtBearerOptions>(SchemeNames.Jwt).Configure<JwtTokens>(ConfigureJwtBearer);
        services.AddOptions<JwtBearerOptions>(SchemeNames.JwtDenylist).Configure<JwtTokens, IServiceProvider>((bearer, tokens, sp) =>
        {
            ConfigureJwtBearer(bearer, tokens);
            AddRevocationCheck(bearer, sp);
        });
        services.AddAuthorization();
        return services;
    }

    private static void ConfigureJwtBearer(JwtBearerOptions bearer, JwtTokens tokens)
    {
        bearer.MapInboundClaims = false;
        bearer.RequireHttpsMetadata = false;
        bearer.SaveToken = false;
        bearer.IncludeErrorDetails = false;
        // No Authority and no MetadataAddress: the handler never fetches keys; only the configured key validates.
        bearer.TokenHandlers.Clear();
        bearer.TokenHandlers.Add(JwtTokens.CreateHandler());
        bearer.TokenValidationParameters = JwtTokens.CreateValidationParameters(tokens.Keys);
        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                // The library accepts more than AuthBench issues: crit (RFC 7515 §4.1.11), zip, duplicate names,
                // non-integer dates, non-canonical base64url. Checked after the signature, so forgeries cost nothing.
                if (context.SecurityToken is not JsonWebToken jwt)
                {
                    context.Fail("not a JWS");
                }
                else if (JwsPolicy.FindViolation(jwt) is { } violation)
                {
                    context.Fail(violation);
                }
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// The jwt-denylist arm: after the signature and the policy, one store read asks whether the user's tokens up to
    /// this one's <c>iat</c> are revoked. A store that does not answer fails closed with 503 + Retry-After, as in the session arm.
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
