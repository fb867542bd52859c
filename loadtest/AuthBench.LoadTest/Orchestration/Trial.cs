using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Clients;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Probes;
using AuthBench.LoadTest.Scenarios;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>What one recorded trial measured, with the probes read around it; <see cref="Results.TrialMapping"/> turns it into a result.</summary>
public sealed record TrialOutcome(
    ArmRuntime Arm,
    PlannedTrial Plan,
    TrialMeasurement Measurement,
    DateTimeOffset StartedUtc,
    TimeSpan? ServerCpu,
    double? ServerPeakRssMb,
    double? ServerRssMb,
    TimeSpan LoadgenCpu,
    TrialCpu? Cpu,
    StoreCost? Store,
    FaultResult? Fault,
    string? SkippedProbe,
    RefreshSummary? Refreshes = null,
    WindowResult? Window = null,
    StoreRelayResult? StoreRelay = null,
    TimeSpan? BalancerCpu = null,
    IReadOnlyList<long>? InstanceResponses = null,

    string? ServerCpuSource = null,
    long? ServerRequests = null,
    string? StoreTopology = null);

/// <summary>
/// One trial: reads the process and store probes, runs the engine (with the store outage when the run has one) and
/// reads the probes again. A warm-up is run the same way and measured by nothing.
/// </summary>
public sealed class Trial(LoadOptions options, StoreSession store, CpuPinning pinning, Progress progress, Relay.DelayRelay? relay = null)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Runs <paramref name="plan"/> on <paramref name="arm"/>; null for a warm-up.</summary>
    public async Task<TrialOutcome?> RunAsync(ArmRuntime arm, PlannedTrial plan, CancellationToken ct)
    {
        var what = !plan.Record ? $"{arm.Spec.Label} warm-up"
            : plan.SoakMinute is { } m ? $"{arm.Spec.Label} soak minute {m}"
            : plan.Key == SloSearch.StepKey ? $"{arm.Spec.Label} SLO step {plan.Repetition}"
            : plan.Key == SloSearch.SaturationKey ? $"{arm.Spec.Label} saturation (SLO search bound)"
            : $"{arm.Spec.Label} rep {plan.Repetition}/{options.Repeat}";
        var rateText = (plan.Rate is { } r ? string.Create(Inv, $"{r:0.##} rps") : $"closed loop x{options.Connections}")
            + (plan.StoreRtt is { } rtt ? string.Create(Inv, $", store RTT +{rtt.TotalMilliseconds:0.###} ms") : "")
            + (plan.Edge is { } edge ? $", HTTP {Engine.Http2.HttpWires.Name(edge.Http)}, users/connection {edge.UsersName}" : "");
        var engine = arm.EngineFor(plan.Edge);
        if (relay is not null && plan.StoreRtt is { } setRtt)
        {
            relay.SetRoundTrip(setRtt);
        }
        progress.TrialStarted(plan.Sequence, $"{what} @ {rateText}", plan.Duration);
        var started = DateTimeOffset.UtcNow;
        _ = relay?.TakeAccuracy();
        var probe = arm.Api?.Probe;
        // A fan-out chain's server CPU is every service's, summed (per user request once divided by the edge's responses).
        // Read before the CPU samples (and after them below): the statistics request is the balancer's work, not the trial's.
        var perInstanceBefore = plan.Record && arm.Balancer is { } b && arm.Frontend is { } fe ? await b.ReadResponsesAsync(fe, ct).ConfigureAwait(false) : null;
        var cpuBefore = ServerCpu(arm);
        var balancerBefore = arm.Balancer?.Probe.ReadCpu();
        var metricsBefore = plan.Record ? await ReadMetricsAsync(arm, ct).ConfigureAwait(false) : null;
        var rssReset = probe?.ResetPeakRss() ?? false;
        var loadgenBefore = Environment.CpuUsage.TotalTime;
        var cpusBefore = ProcStat.ReadCpuTimes();
        var wallBefore = TimeProvider.System.GetTimestamp();
        StoreProbe.Snapshot? storeBefore = null;
        if (plan.Record && store.Probe is not null)
        {
            storeBefore = await store.Probe.ReadAsync(ct).ConfigureAwait(false);
        }
        var outage = plan.Record && options.Fault is { } fault && store.Store is { } s
            ? new StoreOutage(fault, s, TimeProvider.System, ct, () => pinning.PinStore(s, $"restarted in trial {plan.Sequence}"))
            : null;
        await using var window = plan.Record && plan.Rate is { } windowRate && options.Window is { } w && options.AdminKey is { } key && arm.Pool.Source.NeedsLogin
            ? new WindowScenario(w, arm.Pool, arm.BaseUri, key, RunPlan.TokenLifetime(options), windowRate, plan.Duration, plan.Sequence, TimeProvider.System, ct, progress.Line)
            : null;
        IResponseObserver? observer = (IResponseObserver?)outage ?? window;

        // The trial's refreshes only: those since the last trial (warm-up, logins, pauses) are dropped here.
        _ = arm.Refreshes?.SnapshotAndReset();
        TrialMeasurement measurement;
        using (progress.Track($"{what} @ {rateText}", plan.Duration, () => engine.Current))
        {
            measurement = plan.Rate is { } target
                ? await engine.RunOpenLoopAsync(target, plan.Duration, observer, ct).ConfigureAwait(false)
                : await engine.RunClosedLoopAsync(plan.Duration, observer, ct).ConfigureAwait(false);
        }
        if (outage is not null)
        {
            await outage.CompleteAsync().ConfigureAwait(false);
        }
        if (window is not null)
        {
            await window.CompleteAsync().ConfigureAwait(false);
        }
        if (measurement.Interrupted)
        {
            throw new OperationCanceledException(ct);
        }
        var refreshes = arm.Refreshes?.SnapshotAndReset();
        if (!plan.Record)
        {
            return null;
        }
        var loadgenCpu = Environment.CpuUsage.TotalTime - loadgenBefore;
        var cpuAfter = ServerCpu(arm);
        var balancerAfter = arm.Balancer?.Probe.ReadCpu();
        var perInstanceAfter = perInstanceBefore is not null ? await arm.Balancer!.ReadResponsesAsync(arm.Frontend!, ct).ConfigureAwait(false) : null;
        var metricsAfter = metricsBefore is null ? null : await ReadMetricsAsync(arm, ct).ConfigureAwait(false);
        var cpu = CpuUse(cpusBefore, ProcStat.ReadCpuTimes(), loadgenCpu, cpuBefore is { } a0 && cpuAfter is { } a1 ? a1 - a0 : null,
            TimeProvider.System.GetElapsedTime(wallBefore));
        var peakRss = rssReset ? probe?.ReadPeakRssMb() : null;
        StoreCost? storeCost = null;
        string? skipped = null;
        if (storeBefore is not null && store.Probe is not null)
        {
            if (outage is not null)
            {
                // The restarted store's counters start from zero: a before/after delta would be meaningless.
                skipped = $"store cost of {arm.Spec.Label} rep {plan.Repetition}: the store was restarted during the trial (--fault)";
            }
            else
            {
                var storeAfter = await store.Probe.ReadAsync(ct).ConfigureAwait(false);
                storeCost = StoreProbe.Cost(storeBefore, storeAfter, measurement.Recorder.Responses);
            }
        }
        TimeSpan? serverCpu = cpuBefore is { } c0 && cpuAfter is { } c1 ? c1 - c0 : null;
        var cpuSource = serverCpu is null ? null : ServerCpuSources.Proc;
        long? serverRequests = null;
        if (metricsBefore is not null && metricsAfter is not null)
        {
            var (cost, problem) = MetricsProbe.Cost(metricsBefore, metricsAfter, options.Endpoint, measurement.Recorder.Responses);
            if (cost is null)
            {
                skipped ??= $"server CPU of {arm.Spec.Label} rep {plan.Repetition} from {arm.Metrics!.Url}: {problem}";
            }
            else
            {
                serverRequests = cost.Requests;
                if (serverCpu is null)
                {
                    serverCpu = cost.Cpu;
                    cpuSource = ServerCpuSources.Metrics;
                }
                if (cost.MismatchFraction > MetricsProbe.MismatchThreshold)
                {
                    var flag = string.Create(Inv, $"{arm.Spec.Label} rep {plan.Repetition}: the API counted {cost.Requests} requests of {options.Endpoint}, the generator {measurement.Recorder.Responses} responses ({cost.MismatchFraction:P1} apart, over {MetricsProbe.MismatchThreshold:P0}): server CPU per request divides by the API's count");
                    progress.Line("  warning: " + flag);
                    skipped ??= flag;
                }
            }
        }
        else if (metricsBefore is null && arm.Metrics is not null && plan.Record)
        {
            skipped ??= $"server CPU of {arm.Spec.Label} rep {plan.Repetition}: {arm.Metrics.Url} could not be read before the trial";
        }
        return new TrialOutcome(arm, plan, measurement, started,
            serverCpu,
            peakRss,
            plan.SoakMinute is not null ? probe?.ReadRssMb() : null,
            loadgenCpu, cpu, storeCost, outage?.Result(measurement.Recorder.Timeline()), skipped, refreshes, window?.Result(), plan.StoreRtt is null ? null : relay?.TakeAccuracy(),
            balancerBefore is { } b0 && balancerAfter is { } b1 ? b1 - b0 : null,
            perInstanceBefore is { } i0 && perInstanceAfter is { } i1 ? [.. i1.Zip(i0, (after, before) => after - before)] : null,
            cpuSource, serverRequests,
            arm.Spec.NeedsStore ? store.Store?.Topology : null);
    }

    /// <summary>One snapshot of the arm's metrics endpoint; null (with a progress line) when it has none or it does not answer.</summary>
    private async Task<MetricsSnapshot?> ReadMetricsAsync(ArmRuntime arm, CancellationToken ct)
    {
        if (arm.Metrics is not { } probe)
        {
            return null;
        }
        try
        {
            return await probe.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            progress.Line($"  warning: {probe.Url}: {e.Message}");
            return null;
        }
    }

    /// <summary>User + system CPU of every API process of the arm so far; null when one cannot be read (or there is none).</summary>
    private static TimeSpan? ServerCpu(ArmRuntime arm)
    {
        TimeSpan? sum = null;
        foreach (var process in arm.Processes)
        {
            if (process.Probe.ReadCpu() is not { } cpu)
            {
                return null;
            }
            sum = (sum ?? TimeSpan.Zero) + cpu;
        }
        return sum;
    }

    /// <summary>The trial's CPU use: the API's and the generator's CPU sets from /proc/stat, and the load tool's own share of its set.</summary>
    private TrialCpu? CpuUse(IReadOnlyDictionary<int, CpuTimes> before, IReadOnlyDictionary<int, CpuTimes> after, TimeSpan loadgenCpu, TimeSpan? apiCpu,
        TimeSpan wall)
    {
        var deltas = after.Where(a => before.ContainsKey(a.Key)).ToDictionary(a => a.Key, a => a.Value - before[a.Key]);
        if (deltas.Count == 0 || wall <= TimeSpan.Zero)
        {
            return null;
        }
        CpuTimes Sum(IEnumerable<int> cpus) => cpus.Where(deltas.ContainsKey).Aggregate(default(CpuTimes), (sum, c) => sum + deltas[c]);
        static double? Round(double? fraction) => fraction is { } f ? Math.Round(f, 4) : null;
        var api = pinning.ApiCpus is { } a ? Sum(a.Cpus) : (CpuTimes?)null;
        var loadgen = pinning.LoadgenCpus is { } l ? Sum(l.Cpus) : (CpuTimes?)null;
        var all = Sum(deltas.Keys);
        var cores = loadgenCpu / wall;
        var setSize = pinning.LoadgenCpus?.Count ?? deltas.Count;
        return new TrialCpu(Round(api?.BusyFraction), Round(api?.StealFraction), Round(loadgen?.BusyFraction), Round(loadgen?.StealFraction),
            Math.Round(cores, 4), Math.Round(cores / setSize, 4), Round(all.StealFraction),
            deltas.ToDictionary(d => string.Create(Inv, $"cpu{d.Key}"), d => new CpuShare(Round(d.Value.BusyFraction) ?? 0, Round(d.Value.StealFraction) ?? 0)),
            apiCpu is { } api0 ? Math.Round(api0 / wall, 4) : null);
    }
}
