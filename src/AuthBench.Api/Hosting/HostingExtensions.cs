using AuthBench.Api.Arms;
using AuthBench.Api.Endpoints;
using AuthBench.Contracts;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using AuthBench.Store;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AuthBench.Api.Hosting;

public static class HostingExtensions
{
    /// <summary>Lean hosting for benchmark runs: no logging providers, source-generated JSON, Kestrel without the Server header.</summary>
    public static WebApplicationBuilder AddAuthBenchHosting(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.AddH2cListener();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
        return builder;
    }

    /// <summary>
    /// <c>--h2c-port N</c>: a second listener on 127.0.0.1:N with HTTP/2 only, so that a client speaking HTTP/2 with
    /// prior knowledge (no TLS, no upgrade) reaches the same endpoints. Listening in code overrides <c>--urls</c>, so
    /// the addresses <c>--urls</c> names (default http://localhost:5000) are listened on here too, HTTP/1.1 and HTTP/2
    /// as Kestrel's default. Off by default: the measured HTTP/1.1 runs have one listener, as before.
    /// </summary>
    private static void AddH2cListener(this WebApplicationBuilder builder)
    {
        int? port;
        try
        {
            port = AuthBenchOptions.ParseH2cPort(builder.Configuration["h2c-port"]);
        }
        catch (ArgumentException)
        {
            return; // reported by PrepareAuthBenchAsync (the options are read there), exit code 2
        }
        if (port is not { } h2c)
        {
            return;
        }
        var urls = builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"] ?? "http://localhost:5000";
        builder.WebHost.ConfigureKestrel(k =>
        {
            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
                if (uri.Scheme != Uri.UriSchemeHttp)
                {
                    throw new ArgumentException($"--h2c-port works with http:// --urls only, got '{url}'");
                }
                if (uri.IsLoopback && uri.Host == "localhost")
                {
                    k.ListenLocalhost(uri.Port);
                }
                else
                {
                    k.Listen(System.Net.IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
                }
            }
            k.Listen(System.Net.IPAddress.Loopback, h2c, o => o.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        });
    }

    /// <summary>
    /// Validates the options, loads the keys and connects the store before the first request. A mistake the user
    /// can fix is one line on stderr and null (the caller exits with 2), never a stack trace.
    /// </summary>
    public static async Task<AuthBenchOptions?> PrepareAuthBenchAsync(this WebApplication app)
    {
        try
        {
            var options = app.Services.GetRequiredService<AuthBenchOptions>();
            if (options.Arm.HasAlgorithm)
            {
                _ = app.Services.GetRequiredService<JwtTokens>(); // generate or load keys now: a bad key file fails at start
            }
            await app.Services.GetRequiredService<StoreConnection>().InitializeAsync();
            return options;
        }
        catch (Exception e) when (e is ArgumentException or StoreConfigurationException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    public static WebApplication UseAuthBench(this WebApplication app)
    {
        // Anything unexpected is a 500 with a JSON body, never a stack trace; a store failure anywhere is a 503.
        app.UseExceptionHandler(errors => errors.Run(context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (error is StoreUnavailableException)
            {
                return StoreOutage.WriteAsync(context);
            }
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return context.Response.WriteAsJsonAsync(new ErrorResponse("internal_error"), AppJsonContext.Default.ErrorResponse);
        }));
        // Before authentication: a cross-site state-changing request costs no credential check.
        app.UseCrossOriginGuard(app.Services.GetRequiredService<AuthBenchOptions>().Arm);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapAuthBench(this WebApplication app, AuthBenchOptions options)
    {
        app.MapGet("/health", () => TypedResults.Json(new HealthResponse("ok", options.Arm.Name, ArmCatalogue.TransportName(options.Arm.Transport)), AppJsonContext.Default.HealthResponse))
            .AllowAnonymous();
        app.MapAuthApi();
        app.MapResourceApi(options);
        app.MapAdminApi(options);
        return app;
    }

    /// <summary>One line the orchestrator waits for, printed once Kestrel listens.</summary>
    public static void PrintReadinessLine(this WebApplication app, AuthBenchOptions options)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            var h2cAddress = options.H2cPort is { } port ? $"http://127.0.0.1:{port}" : null;
            var http1 = addresses?.Where(a => a != h2cAddress).ToList();
            var url = http1 is { Count: > 0 } ? string.Join(",", http1) : "(in-process)";
            var store = app.Services.GetRequiredService<StoreConnection>().Description;
            var extra = (options.Arm.HasAlgorithm ? $" alg={options.Algorithm}" : "")
                + (options.Arm.Variant is null ? "" : $" transport={ArmCatalogue.TransportName(options.Arm.Transport)}")
                + (options.H2cPort is { } h2c ? $" h2c=http://127.0.0.1:{h2c}" : "");
            Console.Out.WriteLine($"{ApiReadiness.Prefix} scheme={options.Arm.Name} url={url} store={store}{extra} claims={options.Claims.ToName()} users={options.Users} pid={Environment.ProcessId}");
            Console.Out.Flush();
        });
    }
}
