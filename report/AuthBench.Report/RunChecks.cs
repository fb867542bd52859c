using System.Globalization;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report;

/// <summary>The outcome of a check: lines to print, and one line per failure (none: the check passed).</summary>
public sealed record CheckResult(IReadOnlyList<string> Output, IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>
/// The checks CI and the scripts run on a load run's results.json, read through the contract: the rules live here,
/// in C#, and read the arm catalogue, so a new arm is checked without editing a script.
/// </summary>
public static class RunChecks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// A store-outage run (<c>--fault store-outage@…</c>): every arm of the run has a fault record on every trial; every
    /// arm that fails closed without the store accepted nothing during the outage and recovered; every arm without the
    /// store kept answering.
    /// </summary>
    public static CheckResult Fault(RunResults run)
    {
        if (run.Settings.Fault is null)
        {
            return new CheckResult([], ["the run has no fault scenario (its settings.fault is null): run the load tool with --fault"]);
        }
        var failures = new List<string>();
        if (run.Status != "complete")
        {
            failures.Add($"the run's status is {run.Status}, not complete");
        }
        var armsOfRun = run.Settings.Arms.Select(n => ArmCatalogue.Find(n)?.Name ?? n).ToList();
        foreach (var name in armsOfRun.Where(n => !run.Trials.Any(t => t.Arm == n)))
        {
            failures.Add($"{name}: no trial, so no fault record");
        }
        var closed = new SortedSet<string>(StringComparer.Ordinal);
        var leased = new SortedSet<string>(StringComparer.Ordinal);
        var open = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in run.Trials)
        {
            if (ArmCatalogue.Find(t.Arm) is not { } arm)
            {
                failures.Add($"{t.Label}: arm '{t.Arm}' is not in the catalogue ({ArmCatalogue.NameList})");
                continue;
            }
            if (t.Fault is not { } f)
            {
                failures.Add($"{t.Label}: no fault record");
                continue;
            }
            if (arm.FailsClosedWithoutStore)
            {
                (arm.NearCache is null ? closed : leased).Add(arm.Name);
                if (arm.NearCache is { } near)
                {
                    // A near cache serves its copies while its lease holds: the last heartbeat received was sent before
                    // the stop, so nothing may be accepted later than one lease (plus one heartbeat interval of slack for
                    // a request in the API's queue) after it.
                    var bound = (near.Lease + near.HeartbeatInterval).TotalMilliseconds;
                    if (f.AcceptedDuringOutage != 0 && !(f.LastAcceptedAfterStopMs <= bound))
                    {
                        failures.Add($"{t.Label} accepted a request {(f.LastAcceptedAfterStopMs is { } ms ? ms.ToString("0", Inv) + " ms" : "an unknown time")} after the stop, beyond its near-cache lease of {near.Lease.TotalMilliseconds.ToString("0", Inv)} ms (+ {near.HeartbeatInterval.TotalMilliseconds.ToString("0", Inv)} ms)");
                    }
                }
                else if (f.AcceptedDuringOutage != 0)
                {
                    failures.Add($"{t.Label} accepted {f.AcceptedDuringOutage} requests during the outage (it must fail closed)");
                }
                if (f.TimeToFirstNon503Ms is null)
                {
                    failures.Add($"{t.Label} did not recover after the outage");
                }
            }
            else if (!arm.UsesStore)
            {
                open.Add(arm.Name);
                if (f.AcceptedDuringOutage <= 0)
                {
                    failures.Add($"{t.Label} accepted no request during the outage, but it does not read the store");
                }
            }
        }
        var summary = $"fault: {run.Trials.Count} trial(s); "
            + (closed.Count > 0 ? $"{string.Join(", ", closed)} accepted 0 requests during the outage and recovered" : "no arm that fails closed")
            + (leased.Count > 0 ? $"; {string.Join(", ", leased)} stopped accepting within the near-cache lease and recovered" : "")
            + "; "
            + (open.Count > 0 ? $"{string.Join(", ", open)} kept answering" : "no arm without the store");
        return new CheckResult(failures.Count == 0 ? [summary] : [], failures);
    }

    /// <summary>The CI smoke run: complete, at least one trial, no trial with errors; prints one line per trial.</summary>
    public static CheckResult Quick(RunResults run)
    {
        var output = new List<string>
        {
            $"load-quick: status {run.Status}, {run.Trials.Count} trial(s), arms {string.Join(", ", ArmCatalogue.OrderLabels(run.Trials.Select(t => t.Label)))}",
        };
        foreach (var t in run.Trials)
        {
            var store = t.Store is { } s ? s.CommandsPerRequest.ToString(Inv) : "-";
            output.Add(string.Create(Inv,
                $"  {t.Label,-20} {t.AchievedRps,8:0.0} req/s  p99 {t.LatencyUs.P99,7} µs  bytes {t.BytesPerRequest.Sent:0}/{t.BytesPerRequest.Received:0}  store commands/request {store}"));
        }
        var failures = new List<string>();
        if (run.Status != "complete")
        {
            failures.Add($"load-quick: status {run.Status}, not complete");
        }
        if (run.Trials.Count == 0)
        {
            failures.Add("load-quick: no trial");
        }
        foreach (var t in run.Trials.Where(t => t.Errors.Values.Sum() > 0))
        {
            failures.Add($"load-quick: {t.Label} at {Rate(t)} (repetition {t.Repetition}) had {t.Errors.Values.Sum()} error(s): "
                + string.Join(", ", t.Errors.Where(e => e.Value > 0).Select(e => $"{e.Key} {e.Value}")));
        }
        return new CheckResult(output, failures);
    }

    /// <summary>
    /// The median error the delaying relay may have (added round trip minus the set one, at the median): what the report
    /// quotes as the relay's accuracy, and what <c>--check relay</c> holds a calibration to.
    /// </summary>
    public const double RelayMedianErrorBoundUs = 500;

    /// <summary>The longest the relay may hold one read beyond its due time before a calibration step counts as stalled.</summary>
    public const double RelayStallUs = 100_000;

    /// <summary>
    /// A relay calibration (<c>relay-calibrate</c>): every step has samples on both sides; no step is early (the added
    /// round trip's interval lies wholly below the set value); no step's median error is beyond
    /// <see cref="RelayMedianErrorBoundUs"/> (its interval lies wholly above the bound); no step held a read more than
    /// <see cref="RelayStallUs"/> beyond its due time (a stalled release thread). Prints one line per step.
    /// </summary>
    public static CheckResult Relay(RelayCalibrationResults calibration)
    {
        var output = new List<string>();
        var failures = new List<string>();
        if (calibration.Steps.Count == 0)
        {
            failures.Add("relay: the calibration has no step");
        }
        foreach (var step in calibration.Steps)
        {
            var set = step.SetRttMs * 1000;
            var what = string.Create(Inv, $"RTT {step.SetRttMs:0.###} ms at {step.RateRps:0} msg/s");
            output.Add(string.Create(Inv,
                $"  {what}: added median {step.AddedMedianUs.Value:0.0} µs [{step.AddedMedianUs.Low:0.0}, {step.AddedMedianUs.High:0.0}], error {step.ErrorMedianUs:+0.0;-0.0;0} µs"));
            if (step.DirectSamples < 100 || step.RelaySamples < 100)
            {
                failures.Add(string.Create(Inv, $"relay: {what} has {step.DirectSamples} direct and {step.RelaySamples} relayed samples (fewer than 100)"));
                continue;
            }
            if (step.AddedMedianUs.High < set)
            {
                failures.Add(string.Create(Inv, $"relay: {what} is early: it added {step.AddedMedianUs.High:0.0} µs at most (interval) to a set {set:0.0} µs"));
            }
            if (step.Lateness.LatenessMaxUs > RelayStallUs)
            {
                failures.Add(string.Create(Inv, $"relay: {what} stalled: it released a read {step.Lateness.LatenessMaxUs / 1000:0.0} ms late (more than {RelayStallUs / 1000:0} ms)"));
            }
            if (step.AddedMedianUs.Low - set > RelayMedianErrorBoundUs)
            {
                failures.Add(string.Create(Inv, $"relay: {what} is late by {step.AddedMedianUs.Low - set:0.0} µs at least at the median, beyond the {RelayMedianErrorBoundUs:0} µs the report quotes"));
            }
        }
        if (failures.Count == 0)
        {
            output.Insert(0, string.Create(Inv, $"relay: {calibration.Steps.Count} step(s), none early, every median error within {RelayMedianErrorBoundUs:0} µs"));
        }
        return new CheckResult(output, failures);
    }

    /// <summary>One line per trial for scripts: label, achieved req/s, p50 and p99 latency (µs), load-generator CPU µs per request.</summary>
    public static IEnumerable<string> Figures(RunResults run) => run.Trials.Select(t => string.Create(Inv,
        $"{t.Label} {t.AchievedRps:0.###} {t.LatencyUs.P50} {t.LatencyUs.P99} {(t.LoadgenCpuUsPerRequest is { } c ? c.ToString("0.###", Inv) : "nan")}"));

    private static string Rate(TrialResult t) => t.TargetRps is { } r ? $"{r.ToString("0", Inv)} req/s" : "max";
}
