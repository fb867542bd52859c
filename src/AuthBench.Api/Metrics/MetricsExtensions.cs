namespace AuthBench.Api.Metrics;

/// <summary>
/// <c>--metrics on</c>: <c>GET /metrics</c> on the API's own listener, and a request counter first in the pipeline.
/// Off (the default), neither exists, so a measured run without it runs the pipeline of before.
/// </summary>
public static class MetricsExtensions
{
    /// <summary>First in the pipeline, so it sees the status the exception handler (500, 503) sets too.</summary>
    public static WebApplication UseAuthBenchMetrics(this WebApplication app, AuthBenchOptions options)
    {
        if (!options.Metrics)
        {
            return app;
        }
        var counts = app.Services.GetRequiredService<ApiMetrics>().Counts;
        app.Use((HttpContext context, RequestDelegate next) => CountAsync(counts, context, next));
        return app;
    }

    public static WebApplication MapAuthBenchMetrics(this WebApplication app, AuthBenchOptions options)
    {
        if (options.Metrics)
        {
            var metrics = app.Services.GetRequiredService<ApiMetrics>();
            app.MapGet(ApiMetrics.Path, metrics.WriteAsync).AllowAnonymous();
        }
        return app;
    }

    public static IServiceCollection AddAuthBenchMetrics(this IServiceCollection services) =>
        services.AddSingleton(sp => new ApiMetrics(sp.GetRequiredService<AuthBenchOptions>()));

    /// <summary>
    /// Not an async method: when the rest of the pipeline completes synchronously (most requests of an arm without a
    /// store), counting allocates nothing; otherwise one continuation, as every awaiting middleware has.
    /// </summary>
    private static Task CountAsync(RequestCounts counts, HttpContext context, RequestDelegate next)
    {
        var endpoint = context.GetEndpoint();
        Task inner;
        try
        {
            inner = next(context);
        }
        catch
        {
            counts.Count(endpoint, StatusCodes.Status500InternalServerError);
            throw;
        }
        if (inner.IsCompletedSuccessfully)
        {
            counts.Count(endpoint, context.Response.StatusCode);
            return Task.CompletedTask;
        }
        return AwaitAsync(counts, context, endpoint, inner);
    }

    private static async Task AwaitAsync(RequestCounts counts, HttpContext context, Endpoint? endpoint, Task inner)
    {
        try
        {
            await inner.ConfigureAwait(false);
        }
        catch
        {
            counts.Count(endpoint, StatusCodes.Status500InternalServerError);
            throw;
        }
        counts.Count(endpoint, context.Response.StatusCode);
    }
}
