using AuthBench.Contracts.Results;
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
        Engine.Http2.HttpWires.Name(options.Http),
        options.UsersPerConnection,
        Engine.Http2.HttpWires.IsHttp2(options.Http) ? EngineOptions.DefaultStreamsPerConnection : null);

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
            ServerCpuUsPerRequest = outcome.ServerCpu is { } cpu ? Math.Round(cpu.TotalMicroseconds / responses, 1) : null,
            ServerPeakRssMb = outcome.ServerPeakRssMb is { } rss ? Math.Round(rss, 1) : null,
            LoadgenCpuUsPerRequest = Math.Round(outcome.LoadgenCpu.TotalMicroseconds / responses, 1),
            Store = outcome.Store is { } cost
                ? new StoreCostResult(Math.Round(cost.CommandsPerRequest, 4), Math.Round(cost.UsecPerRequest, 3), Math.Round(cost.CpuUsPerRequest, 2),
                    Math.Round(cost.BytesPerRequest, 1), cost.Commands)
                : null,
            Fault = outcome.Fault,
            SoakMinute = outcome.Plan.SoakMinute,
            ServerRssMb = outcome.ServerRssMb is { } now ? Math.Round(now, 1) : null,
            StartedUtc = outcome.StartedUtc,
            Sequence = outcome.Plan.Sequence,
            Cpu = outcome.Cpu,
        };
    }

    public static Percentiles Percentiles(LongHistogram h) => h.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0, 0, 0, 0)
        : new Percentiles(h.GetValueAtPercentile(50), h.GetValueAtPercentile(90), h.GetValueAtPercentile(99), h.GetValueAtPercentile(99.9),
            h.GetValueAtPercentile(99.99), HistogramExtensions.GetMaxValue(h), Math.Round(HistogramExtensions.GetMean(h), 1));
}
