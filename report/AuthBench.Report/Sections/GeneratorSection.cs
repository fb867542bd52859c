using AuthBench.Common;
using AuthBench.Contracts.Arms;

namespace AuthBench.Report.Sections;

/// <summary>
/// How much of the measured latency is the load generator's: its dispatch delay (actual minus intended send time) in
/// each fixed-rate run the report uses, and the published closed-loop cross-check against wrk.
/// </summary>
public sealed class GeneratorSection : IReportSection
{
    public string Heading => "## Generator";

    public void Write(ReportContext report)
    {
        var runs = RunSelection.FixedRate(report.Inputs);
        report.Line("The generator's own delay, per request of an open-loop trial: its actual send time minus its intended one (`dispatch_delay_us`). "
            + "Latency is measured from the intended time, so it contains this delay; service time, measured from the actual send, does not. "
            + "Beside it, latency p50 minus service time p50 (a difference of two percentiles, not a percentile of the difference) shows how much of the "
            + "median latency the generator accounts for. Each cell is the median over repetitions of the trial's own percentile, min–max in round brackets.");
        report.Line();
        if (runs.Count == 0)
        {
            report.Line("_No fixed-rate run found._");
            report.Line();
        }
        foreach (var run in runs)
        {
            WriteRun(report, run);
        }
        WriteCrosscheck(report);
    }

    private static void WriteRun(ReportContext report, LoadRun run)
    {
        var reps = run.Trials.Select(t => t.Repetition).Distinct().Count();
        report.Line($"### Fixed-rate run, {RunSelection.SpinName(run)}");
        report.Line();
        var measured = run.Trials.Any(t => t.DispatchDelay is not null);
        report.Line($"From {report.RunLink(run)}, {reps} repetition(s) per arm and rate"
            + (measured ? "." : ": this run predates the dispatch-delay measurement (its trials have no `dispatch_delay_us`); only latency p50 minus service time p50 is shown."));
        report.Line();
        var delay = measured ? " dispatch delay p50 (µs) | p99 (µs) | p99.9 (µs) | max (µs) |" : "";
        report.Line($"| arm | offered (req/s) |{delay} latency p50 − service time p50 (µs) | overloaded repetitions |");
        report.Line("| --- | ---: |" + (measured ? " ---: | ---: | ---: | ---: |" : "") + " ---: | ---: |");
        foreach (var rate in run.Trials.Select(t => t.TargetRps).Where(r => !double.IsNaN(r)).Distinct().Order())
        {
            foreach (var label in ArmCatalogue.OrderLabels(run.Trials.Where(t => t.TargetRps == rate).Select(t => t.Label).Distinct()))
            {
                var trials = run.Trials.Where(t => t.Label == label && t.TargetRps == rate).ToList();
                string S(Func<Percentiles, double> f) => Spread.Of(trials.Where(t => t.DispatchDelay is not null).Select(t => f(t.DispatchDelay!))).Show(0);
                var cells = measured ? $" {S(p => p.P50)} | {S(p => p.P99)} | {S(p => p.P999)} | {S(p => p.Max)} |" : "";
                var share = Spread.Of(trials.Select(t => t.Latency.P50 - t.ServiceTime.P50)).Show(0);
                report.Line($"| `{label}` | {ReportContext.Rate(rate)} |{cells} {share} | {trials.Count(t => t.Overloaded)} of {trials.Count} |");
            }
        }
        report.Line();
    }

    /// <summary>The published closed-loop cross-check: the engine's throughput and client CPU per request against wrk's, round by round.</summary>
    private static void WriteCrosscheck(ReportContext report)
    {
        report.Line("### Closed loop against wrk");
        report.Line();
        var files = Crosscheck.ReadAll(report.Inputs.CrosscheckDirectory).Where(c => c.Rounds.Count > 0).ToList();
        if (files.Count == 0)
        {
            report.Line("_No wrk cross-check found (`scripts/crosscheck-wrk.sh` saves its output under crosscheck/)._");
            report.Line();
            return;
        }
        report.Line("From the saved outputs of `scripts/crosscheck-wrk.sh`: wrk and the engine (closed loop, the same connections and duration) "
            + "alternate on one API, round by round, so the per-round ratio cancels slow drift of the machine. Client CPU is each tool's own CPU time "
            + "per request. A throughput ratio of at least one with client CPU at or below wrk's says the engine is not what limits a closed-loop figure. "
            + "Cells: median over rounds, min–max in round brackets.");
        report.Line();
        report.Line("| file | command | date | commit | rounds | engine/wrk throughput, per round | wrk req/s | engine req/s | wrk client CPU µs/req | engine client CPU µs/req |");
        report.Line("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in files)
        {
            var link = report.Inputs.CrosscheckDirectory is { } d ? report.Relative(Path.Combine(d, c.File)) : c.File;
            string S(Func<CrosscheckRound, double> f, int decimals) => Spread.Of(c.Rounds.Select(f)).Show(decimals);
            report.Line($"| [`{c.File}`]({link}) | `{ReportContext.Cell(c.Command ?? "not recorded")}` | {c.Date ?? "not recorded"} | {ReportContext.Cell(c.Commit ?? "not recorded")} "
                + $"| {c.Rounds.Count} | {S(r => r.Ratio, 3)} | {S(r => r.WrkRps, 0)} | {S(r => r.EngineRps, 0)} | {S(r => r.WrkCpuUsPerRequest, 1)} | {S(r => r.EngineCpuUsPerRequest, 1)} |");
        }
        report.Line();
        var ratios = Statistics.Sorted(files.SelectMany(c => c.Rounds.Select(r => r.Ratio)));
        report.Line($"Over all {ratios.Length} rounds of the {files.Count} file(s), the engine's throughput is {LoadRun.Format(Statistics.MedianOfSorted(ratios), 3)} of wrk's "
            + $"(median of the per-round ratios; {LoadRun.Format(ratios[0], 3)}–{LoadRun.Format(ratios[^1], 3)}).");
        report.Line();
    }
}
