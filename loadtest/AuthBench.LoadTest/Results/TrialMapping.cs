using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Clients;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Orchestration;
using AuthBench.LoadTest.Plan;
using HdrHistogram;

namespace AuthBench.LoadTest.Results;

/// <summary>From what the load tool measured to the records of results.json (rounded as published).</summary>
public static class TrialMapping
{
    public static RunSettings Settings(LoadOptions options) => new(
        [.. options.Arms.Select(a => a.Scheme).Distinct()],
        [.. options.Arms.Where(a => a.Alg is not null).Select(a => a.Alg!)],
        options.Arms[0].Claims,
        options.Endpoint,
        options.FindMax ? [] : options.Rates,
        options.FindMax,
        options.Connections,
        options.MaxInFlight,
        options.Duration.TotalSeconds,
        options.Warmup.TotalSeconds,
        options.Repeat,
        options.Users,
        options.Store,
        options.Target?.ToString(),
        options.Quick,
        options.Fault?.ToString(),
        options.Soak?.TotalSeconds,
        EngineOptions.DefaultLateThreshold.TotalMilliseconds,
        options.Soak is null ? options.Order.ToName() : "per arm (soak)",
        options.Seed,
        options.SpinLimitName,
        options.SloP99.Count > 0 ? [.. options.SloP99.Select(t => t.TotalMilliseconds)] : null,
        options.SloP99.Count > 0 ? LoadOptions.SloMaxLateFraction : null,
        options.SloP99.Count > 0 ? options.SloSteps : null,
        options.TimerSlackNs,
        options.PacingName,
        options.Window?.ToString(),
        options.Window is not null || options.TokenLifetime is not null ? RunPlan.TokenLifetime(options).TotalSeconds : null,
        options.StoreRtt.Count > 0 ? [.. options.StoreRtt.Select(r => r.TotalMilliseconds)] : null,
        options.HttpName,
        options.UsersPerConnection,
        options.AnyHttp2 ? EngineOptions.DefaultStreamsPerConnection : null,
        MetricsUrl: options.MetricsUrl?.ToString(),
        ApiMetrics: options.ApiMetrics,
        StoreConnections: options.StoreConnections.Count > 0 ? options.StoreConnections : null,
        UsersPerConnectionList: options.UsersPerConnectionList.Count > 1 ? string.Join(",", options.UsersPerConnectionList.Select(u => new EdgeWire(options.Http, u).UsersName)) : null)
    {
        Instances = options.Instances.Count > 0 ? options.Instances : null,
        Balancer = options.Instances.Count > 0 ? options.Balancer.ToName() : null,
    };

    public static TrialResult ToResult(TrialOutcome outcome, string endpoint)
    {
        var spec = outcome.Arm.Spec;
        var m = outcome.Measurement;
        var rec = m.Recorder;
        var responses = Math.Max(1, rec.Responses);
        return new TrialResult
        {
            Arm = spec.Scheme,
            Alg = spec.Alg,
            Claims = spec.CredentialClaims,
            Label = spec.Label,
            Endpoint = endpoint,
            TargetRps = outcome.Plan.Rate,
            Repetition = outcome.Plan.Repetition,
            DurationS = Math.Round(m.Elapsed.TotalSeconds, 3),
            AchievedRps = Math.Round(rec.Responses / Math.Max(1e-9, m.Elapsed.TotalSeconds), 1),
            Requests = m.Started,
            Responses = rec.Responses,
            Errors = rec.Errors(),
            StatusCodes = rec.StatusCodes(),
            Late = m.Late,
            Dropped = m.Dropped,
            LatencyUs = Percentiles(rec.Latency),
            ServiceTimeUs = Percentiles(rec.ServiceTime),
            DispatchDelayUs = outcome.Plan.Rate is null ? null : Percentiles(rec.DispatchDelay),
            BytesPerRequest = new BytesPerRequest(
                Math.Round((double)m.BytesSent / Math.Max(1, m.Started), 1),
                Math.Round((double)m.BytesReceived / responses, 1)),
            // From the API's metrics, CPU is divided by the API's own count of the trial's requests (cross-checked with ours).
            ServerCpuUsPerRequest = outcome.ServerCpu is { } cpu
                ? Math.Round(cpu.TotalMicroseconds / (outcome.ServerCpuSource == ServerCpuSources.Metrics && outcome.ServerRequests is > 0 and var n ? n : responses), 1)
                : null,
            ServerPeakRssMb = outcome.ServerPeakRssMb is { } rss ? Math.Round(rss, 1) : null,
            LoadgenCpuUsPerRequest = Math.Round(outcome.LoadgenCpu.TotalMicroseconds / responses, 1),
            Store = outcome.Store is { } cost
                ? new StoreCostResult(Math.Round(cost.CommandsPerRequest, 4), Math.Round(cost.UsecPerRequest, 3), Math.Round(cost.CpuUsPerRequest, 2),
                    Math.Round(cost.BytesPerRequest, 1), cost.Commands)
                : null,
            Fault = outcome.Fault,
            Window = outcome.Window,
            SoakMinute = outcome.Plan.SoakMinute,
            ServerRssMb = outcome.ServerRssMb is { } now ? Math.Round(now, 1) : null,
            StartedUtc = outcome.StartedUtc,
            Sequence = outcome.Plan.Sequence,
            Cpu = outcome.Cpu,
            Refreshes = outcome.Refreshes is { } refreshes ? Refreshes(refreshes, outcome, rec.Responses) : null,
            StoreRelay = outcome.StoreRelay,
            Instances = outcome.Plan.Instances,
            BalancerCpuUsPerRequest = outcome.BalancerCpu is { } balancer ? Math.Round(balancer.TotalMicroseconds / responses, 1) : null,
            InstanceResponses = outcome.InstanceResponses,
            ServerCpuSource = outcome.ServerCpu is null ? null : outcome.ServerCpuSource,
            ServerRequests = outcome.ServerRequests,
            Http = Engine.Http2.HttpWires.Name(m.Http),
            UsersPerConnection = m.UsersPerConnection,
            CredentialBytesPerRequest = m.CredentialBytesSent is { } credential
                ? Math.Round((double)credential / Math.Max(1, m.Started), 1)
                : outcome.Arm.Pool.Source.NeedsLogin ? Math.Round(outcome.Arm.Pool.MeanCredentialHeaderBytes, 1) : 0,
            StoreConnections = outcome.Plan.StoreConnections,
            StoreTopology = outcome.StoreTopology,
            StoreNodes = outcome.Store?.Nodes,
        };
    }

    /// <summary>
    /// The trial's refreshes as results.json records them. Store commands per refresh: in a refresh-only run the
    /// per-request figure; beside API requests, the trial's commands over its refreshes only where the arm's API
    /// requests use no store (else the commands cannot be told apart).
    /// </summary>
    public static RefreshResult Refreshes(RefreshSummary summary, TrialOutcome outcome, long responses)
    {
        var driven = outcome.Arm.RefreshDriver is not null;
        double? commands = outcome.Store is not { } store ? null
            : driven ? Math.Round(store.CommandsPerRequest, 4)
            : !outcome.Arm.Spec.Arm.UsesStore && summary.Requests > 0 ? Math.Round(store.CommandsPerRequest * Math.Max(1, responses) / summary.Requests, 4)
            : null;
        var failures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        void Add(string kind, long n)
        {
            if (n > 0)
            {
                failures[kind] = n;
            }
        }
        Add("rejected_401", summary.Rejected);
        Add("unavailable_503", summary.Unavailable);
        Add("error", summary.Errors);
        return new RefreshResult(driven ? RefreshResult.Driven : RefreshResult.Background, summary.Requests, summary.Succeeded, failures, summary.Relogins,
            summary.P50Micros, summary.P99Micros, summary.MaxMicros, summary.MeanMicros is { } mean ? Math.Round(mean, 1) : null, commands,
            driven ? summary.UsersLost : null, driven ? summary.NoFreeUser : null);
    }

    public static Percentiles Percentiles(LongHistogram h) => h.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0, 0, 0, 0)
        : new Percentiles(h.GetValueAtPercentile(50), h.GetValueAtPercentile(90), h.GetValueAtPercentile(99), h.GetValueAtPercentile(99.9),
            h.GetValueAtPercentile(99.99), HistogramExtensions.GetMaxValue(h), Math.Round(HistogramExtensions.GetMean(h), 1));
}
