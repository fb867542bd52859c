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
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
        return builder;
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
            var url = addresses is { Count: > 0 } ? string.Join(",", addresses) : "(in-process)";
            var store = app.Services.GetRequiredService<StoreConnection>().Description;
            var extra = (options.Arm.HasAlgorithm ? $" alg={options.Algorithm}" : "")
                + (options.Arm.Variant is null ? "" : $" transport={ArmCatalogue.TransportName(options.Arm.Transport)}");
            Console.Out.WriteLine($"{ApiReadiness.Prefix} scheme={options.Arm.Name} url={url} store={store}{extra} claims={options.Claims.ToName()} users={options.Users} pid={Environment.ProcessId}");
            Console.Out.Flush();
        });
    }
}
