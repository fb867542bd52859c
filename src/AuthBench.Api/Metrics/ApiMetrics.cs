using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Prometheus;

namespace AuthBench.Api.Metrics;

/// <summary>
/// The API's own metrics (<c>--metrics on</c>), in its own prometheus-net registry: the process metrics of
/// <see cref="DotNetStats"/> (process_cpu_seconds_total is user + system CPU as the process itself reads it, and
/// process_start_time_seconds), the requests served per endpoint and status class, and one info series that names the
/// arm. Nothing here runs between scrapes but the request counter; the event-counter and meter listeners of
/// prometheus-net's default registry are left out because they would work inside the measured process all the time.
/// </summary>
public sealed class ApiMetrics
{
    /// <summary>Where the metrics are served, on the API's own listener.</summary>
    public const string Path = "/metrics";

    public const string RequestsMetric = "authbench_http_requests_total";
    public const string CpuMetric = "process_cpu_seconds_total";
    public const string InfoMetric = "authbench_info";

    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();

    public ApiMetrics(AuthBenchOptions options)
    {
        DotNetStats.Register(_registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        var info = factory.CreateGauge(InfoMetric, "The authentication arm this process serves (value 1).",
            ["arm", "scheme", "alg", "transport", "claims", "pid"]);
        info.WithLabels(
            options.Arm.Label(options.Arm.HasAlgorithm ? options.Algorithm.ToString() : null),
            options.Arm.Name,
            options.Arm.HasAlgorithm ? options.Algorithm.ToString() : "",
            ArmCatalogue.TransportName(options.Arm.Transport),
            options.Claims.ToName(),
            Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(1);
        var requests = factory.CreateCounter(RequestsMetric, "Requests answered, by route template and status class.", ["endpoint", "status_class"]);
        _registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (endpoint, statusClass, count) in Counts.Snapshot())
            {
                requests.WithLabels(endpoint, statusClass).IncTo(count);
            }
        });
    }

    public RequestCounts Counts { get; } = new();

    /// <summary>Writes the Prometheus text exposition of every metric.</summary>
    public async Task WriteAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await _registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
