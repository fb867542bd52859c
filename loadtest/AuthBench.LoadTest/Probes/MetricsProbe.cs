using System.Globalization;

namespace AuthBench.LoadTest.Probes;

/// <summary>What an API's metrics endpoint said at one moment: its CPU so far, its start, and the requests it answered per endpoint.</summary>
public sealed record MetricsSnapshot(double? CpuSeconds, double? StartTimeSeconds, string? Pid, string? Scheme, IReadOnlyDictionary<string, long> RequestsByEndpoint);

/// <summary>
/// Per-request server figures of a trial from two snapshots of the API's metrics endpoint (<c>AuthBench.Api --metrics
/// on</c>): the API's CPU delta over its own count of the trial's requests, and that count beside the generator's.
/// </summary>
/// <param name="Requests">Requests of the measured endpoint the API answered in the trial (all status classes).</param>
/// <param name="MismatchFraction">|API's count − generator's responses| / generator's responses.</param>
public sealed record MetricsCost(TimeSpan Cpu, long Requests, double MismatchFraction);

/// <summary>Reads the Prometheus text of an API's metrics endpoint (see src/AuthBench.Api/Metrics) before and after each trial.</summary>
public sealed class MetricsProbe(Uri url, HttpClient? client = null)
{
    public const string CpuMetric = "process_cpu_seconds_total";
    public const string StartMetric = "process_start_time_seconds";
    public const string RequestsMetric = "authbench_http_requests_total";
    public const string InfoMetric = "authbench_info";
    public const string MetricsPath = "/metrics";

    /// <summary>A count that differs from the generator's by more than this is flagged.</summary>
    public const double MismatchThreshold = 0.01;

    private readonly HttpClient _client = client ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

    public Uri Url { get; } = url;

    public async Task<MetricsSnapshot> ReadAsync(CancellationToken ct)
    {
        var text = await _client.GetStringAsync(Url, ct).ConfigureAwait(false);
        return Snapshot(PrometheusText.Parse(text));
    }

    public static MetricsSnapshot Snapshot(IReadOnlyList<PrometheusSample> samples)
    {
        var requests = new Dictionary<string, long>(StringComparer.Ordinal);
        double? cpu = null, start = null;
        string? pid = null, scheme = null;
        foreach (var s in samples)
        {
            switch (s.Name)
            {
                case CpuMetric:
                    cpu = s.Value;
                    break;
                case StartMetric:
                    start = s.Value;
                    break;
                case InfoMetric:
                    pid = s.Labels.GetValueOrDefault("pid");
                    scheme = s.Labels.GetValueOrDefault("scheme");
                    break;
                case RequestsMetric when s.Labels.TryGetValue("endpoint", out var endpoint):
                    requests[endpoint] = requests.GetValueOrDefault(endpoint) + (long)s.Value;
                    break;
                default:
                    break;
            }
        }
        return new MetricsSnapshot(cpu, start, pid, scheme, requests);
    }

    /// <summary>
    /// The trial's cost between two snapshots, or a reason why there is none: no CPU series, the API restarted (its
    /// counters began again), or it counted no request of <paramref name="endpoint"/>.
    /// </summary>
    public static (MetricsCost? Cost, string? Problem) Cost(MetricsSnapshot before, MetricsSnapshot after, string endpoint, long generatorResponses)
    {
        if (before.CpuSeconds is not { } cpu0 || after.CpuSeconds is not { } cpu1)
        {
            return (null, $"no {CpuMetric} series");
        }
        if (before.StartTimeSeconds != after.StartTimeSeconds || before.Pid != after.Pid)
        {
            return (null, "the API restarted during the trial (its start time or pid changed)");
        }
        var path = endpoint.Split('?', 2)[0];
        var requests = after.RequestsByEndpoint.GetValueOrDefault(path) - before.RequestsByEndpoint.GetValueOrDefault(path);
        if (requests <= 0)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"its {RequestsMetric} counted no request of {path} (series: {string.Join(", ", after.RequestsByEndpoint.Keys)})"));
        }
        var mismatch = generatorResponses > 0 ? Math.Abs(requests - generatorResponses) / (double)generatorResponses : 1;
        return (new MetricsCost(TimeSpan.FromSeconds(Math.Max(0, cpu1 - cpu0)), requests, mismatch), null);
    }
}
