using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using System.Globalization;
using System.Text;

namespace AuthBench.LoadTest.Results;

/// <summary>summary.md: per rate one table, arms side by side, medians over repetitions with min–max, and each arm's difference to the baseline.</summary>
public static class Summary
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="Optional">Shown only where some trial of the table has it (the balancer's CPU exists only with --instances).</param>
    private sealed record Metric(string Name, Func<TrialResult, double?> Value, string Format, bool Optional = false);

    private static readonly Metric[] Metrics =
    [
        new("achieved req/s", t => t.AchievedRps, "0.0"),
        new("latency p50 (µs)", t => t.LatencyUs.P50, "0"),
        new("latency p90 (µs)", t => t.LatencyUs.P90, "0"),
        new("latency p99 (µs)", t => t.LatencyUs.P99, "0"),
        new("latency p99.9 (µs)", t => t.LatencyUs.P999, "0"),
        new("latency max (µs)", t => t.LatencyUs.Max, "0"),
        new("service time p99 (µs)", t => t.ServiceTimeUs.P99, "0"),
        new("dispatch delay p50 (µs)", t => t.DispatchDelayUs?.P50, "0"),
        new("dispatch delay p99 (µs)", t => t.DispatchDelayUs?.P99, "0"),
        new("bytes sent / request", t => t.BytesPerRequest.Sent, "0.0"),
        new("bytes received / request", t => t.BytesPerRequest.Received, "0.0"),
        new("server CPU µs / request", t => t.ServerCpuUsPerRequest, "0.0"),
        new("balancer CPU µs / request", t => t.BalancerCpuUsPerRequest, "0.0", Optional: true),
        new("server peak RSS (MiB)", t => t.ServerPeakRssMb, "0.0"),
        new("load-gen CPU µs / request", t => t.LoadgenCpuUsPerRequest, "0.0"),
        new("store commands / request", t => t.Store?.CommandsPerRequest, "0.00"),
        new("store µs / request (commandstats)", t => t.Store?.UsecPerRequest, "0.00"),
        new("store CPU µs / request", t => t.Store?.CpuUsPerRequest, "0.0"),
        new("store bytes / request", t => t.Store?.BytesPerRequest, "0.0"),
        new("errors", t => t.Errors.Values.Sum(), "0"),
        new("late starts", t => t.Late, "0"),
        new("dropped", t => t.Dropped, "0"),
    ];

    /// <summary>An SLO search: per arm and target the capacity and its bracket, then every step as run.</summary>
    private static void RenderSlo(StringBuilder sb, RunResults r)
    {
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"## SLO capacity (p99 from the intended send time under the target, late + dropped starts under {r.Settings.SloMaxLateFraction:0.####} of the schedule, no error)"));
        sb.AppendLine();
        sb.AppendLine("| arm | p99 target (ms) | capacity (req/s) | lowest failing (req/s) | req/s per API core | saturation (req/s) | steps (rate: outcome, p99 µs) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var c in r.Slo.OrderBy(c => ArmCatalogue.Order(c.Label)).ThenBy(c => c.P99TargetMs))
        {
            var steps = string.Join("; ", c.Steps.OrderBy(s => s.TargetRps).Select(s => string.Create(Inv, $"{s.TargetRps:0}: {s.Reason}, {s.P99Us}")));
            sb.AppendLine(string.Create(Inv,
                $"| {c.Label} | {c.P99TargetMs:0.###} | {c.CapacityRps?.ToString("0", Inv) ?? "none passed"} | {c.LowestFailingRps?.ToString("0", Inv) ?? "none failed"} | {c.CapacityRpsPerApiCore?.ToString("0", Inv) ?? "–"} | {c.SaturationRps:0} | {steps} |"));
        }
    }

    public static string Render(RunResults r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"# AuthBench load test ({r.Mode}, {r.Status})");
        sb.AppendLine();
        var e = r.Environment;
        sb.AppendLine(Inv, $"- started {r.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC{(r.FinishedUtc is { } f ? $", finished {f:HH:mm:ss} UTC" : "")}; endpoint `{r.Settings.Endpoint}`; {r.Settings.Users} users; {r.Settings.Connections} connections");
        sb.AppendLine(Inv, $"- machine: {e.CpuModel} ({e.Cores} cores), {e.Os}, kernel {e.Kernel}, {e.DotnetRuntime}, API GC {e.ApiGcMode}");
        sb.AppendLine(Inv, $"- store: {e.Store?.Description ?? "no store"}; commit {e.GitCommit}");
        sb.AppendLine(Inv, $"- command: `{e.CommandLine}`");
        if (e.Isolation is { } iso)
        {
            var idle = iso.IdleApisStopped ? "idle APIs stopped (SIGSTOP) during other arms' trials" : "idle APIs not stopped";
            sb.AppendLine(iso.Enabled
                ? string.Create(Inv, $"- isolation: API on CPU {iso.ApiCpus}, generator and store on CPU {iso.LoadgenCpus} (read back: {(iso.Processes.All(p => p.Pinned || p.Pid is null) ? "every pinned process matches" : "NOT every process matches, see results.json")}); {idle}; API GC as run: {iso.ApiGcEffective}")
                : $"- isolation {iso.Note}; {idle}");
        }
        if (r.Settings.Seed is { } seed)
        {
            sb.AppendLine(Inv, $"- arm order: {r.Settings.Order}, seed {seed}; spin limit: {r.Settings.SpinLimit}");
        }
        if (r.Error is not null)
        {
            sb.AppendLine(Inv, $"- error: {r.Error}");
        }
        foreach (var skipped in r.SkippedProbes)
        {
            sb.AppendLine(Inv, $"- skipped: {skipped}");
        }
        sb.AppendLine();
        var baseline = ArmCatalogue.Baseline.Name;
        sb.AppendLine($"Cells: median over repetitions [min–max]. Δ {baseline}: the arm's median minus the {baseline} arm's median. "
            + (r.Settings.FindMax
                ? "Closed loop: each connection sends its next request when the previous answer arrives, so latency equals service time; "
                  + "the figures to read are throughput and CPU per request. See docs/methodology.md."
                : "Latency is measured from each request's intended send time (open loop: no coordinated omission); "
                  + "service time from the actual send. See docs/methodology.md."));
        var labels = r.Trials.Select(t => t.Label).Distinct().ToList();
        var hasNone = labels.Contains(baseline);
        if (r.Settings.SloP99Ms is { Count: > 0 })
        {
            RenderSlo(sb, r);
            return sb.ToString();
        }
        foreach (var group in r.Trials.Where(t => t.SoakMinute is null).GroupBy(t => (t.TargetRps, Rtt: t.StoreRelay?.RttMs, t.Instances)))
        {
            sb.AppendLine();
            var reps = group.Select(t => t.Repetition).Distinct().Count();
            var relayed = group.Key.Rtt is { } rtt
                ? string.Create(Inv, $", store round trip +{rtt:0.###} ms through the relay (its release lateness p99 {group.Max(t => t.StoreRelay!.LatenessP99Us):0.0} µs at worst)")
                : "";
            if (group.Key.Instances is { } servers)
            {
                relayed += string.Create(Inv, $", {servers} API server(s) per arm behind {r.Settings.Balancer ?? "the balancer"}; server CPU summed over them");
            }
            sb.AppendLine(group.Key.TargetRps is { } rate
                ? string.Create(Inv, $"## {rate:0.##} requests/s (open loop, {reps} repetition(s) of {group.First().DurationS:0.#} s{relayed})")
                : string.Create(Inv, $"## Saturation (closed loop, {r.Settings.Connections} connections, {reps} repetition(s) of {group.First().DurationS:0.#} s{relayed})"));
            sb.AppendLine();
            var header = new StringBuilder("| metric |");
            var rule = new StringBuilder("|---|");
            foreach (var label in labels)
            {
                header.Append(Inv, $" {label} |");
                rule.Append("---:|");
                if (hasNone && label != baseline)
                {
                    header.Append(Inv, $" Δ {baseline} |");
                    rule.Append("---:|");
                }
            }
            sb.AppendLine(header.ToString());
            sb.AppendLine(rule.ToString());
            foreach (var metric in Metrics.Where(m => !m.Optional || group.Any(t => m.Value(t) is not null)))
            {
                var row = new StringBuilder().Append(Inv, $"| {metric.Name} |");
                double? noneMedian = hasNone ? Median(group.Where(t => t.Label == baseline).Select(metric.Value)) : null;
                foreach (var label in labels)
                {
                    var values = group.Where(t => t.Label == label).Select(metric.Value).Where(v => v is not null).Select(v => v!.Value).ToList();
                    if (values.Count == 0)
                    {
                        row.Append(" – |");
                    }
                    else
                    {
                        var median = Statistics.Median(values);
                        row.Append(' ').Append(median.ToString(metric.Format, Inv));
                        if (values.Count > 1)
                        {
                            row.Append(Inv, $" [{values.Min().ToString(metric.Format, Inv)}–{values.Max().ToString(metric.Format, Inv)}]");
                        }
                        row.Append(" |");
                    }
                    if (hasNone && label != baseline)
                    {
                        var median = values.Count > 0 ? Statistics.Median(values) : (double?)null;
                        row.Append(median is { } m && noneMedian is { } n ? $" {Signed(m - n, metric.Format)}{Percent(m, n)} |" : " – |");
                    }
                }
                sb.AppendLine(row.ToString());
            }
            var faults = group.Where(t => t.Fault is not null).ToList();
            if (faults.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("Store outage per trial: 2xx answers to requests sent while the store was down (must be 0 for every arm that reads the store per request); after the restart, "
                    + "time to the first answer that is not a 503 (the store answers again) and to the first 2xx. A store restarted without persistence "
                    + "has forgotten every credential it held, so an arm whose credentials live there answers 401 until its users log in again. Outcomes per second are in results.json (fault.outcomes_per_second).");
                sb.AppendLine();
                sb.AppendLine("| arm | rep | first 503 after stop (ms) | accepted during outage | last accepted after stop (ms) | first non-503 after restart (ms) | first 2xx after restart (ms) | errors by kind |");
                sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
                foreach (var t in faults)
                {
                    var fr = t.Fault!;
                    sb.AppendLine(Inv, $"| {t.Label} | {t.Repetition} | {(fr.TimeTo503Ms is { } f503 ? f503.ToString("0", Inv) : "never")} | {fr.AcceptedDuringOutage} | {(fr.LastAcceptedAfterStopMs is { } last ? last.ToString("0", Inv) : "-")} | {(fr.TimeToFirstNon503Ms is { } a ? a.ToString("0", Inv) : "never")} | {(fr.TimeToRecoverMs is { } ms ? ms.ToString("0", Inv) : "never")} | {string.Join(", ", t.Errors.Select(kv => $"{kv.Key} {kv.Value}"))} |");
                }
            }
            AppendWindows(sb, group.Where(t => t.Window is not null).ToList());
        }
        AppendSoak(sb, r);
        AppendFanout(sb, r);
        return sb.ToString();
    }

    /// <summary>The revocation or staleness window of each trial (--window): what a revoked credential still got, how long a plan stayed stale.</summary>
    public static void AppendWindows(StringBuilder sb, IReadOnlyList<TrialResult> trials)
    {
        var revocations = trials.Where(t => t.Window!.Revocation is not null).ToList();
        if (revocations.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Revocation window per trial and method: the revoked users keep sending the credential they held (not renewed, no new login). "
                + "Counted: their requests sent after the API answered the revocation; delays are send times after that answer. "
                + "\"first rejection\" is the slowest user's first 401/403 (\"never\": some user was never rejected); \"still accepted at end\" counts users whose last request was accepted. "
                + "The resolution is the interval between two requests of one user.");
            sb.AppendLine();
            sb.AppendLine("| arm | rep | method | users (acked) | sent after | accepted | rejected | other | longest accepted (ms) | first rejection (ms) | in lifetimes (accepted / rejection) | still accepted at end | resolution (ms) |");
            sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var t in revocations)
            {
                var w = t.Window!;
                foreach (var m in w.Revocation!)
                {
                    sb.AppendLine(Inv, $"| {t.Label} | {t.Repetition} | {m.Method} | {m.Users} ({m.Acknowledged}) | {m.SentAfter} | {m.Accepted} | {m.Rejected} | {m.Other} "
                        + $"| {Ms(m.LongestAcceptedMs, "–")} | {Ms(m.FirstRejectionMs, "never")} | {Lifetimes(w, m.LongestAcceptedLifetimes)} / {Lifetimes(w, m.FirstRejectionLifetimes)} "
                        + $"| {m.UsersAcceptedAtEnd} | {Ms(w.UserRequestIntervalMs, "–")} |");
                }
            }
        }
        var staleness = trials.Where(t => t.Window!.Staleness is not null).ToList();
        if (staleness.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Staleness window per trial: the plan of the users was changed through the admin endpoint; a probe sent GET /api/me for each, every probe interval, "
                + "with the credential the user held then (renewed as usual). \"visible after\" is the slowest user's first 2xx showing the new plan, after the change was answered "
                + "(\"not within\": some user still saw the old plan when the trial ended, after the time given).");
            sb.AppendLine();
            sb.AppendLine("| arm | rep | users (acked) | probes | probe errors | users seen | visible after (ms) | last stale (ms) | in lifetimes | probe interval (ms) |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var t in staleness)
            {
                var w = t.Window!;
                var s = w.Staleness!;
                var visible = s.VisibleAfterMs is { } v ? v.ToString("0.0", Inv) : $"not within {Ms(s.ObservedForMs, "–")}";
                sb.AppendLine(Inv, $"| {t.Label} | {t.Repetition} | {s.Users} ({s.Acknowledged}) | {s.Probes} | {s.ProbeErrors} | {s.UsersSeen} | {visible} | {Ms(s.LastStaleMs, "–")} "
                    + $"| {Lifetimes(w, s.VisibleAfterLifetimes)} | {s.ProbeIntervalMs.ToString("0.#", Inv)} |");
            }
        }
    }

    private static string Ms(double? ms, string none) => ms is { } v ? v.ToString("0.0", Inv) : none;

    private static string Lifetimes(WindowResult w, double? units) =>
        units is { } u ? string.Create(Inv, $"{u:0.000} × {w.LifetimeKind} {w.LifetimeS:0.###} s") : "–";

    /// <summary>
    /// Fan-out chains (<c>--fanout</c>): per rate, arm and mode one row per chain length, medians over repetitions;
    /// CPU is summed over every service of the chain and, like store commands, divided by the user requests (the edge's answers).
    /// </summary>
    private static void AppendFanout(StringBuilder sb, RunResults r)
    {
        var chains = r.Arms.Where(a => a.Fanout is not null).ToDictionary(a => a.Label, a => a.Fanout!);
        if (chains.Count == 0)
        {
            return;
        }
        sb.AppendLine();
        sb.AppendLine("## Fan-out: per user request through N services");
        sb.AppendLine();
        sb.AppendLine("Each user request enters the edge and goes down a chain of N API processes of the arm (N = 1: the edge alone), "
            + "all on the API CPU set. Server CPU is summed over the N processes; store commands are every service's. Per service = "
            + "each service authenticates the user's credential itself; edge-token = the edge authenticates it once and passes a short ES256 token on. "
            + "× N=1: the row's median over the same arm's chain of one.");
        sb.AppendLine();
        sb.AppendLine("| rate (req/s) | arm | mode | N | p50 (µs) | p99 (µs) | server CPU µs / user request | × N=1 | store commands / user request | errors |");
        sb.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|");
        var rows = r.Trials.Where(t => t.SoakMinute is null && chains.ContainsKey(t.Label))
            .GroupBy(t => (t.TargetRps, Base: BaseLabel(t.Label, chains[t.Label]), chains[t.Label].Mode, chains[t.Label].Services))
            .OrderBy(g => g.Key.TargetRps).ThenBy(g => g.Key.Base, StringComparer.Ordinal).ThenBy(g => g.Key.Services).ThenBy(g => g.Key.Mode, StringComparer.Ordinal)
            .ToList();
        foreach (var g in rows)
        {
            var cpu = Median(g.Select(t => t.ServerCpuUsPerRequest));
            var single = Median(rows.Where(o => o.Key.TargetRps == g.Key.TargetRps && o.Key.Base == g.Key.Base && o.Key.Services == 1)
                .SelectMany(o => o).Select(t => t.ServerCpuUsPerRequest));
            var ratio = cpu is { } c && single is { } s1 && s1 > 0 ? (c / s1).ToString("0.00", Inv) : "–";
            sb.AppendLine(Inv, $"| {g.Key.TargetRps?.ToString("0", Inv) ?? "closed loop"} | {g.Key.Base} | {g.Key.Mode} | {g.Key.Services} | "
                + $"{Median(g.Select(t => (double?)t.LatencyUs.P50)):0} | {Median(g.Select(t => (double?)t.LatencyUs.P99)):0} | {cpu?.ToString("0.0", Inv) ?? "–"} | {ratio} | "
                + $"{Median(g.Select(t => t.Store?.CommandsPerRequest))?.ToString("0.00", Inv) ?? "–"} | {g.Sum(t => t.Errors.Values.Sum())} |");
        }
    }

    /// <summary>The arm's label without its fan-out part ("jwt-ES256-fan4-edge-token" → "jwt-ES256").</summary>
    public static string BaseLabel(string label, FanoutInfo chain)
    {
        var at = label.LastIndexOf($"-fan{chain.Services.ToString(Inv)}", StringComparison.Ordinal);
        return at > 0 ? label[..at] : label;
    }

    private static void AppendSoak(StringBuilder sb, RunResults r)
    {
        var soak = r.Trials.Where(t => t.SoakMinute is not null).GroupBy(t => t.Label).ToList();
        if (soak.Count == 0)
        {
            return;
        }
        sb.AppendLine();
        sb.AppendLine("## Soak: first minute against last minute");
        sb.AppendLine();
        sb.AppendLine("| arm | rate | minutes | errors | p99 first (µs) | p99 last (µs) | p99 drift | RSS first (MiB) | RSS last (MiB) | RSS growth (MiB) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var arm in soak)
        {
            var minutes = arm.OrderBy(t => t.SoakMinute).ToList();
            var first = minutes[0];
            var last = minutes[^1];
            var drift = first.LatencyUs.P99 > 0 ? (double)last.LatencyUs.P99 / first.LatencyUs.P99 - 1 : 0;
            sb.AppendLine(Inv, $"| {arm.Key} | {first.TargetRps:0} | {minutes.Count} | {minutes.Sum(t => t.Errors.Values.Sum())} | {first.LatencyUs.P99} | {last.LatencyUs.P99} | {drift:+0.0%;-0.0%} | {first.ServerRssMb:0.0} | {last.ServerRssMb:0.0} | {(last.ServerRssMb - first.ServerRssMb):+0.0;-0.0} |");
        }
    }

    private static double? Median(IEnumerable<double?> values)
    {
        var list = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return list.Count == 0 ? null : Statistics.Median(list);
    }

    private static string Signed(double value, string format) => (value >= 0 ? "+" : "") + value.ToString(format, Inv);

    private static string Percent(double value, double baseline) =>
        baseline > 0 ? string.Create(Inv, $" ({Signed(Math.Round(((value / baseline) - 1) * 100), "0")}%)") : "";
}
