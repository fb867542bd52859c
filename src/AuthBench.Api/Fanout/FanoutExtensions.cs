using System.Security.Claims;
using AuthBench.Api.Arms;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Fanout;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Api.Fanout;

/// <summary>The answer of <see cref="FanoutModes.ChainPath"/>: whose request it was and how many services it went through.</summary>
public sealed record ChainResponse(string Sub, int Services);

/// <summary>The public keys a downstream service trusts, fetched from the edge once at start (<c>--jwks-from</c>).</summary>
public sealed class FanoutKeys
{
    public IReadOnlyList<SecurityKey>? Trusted { get; set; }
}

/// <summary>
/// The pooled client a service calls the next one with (one <see cref="SocketsHttpHandler"/> per process: keep-alive
/// connections, no cookie container, no proxy, no redirects). Tests put an in-process handler under <see cref="HandlerKey"/>.
/// </summary>
public sealed class FanoutHttp(HttpMessageHandler? handler) : IDisposable
{
    public const string HandlerKey = "fanout";

    public HttpClient Client { get; } = new(handler ?? new SocketsHttpHandler
    {
        UseCookies = false,
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    }, disposeHandler: handler is null)
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public void Dispose() => Client.Dispose();
}

/// <summary>
/// Fan-out through N services (issue 11, item 7): <see cref="FanoutModes.ChainPath"/> answers at the end of the chain
/// and calls <c>--downstream</c> otherwise; <see cref="FanoutModes.JwksPath"/> publishes the edge's public key; a
/// downstream service verifies with the keys fetched from <c>--jwks-from</c> only.
/// </summary>
public static class FanoutExtensions
{
    public static IServiceCollection AddAuthBenchFanout(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FanoutKeys>();
        services.AddSingleton<EdgeTokens>();
        services.AddSingleton(sp => new FanoutHttp(sp.GetKeyedService<HttpMessageHandler>(FanoutHttp.HandlerKey)));
        services.AddAuthentication().AddJwtBearer(EdgeTokens.Scheme);
        services.AddOptions<JwtBearerOptions>(EdgeTokens.Scheme).Configure<FanoutKeys>((bearer, keys) =>
        {
            bearer.MapInboundClaims = false;
            bearer.RequireHttpsMetadata = false;
            bearer.SaveToken = false;
            bearer.IncludeErrorDetails = false;
            bearer.TokenHandlers.Clear();
            bearer.TokenHandlers.Add(JwtTokens.CreateHandler());
            bearer.TokenValidationParameters = EdgeTokens.ValidationParameters(keys.Trusted ?? []);
        });
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, DownstreamSigningKeys>();
        return services;
    }

    /// <summary>
    /// Fetches the edge's key set for a downstream service before the first request. A mistake is one line on stderr
    /// and false (the caller exits with 2).
    /// </summary>
    public static async Task<bool> PrepareFanoutAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AuthBenchOptions>();
        if (options.JwksFrom is not { } source)
        {
            return true;
        }
        var algorithm = options.Arm.HasAlgorithm ? options.Algorithm.ToString() : nameof(JwtAlgorithm.ES256);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var json = await app.Services.GetRequiredService<FanoutHttp>().Client.GetStringAsync(source, timeout.Token);
            app.Services.GetRequiredService<FanoutKeys>().Trusted = JsonWebKeys.Read(json, algorithm, $"--jwks-from {source}");
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Console.Error.WriteLine($"error: --jwks-from {source}: cannot fetch the edge's key set ({e.Message})");
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
        }
        return false;
    }

    public static WebApplication MapFanout(this WebApplication app, AuthBenchOptions options)
    {
        if (PublishedKeys(app.Services, options) is { } published)
        {
            app.MapGet(FanoutModes.JwksPath, (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Json(published, AppJsonContext.Default.JwksDocument);
            }).AllowAnonymous();
        }
        var chain = app.MapGet(FanoutModes.ChainPath, ChainAsync);
        if (options.Arm.Transport is CredentialTransport.None)
        {
            chain.AllowAnonymous();
        }
        else if (options.IsDownstream && options.FanoutMode is FanoutMode.EdgeToken)
        {
            chain.RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = EdgeTokens.Scheme });
        }
        else
        {
            chain.RequireAuthorization();
        }
        return app;
    }

    /// <summary>
    /// What this process publishes: the public key of its access tokens (signed-token arms, RS256/ES256), or of its
    /// internal tokens (an edge in edge-token mode); nothing for HS256, and nothing downstream (it signs nothing anyone trusts).
    /// </summary>
    private static JwksDocument? PublishedKeys(IServiceProvider services, AuthBenchOptions options)
    {
        if (options.IsDownstream)
        {
            return null;
        }
        if (options.Arm.HasAlgorithm)
        {
            return options.Algorithm is JwtAlgorithm.HS256 ? null : JsonWebKeys.Publish(services.GetRequiredService<JwtTokens>().Keys);
        }
        return options.FanoutMode switch
        {
            FanoutMode.EdgeToken => JsonWebKeys.Publish(services.GetRequiredService<EdgeTokens>().Keys),
            FanoutMode.PerService => null,
        };
    }

    private static async Task<IResult> ChainAsync(HttpContext context, AuthBenchOptions options, FanoutHttp http, EdgeTokens edge, UserDirectory users)
    {
        var principal = context.User;
        var authenticated = principal.Identity?.IsAuthenticated == true;
        var sub = authenticated ? principal.FindFirstValue(ClaimProfiles.Sub) : users.NextInRotation();
        if (sub is null)
        {
            return TypedResults.Unauthorized();
        }
        if (options.Downstream is not { } next)
        {
            return TypedResults.Json(new ChainResponse(sub, 1), AppJsonContext.Default.ChainResponse);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(next, FanoutModes.ChainPath));
        if (options.FanoutMode is FanoutMode.EdgeToken && !options.IsDownstream && options.Arm.Transport is not CredentialTransport.None)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {edge.Issue(principal)}");
        }
        else
        {
            // The user's own credential, as it came: each service authenticates it itself.
            foreach (var header in new[] { "Authorization", "Cookie" })
            {
                if (context.Request.Headers.TryGetValue(header, out var values))
                {
                    request.Headers.TryAddWithoutValidation(header, (IEnumerable<string?>)values);
                }
            }
        }
        HttpResponseMessage response;
        try
        {
            response = await http.Client.SendAsync(request, context.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return Downstream("downstream_unreachable");
        }
        using (response)
        {
            switch ((int)response.StatusCode)
            {
                case StatusCodes.Status200OK:
                    var body = await response.Content.ReadFromJsonAsync(AppJsonContext.Default.ChainResponse, context.RequestAborted);
                    // An authenticated chain answers for the same user in every service; the baseline has no user to agree on.
                    return body is not null && (body.Sub == sub || !authenticated)
                        ? TypedResults.Json(new ChainResponse(sub, body.Services + 1), AppJsonContext.Default.ChainResponse)
                        : Downstream("downstream_mismatch");
                case StatusCodes.Status401Unauthorized:
                    return TypedResults.Unauthorized();
                case StatusCodes.Status503ServiceUnavailable:
                    return StoreOutage.Result();
                default:
                    return Downstream("downstream_error");
            }
        }
    }

    private static IResult Downstream(string error) =>
        TypedResults.Json(new ErrorResponse(error), AppJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status502BadGateway);

    /// <summary>A downstream service of a signed-token arm verifies with the edge's published keys instead of a key of its own.</summary>
    private sealed class DownstreamSigningKeys(AuthBenchOptions options, FanoutKeys keys) : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions bearer)
        {
            if (name != options.Arm.Name || !options.Arm.HasAlgorithm || keys.Trusted is not { } trusted)
            {
                return;
            }
            bearer.TokenValidationParameters.IssuerSigningKey = null;
            bearer.TokenValidationParameters.IssuerSigningKeys = trusted;
        }
    }
}
