using AuthBench.Contracts.Arms;

namespace AuthBench.Report.Sections;

/// <summary>One column per arm, one row per question the debate asks; each figure also goes to headline-benchmark.json.</summary>
public sealed class HeadlineSection : IReportSection
{
    public string Heading => "## Headline";

    public void Write(ReportContext report)
    {
        var load = report.Load;
        var baseline = ReportContext.BaselineLabel;
        if (load is null && report.Micro is null)
        {
            report.Line("_No results yet._");
            report.Line();
            return;
        }
        // Every arm of either load run: an arm measured only at saturation shows "–" in the fixed-rate rows.
        var arms = ArmCatalogue.OrderLabels(report.ArmLabels().Concat(report.Saturation?.Trials.Select(t => t.Label) ?? []).Where(a => a != baseline));
        var rate = load is null ? double.NaN : report.ModerateRate();
        var perLookup = MicroFigures.PerSessionLookup(report.Micro);
        var headerBytes = MicroFigures.CredentialHeaderBytes(report.Micro?.Sizes);
        if (arms.Count == 0)
        {
            arms = ArmCatalogue.OrderLabels(perLookup.Keys);
        }
        report.Line(load is null
            ? "Microbenchmark figures only (no load run found)."
            : $"Each fixed-rate figure is read at **{ReportContext.Rate(rate)} requests/s** offered (open loop, the moderate rate of this run); "
              + "the saturation rows come from the closed-loop run, where every connection sends its next request when the previous answer arrives. "
              + Regime("fixed-rate", load) + Regime("saturation", report.Saturation)
              + $"Claims profile: {string.Join(", ", load.Trials.Select(t => t.Claims).Where(c => c.Length > 0).Distinct())}.");
        report.Line();
        report.Line(ReportContext.IntervalMethod);
        report.Line();
        if (load is not null)
        {
            report.Line("Latency is compared as a shift of the whole distribution: at each quantile, the arm's latency minus the "
                + $"`{baseline}` arm's, both read from the merged histogram of every repetition (the `.hgrm` files under Raw data); "
                + "its interval is the bootstrap interval of the difference of the repetitions' own quantiles (each trial records them), "
                + "since the merged histograms do not keep the repetitions apart. " + ReportContext.OverloadMethod);
            report.Line();
        }
        report.Line("| question | " + string.Join(" | ", arms.Select(a => $"`{a}`")) + " |");
        report.Line("| --- |" + string.Concat(arms.Select(_ => " ---: |")));

        if (report.Saturation is not null)
        {
            // First: the cleanest per-request cost. At a fixed rate below saturation idle spinning is added to it.
            DiffRow(report, "Server CPU per request over none at saturation (closed loop; no idle spinning) (µs)", "µs", arms, a => report.SatDeltaCi(a, t => t.ServerCpuUsPerRequest));
        }
        if (load is not null)
        {
            // A new name for the spin-free figure: it is another measurement than the as-shipped one, and its history starts anew.
            var cpuQuestion = load.IsSpinFree
                ? "Server CPU per request over none at this rate (spin-free run: no thread-pool spinning, per-wake-up cost remains; see CPU reconciliation) (µs)"
                : "Server CPU per request over none at this rate (includes idle thread-pool spinning, see Caveats) (µs)";
            DiffRow(report, cpuQuestion, "µs", arms,
                a => report.DeltaCi(a, rate, t => t.ServerCpuUsPerRequest), a => report.IsOverloaded(a, rate) || report.IsOverloaded(baseline, rate) ? " (overloaded)" : "");
            foreach (var q in Quantiles.Compared)
            {
                ShiftRow(report, $"Latency shift at {q.Name} over none (quantile difference of the merged histograms) (µs)", arms, a => report.LatencyShift(a, rate, q), a => OverloadedSide(report, a, rate));
            }
            DiffRow(report, "Client hop bytes per request over none (sent + received)", "bytes", arms, a => report.DeltaCi(a, rate, t => t.BytesSent + t.BytesReceived), decimals: 0);
            Row(report, "Store hop bytes per request (in + out)", "bytes", arms, a => report.At(a, rate, t => t.Store?.BytesPerRequest ?? 0).Median, 0);
            DiffRow(report, "Client + store bytes per request over none", "bytes", arms,
                a => report.DeltaCi(a, rate, t => t.BytesSent + t.BytesReceived + (t.Store?.BytesPerRequest ?? 0)), decimals: 0);
            Row(report, "Store commands per request", "commands", arms, a => report.At(a, rate, t => t.Store?.CommandsPerRequest ?? 0).Median, 2);
            Row(report, "Store CPU per request at this rate (µs)", "µs", arms, a => report.At(a, rate, t => t.Store?.CpuUsPerRequest ?? 0).Median);
            Row(report, "Failures at this rate (errors + dropped requests, median over repetitions)", "requests", arms, a => report.At(a, rate, t => t.Failures).Median, 0);
        }
        if (report.Saturation is not null)
        {
            Row(report, "Saturation throughput (closed loop, requests/s)", "requests/s", arms, a => report.Sat(a, t => t.AchievedRps).Median, 0, biggerIsBetter: true);
            Row(report, "Store CPU per request at saturation (µs)", "µs", arms, a => report.Sat(a, t => t.Store?.CpuUsPerRequest ?? 0).Median);
        }
        if (perLookup.Count > 0)
        {
            // More verifications per lookup is a cheaper verification: bigger is better.
            Row(report, HeadToHeadQuestion(report, arms), "verifications", arms, a => perLookup.TryGetValue(a, out var v) ? v : double.NaN, 2, biggerIsBetter: true);
        }
        if (headerBytes.Count > 0)
        {
            Row(report, "Credential header bytes per request, typical claims (microbenchmark size table)", "bytes", arms,
                a => headerBytes.TryGetValue(a, out var v) ? v : double.NaN, 0);
        }
        report.Line();
        report.Line("How to read it: each column is one arm; a row answers one question the debate asks. "
            + "\"Over none\" subtracts the unauthenticated baseline, so what remains is the price of authentication itself.");
        report.Line();
    }

    private static string OverloadedSide(ReportContext report, string arm, double rate) =>
        report.IsOverloaded(arm, rate) ? report.OverloadMark(arm, rate) : $"not compared: `{ReportContext.BaselineLabel}` {report.OverloadMark(ReportContext.BaselineLabel, rate)}";

    /// <summary>
    /// Published runs measured one verification per algorithm, which is every token arm's verification. Runs over the
    /// catalogue measure each arm's whole per-request work: the row then says which arms add a store read to it.
    /// </summary>
    private static string HeadToHeadQuestion(ReportContext report, IReadOnlyList<string> arms)
    {
        const string Question = "JWT verifications that take as long as one session lookup, API side (microbenchmark head-to-head)";
        var withStoreRead = arms.Select(ArmCatalogue.ParseLabel).OfType<(ArmDescriptor Arm, string? Alg)>()
            .Select(p => p.Arm).Where(a => a.HasAlgorithm && a.UsesStore).Distinct().Select(a => $"`{a.Name}`").ToList();
        return MicroFigures.HeadToHeadIsPerLabel(report.Micro) && withStoreRead.Count > 0
            ? $"JWT verifications ({string.Join(", ", withStoreRead)}: with its store read) that take as long as one session lookup, API side (microbenchmark head-to-head)"
            : Question;
    }

    private static void Row(ReportContext report, string question, string unit, IReadOnlyList<string> arms, Func<string, double> value, int decimals = 1, bool biggerIsBetter = false)
    {
        var values = arms.Select(value).ToList();
        report.Line($"| {question} | " + string.Join(" | ", values.Select(v => LoadRun.Format(v, decimals))) + " |");
        for (var i = 0; i < arms.Count; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                report.Headline.Add(new HeadlineFigure($"{question} [{arms[i]}]", unit, Math.Round(values[i], 3), biggerIsBetter));
            }
        }
    }

    /// <summary>A row of differences over the baseline, each with its interval; <paramref name="note"/> adds a mark to a cell.</summary>
    private static void DiffRow(ReportContext report, string question, string unit, IReadOnlyList<string> arms, Func<string, Difference> value, Func<string, string>? note = null, int decimals = 1)
    {
        var values = arms.Select(value).ToList();
        report.Line($"| {question} | " + string.Join(" | ", arms.Select((a, i) => values[i].Show(decimals) + (double.IsNaN(values[i].Estimate) ? "" : note?.Invoke(a) ?? ""))) + " |");
        for (var i = 0; i < arms.Count; i++)
        {
            Add(report, $"{question} [{arms[i]}]", unit, values[i]);
        }
    }

    /// <summary>A row of latency shifts: an overloaded cell shows its mark and has no figure.</summary>
    private static void ShiftRow(ReportContext report, string question, IReadOnlyList<string> arms, Func<string, Difference?> value, Func<string, string> overloaded)
    {
        var values = arms.Select(value).ToList();
        report.Line($"| {question} | " + string.Join(" | ", arms.Select((a, i) => values[i] is { } d ? d.Show(0) : overloaded(a))) + " |");
        for (var i = 0; i < arms.Count; i++)
        {
            if (values[i] is { } d)
            {
                Add(report, $"{question} [{arms[i]}]", "µs", d);
            }
        }
    }

    private static void Add(ReportContext report, string name, string unit, Difference d)
    {
        if (!double.IsNaN(d.Estimate))
        {
            report.Headline.Add(new HeadlineFigure(name, unit, Math.Round(d.Estimate, 3), Range: d.HasInterval ? $"{d.Interval(3)} {d.Repetitions}" : d.Repetitions));
        }
    }

    /// <summary>Whether a run had the API alone on its CPU set: two runs made under different regimes must not be read as one.</summary>
    private static string Regime(string which, LoadRun? run) => run?.Results.Environment.Isolation is { Enabled: true } i
        ? $"The {which} run had the API alone on CPU set {i.ApiCpus} (generator and store on {i.LoadgenCpus}; API garbage collector: {i.ApiGcEffective ?? "not recorded"}). "
        : run is null ? "" : $"The {which} run shared every CPU between the API, the generator and the store. ";
}
