using AuthBench.Api.Endpoints;
using AuthBench.Api.Arms;
using AuthBench.Core;
using AuthBench.Store;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AuthBench.Api.Hosting;

public static class HostingExtensions
{
    public const string ReadyPrefix = "AuthBench API ready:";

    /// <summary>Lean hosting for benchmark runs: no logging providers, source-generated JSON, Kestrel without the Server header.</summary>
    public static WebApplicationBuilder AddAuthBenchHosting(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
        return builder;
    }

    /// <summary>
    /// Validates the options and connects the store before the first request; throws <see cref="ArgumentException"/>
    /// or <see cref="StoreConfigurationException"/> with a message for the user.
    /// </summary>
    public static async Task<AuthBenchOptions> PrepareAuthBenchAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AuthBenchOptions>();
        if (options.Scheme.IsJwt())
        {
            _ = app.Services.GetRequiredService<JwtTokens>(); // generate or load keys now: a bad key file fails at start
        }
        await app.Services.GetRequiredService<StoreConnection>().InitializeAsync();
        return options;
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
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapAuthBench(this WebApplication app, AuthBenchOptions options)
    {
        app.MapGet("/health", () => TypedResults.Json(new HealthResponse("ok", options.Scheme.ToName()), AppJsonContext.Default.HealthResponse))
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
            var url = addresses is { Count: > 0 } ? string.Join(",", addresses) : "(in-process)";
            var store = app.Services.GetRequiredService<StoreConnection>().Description;
            var extra = options.Scheme.IsJwt() ? $" alg={options.Algorithm}" : "";
            Console.Out.WriteLine($"{ReadyPrefix} scheme={options.Scheme.ToName()} url={url} store={store}{extra} claims={options.Claims.ToName()} users={options.Users} pid={Environment.ProcessId}");
            Console.Out.Flush();
        });
    }
}
