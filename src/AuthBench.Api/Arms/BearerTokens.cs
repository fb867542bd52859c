using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthBench.Api.Arms;

/// <summary>
/// What every arm that hands out signed bearer tokens shares: one key set and token issuer, the JwtBearer
/// configuration with the <see cref="JwsPolicy"/> hook, and the login response.
/// </summary>
public static class BearerTokens
{
    /// <summary>
    /// Registers JwtBearer under <paramref name="authenticationScheme"/> as <see cref="Configure"/> sets it up (then
    /// <paramref name="configure"/>, for what the arm adds), the key set once per process (generated, or read from
    /// <c>--key-file</c>) and <paramref name="arm"/>'s issuer.
    /// </summary>
    public static AuthenticationBuilder AddBearerTokenArm(
        this AuthenticationBuilder builder,
        string authenticationScheme,
        ArmId arm,
        Func<IServiceProvider, ICredentialIssuer> issuer,
        Action<JwtBearerOptions, IServiceProvider>? configure = null)
    {
        builder.Services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<AuthBenchOptions>();
            var keys = o.KeyFile is null ? JwtKeySet.Generate(o.Algorithm) : JwtKeySet.Load(o.Algorithm, o.KeyFile);
            return new JwtTokens(keys, o.Claims, o.TokenLifetime);
        });
        builder.Services.AddKeyedSingleton(arm, (sp, _) => issuer(sp));
        builder.AddJwtBearer(authenticationScheme);
        builder.Services.AddOptions<JwtBearerOptions>(authenticationScheme).Configure<JwtTokens, IServiceProvider>((bearer, tokens, sp) =>
        {
            Configure(bearer, tokens, RunOf(sp, arm));
            configure?.Invoke(bearer, sp);
        });
        return builder;
    }

    /// <summary>
    /// The descriptor this process serves for <paramref name="arm"/>: the configured run (a transport variant, say)
    /// when it is that arm, the catalogued arm otherwise (every arm's scheme is registered; only one serves).
    /// </summary>
    public static ArmDescriptor RunOf(IServiceProvider services, ArmId arm)
    {
        var configured = services.GetRequiredService<AuthBenchOptions>().Arm;
        return configured.Id == arm ? configured : ArmCatalogue.Get(arm);
    }

    /// <summary>
    /// The login response in the run's transport. Bearer: the token, its type and its lifetime in seconds (RFC 6749
    /// §5.1 names). Cookie: the token only in the HttpOnly cookie (a body that repeated it would hand it to scripts),
    /// the body names the user and the lifetime.
    /// </summary>
    public static Task<IResult> IssueAsync(JwtTokens tokens, DemoUser user, HttpContext context, ArmDescriptor run)
    {
        var token = tokens.Issue(user);
        var seconds = (int)tokens.Lifetime.TotalSeconds;
        IResult result = run.Transport switch
        {
            CredentialTransport.BearerHeader =>
                TypedResults.Json(new TokenResponse(token, "Bearer", seconds), AppJsonContext.Default.TokenResponse),
            CredentialTransport.Cookie => SetCookie(context, run, token, tokens.Lifetime, user, seconds),
            CredentialTransport.None => throw new InvalidOperationException($"the {run.RunName} arm carries no token"),
        };
        return Task.FromResult(result);
    }

    private static IResult SetCookie(HttpContext context, ArmDescriptor run, string token, TimeSpan lifetime, DemoUser user, int seconds)
    {
        context.Response.Cookies.Append(run.CookieName!, token, TokenCookie.Options(lifetime));
        return TypedResults.Json(new CookieTokenResponse(user.Sub, seconds), AppJsonContext.Default.CookieTokenResponse);
    }

    /// <summary>JwtBearer validating only AuthBench's own tokens: the configured key, no metadata, no error details.</summary>
    private static void Configure(JwtBearerOptions bearer, JwtTokens tokens, ArmDescriptor run)
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
        if (run.Transport is CredentialTransport.Cookie)
        {
            var cookieName = run.CookieName!;
            bearer.Events.OnMessageReceived = context => TokenCookie.ReadAsync(context, cookieName);
        }
    }
}
