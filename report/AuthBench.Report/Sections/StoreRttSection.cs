using System.Globalization;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// The store-RTT run (<c>--store-rtt</c>): per arm and set round trip, latency (merged-histogram median and p99) and
/// server CPU per request, each as a difference to the same arm at RTT 0 with its bootstrap interval; and beside it the
/// relay's accuracy, from relay-calibration.json and from each trial's own release lateness.
/// </summary>
public sealed class StoreRttSection : IReportSection
{
    public string Heading => "## Store across a network";

    /// <summary>The quantiles compared here: the median and the tail.</summary>
    private static readonly IReadOnlyList<(string Name, double Q, Func<Percentiles, double> OfTrial)> Compared =
        [.. Quantiles.Compared.Where(q => q.Name is "p50" or "p99")];

    public void Write(ReportContext report)
    {
        var run = report.Inputs.StoreRtt;
        if (run is null || run.Trials.Count == 0)
        {
            report.Line("_No store-RTT run under results/load (a fixed-rate run made with `--store-rtt`): every figure of this report "
                + "so far has the store one loopback hop away._");
            report.Line();
        }
        else
        {
            WriteRun(report, run);
        }
        WriteCalibration(report);
    }

    private static void WriteRun(ReportContext report, LoadRun run)
    {
        var rtts = run.Trials.Select(t => t.StoreRttMs).OfType<double>().Distinct().Order().ToList();
        var reference = rtts[0];
        var reps = run.Trials.Select(t => t.Repetition).Distinct().Count();
        report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`; {reps} repetition(s) per arm, RTT and rate; "
            + $"APIs {RunSelection.SpinName(run)}). The APIs of store-backed arms reach the store through the load tool's delaying relay, "
            + $"which holds each read for half the set round trip in each direction (set RTTs: {string.Join(", ", rtts.Select(Ms))} ms); "
            + $"at {Ms(reference)} ms the relay is still in the path, so every difference below is against the same arm through the relay at "
            + $"{Ms(reference)} ms, and the relay's own cost (its calibration below) cancels. Files written since the round trips became a unit "
            + "of each repetition shuffle every arm at every RTT together in seeded order (each trial's `sequence` shows the order run); older ones ran "
            + "each RTT as a block of its own. Arms without a store are the control: their rows should not move."
            + (run.Results.Environment.StoreRelay is { } relay ? $" Relay: {relay}." : ""));
        report.Line();
        report.Line($"How to read this: \"Δ vs {Ms(reference)} ms\" is the arm's figure at that RTT minus its own at {Ms(reference)} ms. Latency cells are "
            + "quantiles of the merged histograms (every repetition's requests), the interval the bootstrap of the repetitions' own quantiles; "
            + "CPU is the API process's, median over repetitions. A store-backed arm with one store command per request should move by about "
            + "the set RTT at the median; its server CPU should not (waiting costs no CPU). Relay lateness is how late the relay released what it "
            + "held, beyond the set delay, as its own clock saw it (median over repetitions of each trial's p50 and p99). "
            + ReportContext.OverloadMethod);
        report.Line();
        foreach (var rate in run.Trials.Select(t => t.TargetRps).Distinct().Order())
        {
            report.Line($"### {ReportContext.Rate(rate)} requests/s offered, store RTT set by the relay");
            report.Line();
            report.Line($"| arm | store | set RTT (ms) | store cmds/req | p50 (µs) | Δ p50 vs {Ms(reference)} ms [interval] | p99 (µs) | Δ p99 vs {Ms(reference)} ms [interval] "
                + $"| server CPU µs/req | Δ CPU vs {Ms(reference)} ms [interval] | store CPU µs/req | relay lateness p50 / p99 (µs) |");
            report.Line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var arm in ArmCatalogue.OrderLabels(run.Trials.Where(t => t.TargetRps == rate).Select(t => t.Label)))
            {
                var usesStore = ArmCatalogue.ParseLabel(arm) is { } parsed && parsed.Arm.UsesStore;
                var baseTrials = Cell(run, arm, rate, reference);
                foreach (var rtt in rtts)
                {
                    var trials = Cell(run, arm, rate, rtt);
                    if (trials.Count == 0)
                    {
                        continue;
                    }
                    var overloaded = trials.Any(t => t.Overloaded);
                    var baseOverloaded = baseTrials.Any(t => t.Overloaded);
                    var latency = Compared.Select(q =>
                    {
                        var merged = MergedQuantile(run, arm, rate, rtt, q.Q);
                        var own = overloaded ? $"**overloaded** ({trials.Count(t => t.Overloaded)} of {trials.Count} repetitions)"
                            : LoadRun.Format(double.IsNaN(merged) ? Spread.Of(trials.Select(t => q.OfTrial(t.Latency))).Median : merged, 0);
                        var shift = rtt == reference ? "–"
                            : overloaded || baseOverloaded ? "not compared (overloaded)"
                            : LatencyShift(run, trials, baseTrials, arm, rate, rtt, reference, q).Show(0);
                        return $"{own} | {shift}";
                    });
                    if (rtt == rtts[^1] && rtt != reference && !overloaded && !baseOverloaded)
                    {
                        var d = LatencyShift(run, trials, baseTrials, arm, rate, rtt, reference, Compared[0]);
                        report.Findings.Add(new Finding(FindingKind.StoreRttP50, arm, Ms(rtt), d.Show(0), "µs", Findings.SourceOf(run), Findings.Anchor(new StoreRttSection().Heading),
                            $"{ReportContext.Rate(rate)} req/s open loop, the store behind a delaying relay at {Ms(rtt)} ms RTT against {Ms(reference)} ms, {LoadTestsSection.StoreRegime(run)}")
                        { Difference = d, Value = d.Estimate });
                    }
                    var cpu = Spread.Of(trials.Select(t => t.ServerCpuUsPerRequest));
                    var cpuShift = rtt == reference ? "–" : Bootstrap.OfMedians(trials.Select(t => t.ServerCpuUsPerRequest), baseTrials.Select(t => t.ServerCpuUsPerRequest)).Show();
                    // An arm without a store sends the relay nothing: no lateness to show.
                    var lateness = trials.Where(t => t.StoreRelay is { Chunks: > 0 }).ToList();
                    var late = lateness.Count == 0 ? "–"
                        : $"{Spread.Of(lateness.Select(t => t.StoreRelay!.LatenessP50Us)).Show(0)} / {Spread.Of(lateness.Select(t => t.StoreRelay!.LatenessP99Us)).Show(0)}";
                    report.Line($"| `{arm}` | {(usesStore ? "yes" : "none (control)")} | {Ms(rtt)} | {Spread.Of(trials.Select(t => t.Store?.CommandsPerRequest ?? 0)).Show(2)} "
                        + $"| {string.Join(" | ", latency)} | {cpu.Show()} | {cpuShift} | {Spread.Of(trials.Select(t => t.Store?.CpuUsPerRequest ?? double.NaN)).Show()} | {late} |");
                }
            }
            report.Line();
        }
    }

    private static void WriteCalibration(ReportContext report)
    {
        report.Line("### The relay's accuracy");
        report.Line();
        if (report.Inputs.RelayCalibration is not { } calibration)
        {
            report.Line($"_No relay calibration under results/{RunSelection.RelayFolder} (`AuthBench.LoadTest relay-calibrate` writes "
                + $"{RunSelection.RelayFolder}/<UTC timestamp>/{RunSelection.RelayCalibrationFile}): the round trip the relay adds is not measured against the set value._");
            report.Line();
            return;
        }
        var c = calibration.Results;
        var path = report.Relative(calibration.Path);
        report.Line($"From [`{path}`]({path}) (command: `{c.CommandLine}`{(c.Commit is { } commit ? $"; commit {commit}" : "")}; "
            + $"release thread: {c.Scheduler ?? "not recorded"}). Method: {c.Method}.");
        report.Line();
        report.Line("How to read this: \"added\" is the round trip through the relay minus the direct one, at the median and at p99, with the "
            + "file's intervals; \"error\" is added minus the set RTT: what the relay gets wrong. At a set RTT of zero the added figure is the relay's "
            + "own cost, present in every relayed trial above and cancelled by comparing RTTs with each other.");
        report.Line();
        report.Line("| set RTT (ms) | round trips/s | samples direct / relay | added median (µs) [interval] | error at median (µs) | added p99 (µs) [interval] | error at p99 (µs) | release lateness p50 / p99 / max (µs) |");
        report.Line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var step in c.Steps.OrderBy(s => s.SetRttMs).ThenBy(s => s.RateRps))
        {
            report.Line($"| {Ms(step.SetRttMs)} | {ReportContext.Rate(step.RateRps)} | {step.DirectSamples.ToString("N0", CultureInfo.InvariantCulture)} / {step.RelaySamples.ToString("N0", CultureInfo.InvariantCulture)} "
                + $"| {Show(step.AddedMedianUs)} | {LoadRun.Format(step.ErrorMedianUs)} | {Show(step.AddedP99Us)} | {LoadRun.Format(step.ErrorP99Us)} "
                + $"| {LoadRun.Format(step.Lateness.LatenessP50Us)} / {LoadRun.Format(step.Lateness.LatenessP99Us)} / {LoadRun.Format(step.Lateness.LatenessMaxUs)} |");
        }
        report.Line();
        var worst = c.Steps.Where(s => s.SetRttMs > 0).OrderByDescending(s => Math.Abs(s.ErrorMedianUs)).FirstOrDefault();
        var floor = c.Steps.Where(s => s.SetRttMs == 0).OrderBy(s => s.RateRps).FirstOrDefault();
        if (worst is not null)
        {
            report.Line($"- **Accuracy.** Of the set RTTs above zero, the largest error at the median is {LoadRun.Format(worst.ErrorMedianUs)} µs "
                + $"(set {Ms(worst.SetRttMs)} ms at {ReportContext.Rate(worst.RateRps)} round trips/s)"
                + (floor is not null
                    ? $"; with the relay's own cost at zero ({LoadRun.Format(floor.AddedMedianUs.Value)} µs at {ReportContext.Rate(floor.RateRps)} round trips/s) taken away, "
                      + $"{LoadRun.Format(worst.ErrorMedianUs - floor.AddedMedianUs.Value)} µs: what the RTT differences above carry beyond the set values."
                    : "."));
            report.Line();
        }
    }

    /// <summary>The trials of one arm at one rate and set RTT.</summary>
    private static List<Trial> Cell(LoadRun run, string label, double rate, double rtt) =>
        [.. run.Trials.Where(t => t.Label == label && t.TargetRps == rate && t.StoreRttMs == rtt)];

    /// <summary>
    /// The latency shift at quantile q from RTT <paramref name="reference"/> to <paramref name="rtt"/>: the difference of the
    /// merged histograms' quantiles, with the bootstrap interval of the repetitions' own quantiles (their difference of
    /// medians where a histogram is missing).
    /// </summary>
    private static Difference LatencyShift(LoadRun run, IReadOnlyList<Trial> trials, IReadOnlyList<Trial> baseTrials, string label, double rate, double rtt,
        double reference, (string Name, double Q, Func<Percentiles, double> OfTrial) q)
    {
        var d = Bootstrap.OfMedians(trials.Select(t => q.OfTrial(t.Latency)), baseTrials.Select(t => q.OfTrial(t.Latency)));
        var at = MergedQuantile(run, label, rate, rtt, q.Q);
        var from = MergedQuantile(run, label, rate, reference, q.Q);
        return double.IsNaN(at) || double.IsNaN(from) ? d : d.WithEstimate(at - from);
    }

    /// <summary>The quantile of the merged latency histogram of an arm at a rate and set RTT; NaN without its file.</summary>
    public static double MergedQuantile(LoadRun run, string label, double rate, double rtt, double q)
    {
        var files = run.Histograms.FirstOrDefault(h => h.Label == label && h.TargetRps == rate && KeyRtt(h.Key) is { } k && Math.Abs(k - rtt) < RttKeyTolerance);
        var path = files is null ? null : Path.Combine(run.Directory, files.LatencyFile);
        return path is not null && File.Exists(path) ? Hgrm.Quantile(Hgrm.Read(path), q) : double.NaN;
    }

    /// <summary>The RTT in a histogram key ("1000@rtt0.25ms" gives 0.25, the load tool's LoadOptions.StoreRttKey); null without one.</summary>
    public static double? KeyRtt(string key)
    {
        var at = key.IndexOf(RttKeyMark, StringComparison.Ordinal);
        if (at < 0 || !key.EndsWith(RttKeyUnit, StringComparison.Ordinal))
        {
            return null;
        }
        var text = key[(at + RttKeyMark.Length)..^RttKeyUnit.Length];
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) ? ms : null;
    }

    private const string RttKeyMark = "@rtt";
    private const string RttKeyUnit = "ms";

    /// <summary>The key carries the RTT to four decimals of a millisecond.</summary>
    private const double RttKeyTolerance = 1e-4;

    private static string Ms(double ms) => ms.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Show(Estimate e) => $"{LoadRun.Format(e.Value)} [{LoadRun.Format(e.Low)}, {LoadRun.Format(e.High)}]";
}
