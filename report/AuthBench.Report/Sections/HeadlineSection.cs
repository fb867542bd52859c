using System.Globalization;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// One row per claim of the debate as a measured quantity, with its unit, its regime and its source run in columns of
/// their own, and one column per label of the catalogue ("–" with a note where the source run did not measure it); each
/// figure also goes to the github-action-benchmark files.
/// </summary>
public sealed class HeadlineSection : IReportSection
{
    public string Heading => "## Headline";

    /// <summary>The unit column's words: what kind of time or count a row is in.</summary>
    public const string CpuUnit = "CPU µs";

    /// <inheritdoc cref="CpuUnit"/>
    public const string StoreCpuUnit = "store CPU µs";

    /// <inheritdoc cref="CpuUnit"/>
    public const string WallUnit = "wall µs";

    /// <inheritdoc cref="CpuUnit"/>
    public const string BytesUnit = "bytes";

    /// <inheritdoc cref="CpuUnit"/>
    public const string CommandsUnit = "commands";

    /// <inheritdoc cref="CpuUnit"/>
    public const string RateUnit = "requests/s";

    /// <summary>The regime of the closed-loop rows.</summary>
    public const string SaturationRegime = "saturation (closed loop)";

    /// <summary>The regime of the microbenchmark rows.</summary>
    public const string MicroRegime = "microbenchmark (one operation at a time, no load)";

    public void Write(ReportContext report)
    {
        var (load, saturation, slo, micro) = (report.Load, report.Saturation, report.Inputs.Slo, report.Micro);
        if (load is null && micro is null && saturation is null && slo is null)
        {
            report.Line("_No results yet._");
            report.Line();
            return;
        }
        var rate = load is null ? double.NaN : report.ModerateRate();
        report.Line("One row per claim of the debate, as the quantity that measures it. The first columns say what a row is: its **unit** "
            + $"({CpuUnit}: the API process's CPU time; {StoreCpuUnit}: the store's; {WallUnit}: elapsed time as the client sees it), its **regime** "
            + "(saturation: a closed loop, every connection sends its next request when the previous answer arrives; "
            + "fixed rate: an open loop at the offered rate named; SLO capacity: the highest offered rate that met the latency target) and its **source run** (linked). "
            + "Then one column per arm of the catalogue as the runs label them (an arm with a signature algorithm once per algorithm); "
            + "\"–\" with a note number where the source run did not measure it, the note says why.");
        report.Line();
        var regimes = Regime("fixed-rate", load) + Regime("saturation", saturation) + Regime("SLO capacity", slo);
        if (load is not null)
        {
            regimes += $"The fixed-rate run's APIs ran {RunSelection.SpinName(load)}"
                + (load.IsSpinFree ? ": per-wake-up cost remains in its CPU per request (see CPU reconciliation). " : load.IsAsShipped ? ": its CPU per request includes idle spinning (see Caveats). " : ". ")
                + $"Claims profile: {string.Join(", ", load.Trials.Select(t => t.Claims).Where(c => c.Length > 0).Distinct())}.";
        }
        if (regimes.Length > 0)
        {
            report.Line(regimes.TrimEnd());
            report.Line();
        }
        report.Line(ReportContext.IntervalMethod);
        report.Line();
        if (load is not null)
        {
            report.Line("Latency is compared as a shift of the whole distribution: at each quantile, the arm's latency minus the "
                + $"`{ReportContext.BaselineLabel}` arm's, both read from the merged histogram of every repetition (the `.hgrm` files under Raw data); "
                + "its interval is the bootstrap interval of the difference of the repetitions' own quantiles (each trial records them), "
                + "since the merged histograms do not keep the repetitions apart. " + ReportContext.OverloadMethod);
            report.Line();
        }

        var table = new Table(report, Columns(report));
        WriteCpuRows(report, table, rate);
        WriteLatencyRows(report, table, rate);
        WriteByteRows(report, table, rate);
        WriteStoreRows(report, table, rate);
        WriteCapacityRows(report, table);
        WriteMicroComparison(report, table);
        table.Write();
        report.Line("How to read it: each arm column is one arm; a row answers one question the debate asks. "
            + $"\"Over {ReportContext.BaselineLabel}\" subtracts the unauthenticated baseline, so what remains is the price of authentication itself.");
        report.Line();
    }

    /// <summary>
    /// Every label a source run measured, the baseline first, and every arm of the catalogue: an arm no source run
    /// measured at any algorithm or transport gets its first label as a column ("–", with the note saying why), so that
    /// every arm appears without a column for each of its variants that only the full job runs.
    /// </summary>
    public static IReadOnlyList<string> Columns(ReportContext report)
    {
        IReadOnlyList<string> found = [
            .. report.Load?.Trials.Select(t => t.Label) ?? [],
            .. report.Saturation?.Trials.Select(t => t.Label) ?? [],
            .. report.Inputs.Slo?.Results.Slo.Select(r => r.Label) ?? [],
        ];
        var measured = found.ToHashSet(StringComparer.Ordinal);
        var arms = ArmCatalogue.Runs.SelectMany(a => a.Labels.Any(measured.Contains) ? a.Labels.Where(measured.Contains) : a.Labels.Take(1));
        return ArmCatalogue.OrderLabels(arms.Concat(found).Distinct(StringComparer.Ordinal));
    }

    private static void WriteCpuRows(ReportContext report, Table table, double rate)
    {
        var baseline = ReportContext.BaselineLabel;
        var saturation = report.Saturation;
        // First: the cleanest per-request cost. At a fixed rate below saturation idle work is added to it.
        table.Row($"Server CPU per request over {baseline}", CpuUnit, SaturationRegime, saturation, NoSaturationRun, label =>
            label == baseline ? Cell.Text(BaselineCell) : Diff(report.SatDeltaCi(label, t => t.ServerCpuUsPerRequest), 1, NoCountedTrial));

        // The question the microbenchmark head-to-head answered with wall time, answered with CPU from the same saturation run.
        var reference = MicroFigures.HeadToHeadReference;
        table.Row($"Server CPU per request over {baseline}, as a multiple of `{reference}`'s", "ratio of CPU µs", SaturationRegime, saturation, NoSaturationRun, label =>
        {
            if (label == baseline)
            {
                return Cell.Text(BaselineCell);
            }
            if (label == reference)
            {
                return Cell.Text("reference");
            }
            if (!saturation!.Trials.Any(t => t.Label == reference))
            {
                return Cell.Absent($"the reference arm `{reference}` is not in `{Folder(saturation)}`");
            }
            static IEnumerable<double> Cpu(LoadRun run, string l) => ReportContext.CountedSaturationTrials(run, l).Select(t => t.ServerCpuUsPerRequest);
            var r = Bootstrap.OfRatioOfDifferences(Cpu(saturation, label), Cpu(saturation, reference), Cpu(saturation, baseline));
            var n = $"n = {r.NArm.ToString(CultureInfo.InvariantCulture)}/{r.NBaseline.ToString(CultureInfo.InvariantCulture)}/"
                + ReportContext.CountedSaturationTrials(saturation, baseline).Count().ToString(CultureInfo.InvariantCulture);
            if (double.IsNaN(r.Estimate))
            {
                return Cell.Absent(r.NArm == 0 ? NoCountedTrial : $"`{reference}`'s CPU over `{baseline}` is not above zero in that run: no ratio");
            }
            var shown = !r.HasInterval ? $"{LoadRun.Format(r.Estimate, 2)} (no interval: {n})"
                : $"{(r.ContainsOne ? $"no measurable difference from `{reference}`" : LoadRun.Format(r.Estimate, 2))} [{LoadRun.Format(r.Low, 2)}, {LoadRun.Format(r.High, 2)}] {n}";
            // The verdict's answer to "the store lookup adds load": the test of the difference itself, not two intervals over the baseline side by side.
            report.Findings.Add(new Finding(FindingKind.SaturationCpuOverReference, label, reference, shown, $"× `{reference}`'s", Folder(saturation), Findings.Anchor(new HeadlineSection().Heading),
                SaturationRegime) { Ratio = r, Value = r.Estimate });
            return !r.HasInterval ? Cell.Of(shown, r.Estimate, n)
                : Cell.Of(shown, r.Estimate, $"[{LoadRun.Format(r.Low, 3)}, {LoadRun.Format(r.High, 3)}] {n}");
        });

        if (report.Load is { } load)
        {
            table.Row($"Server CPU per request over {baseline}", CpuUnit, FixedRegime(load, rate), load, NoLoadRun, label =>
                label == baseline ? Cell.Text(BaselineCell)
                : report.Trials(label, rate).Count == 0 ? Cell.Absent(NotAtRate(rate))
                : Diff(report.DeltaCi(label, rate, t => t.ServerCpuUsPerRequest), 1, NoCountedTrial,
                    report.IsOverloaded(label, rate) || report.IsOverloaded(baseline, rate) ? " (overloaded)" : ""));
        }
        else
        {
            table.Row($"Server CPU per request over {baseline}", CpuUnit, "fixed rate", null, NoLoadRun, _ => Cell.Absent(NoLoadRun));
        }
    }

    private static void WriteLatencyRows(ReportContext report, Table table, double rate)
    {
        var baseline = ReportContext.BaselineLabel;
        foreach (var q in Quantiles.Compared)
        {
            var quantity = $"Latency shift at {q.Name} over {baseline} (quantile difference of the merged histograms)";
            if (report.Load is not { } load)
            {
                table.Row(quantity, WallUnit, "fixed rate", null, NoLoadRun, _ => Cell.Absent(NoLoadRun));
                continue;
            }
            table.Row(quantity, WallUnit, FixedRegime(load, rate), load, NoLoadRun, label =>
                label == baseline ? Cell.Text(BaselineCell)
                : report.Trials(label, rate).Count == 0 ? Cell.Absent(NotAtRate(rate))
                : report.LatencyShift(label, rate, q) is { } d ? Diff(d, 0, NoCountedTrial)
                : Cell.Text(OverloadedSide(report, label, rate)));
        }
    }

    private static void WriteByteRows(ReportContext report, Table table, double rate)
    {
        var baseline = ReportContext.BaselineLabel;
        var micro = report.Micro;
        var headerBytes = MicroFigures.CredentialHeaderBytes(micro?.Sizes);
        table.RowFrom("Credential header bytes per request, typical claims (size table)", BytesUnit, "computed from the encoded credential (no load)",
            micro?.Sizes is null ? null : new Source(report.Relative(micro.SizesPath), report.Relative(micro.SizesPath)), "no size table (micro/sizes.json) found",
            label => label == baseline ? Cell.Absent($"`{baseline}` sends no credential")
                : headerBytes.TryGetValue(label, out var v) ? Cell.Of(LoadRun.Format(v, 0), v)
                : Cell.Absent("sizes.json has no row for this arm's credential"));
        FixedRateRow(report, table, rate, $"Client hop bytes per request over {baseline} (sent + received, counted on the socket)", BytesUnit, label =>
            label == baseline ? Cell.Text(BaselineCell) : Diff(report.DeltaCi(label, rate, t => t.BytesSent + t.BytesReceived), 0, NoCountedTrial));
        FixedRateRow(report, table, rate, "Store hop bytes per request (in + out)", BytesUnit, label =>
            Median(report.At(label, rate, t => t.Store?.BytesPerRequest ?? 0), 0));
        FixedRateRow(report, table, rate, $"Client + store bytes per request over {baseline}", BytesUnit, label =>
            label == baseline ? Cell.Text(BaselineCell)
            : Diff(report.DeltaCi(label, rate, t => t.BytesSent + t.BytesReceived + (t.Store?.BytesPerRequest ?? 0)), 0, NoCountedTrial));
    }

    private static void WriteStoreRows(ReportContext report, Table table, double rate)
    {
        FixedRateRow(report, table, rate, "Store commands per request", CommandsUnit, label =>
            Median(report.At(label, rate, t => t.Store?.CommandsPerRequest ?? 0), 2));
        FixedRateRow(report, table, rate, "Store CPU per request", StoreCpuUnit, label =>
            Median(report.At(label, rate, t => t.Store?.CpuUsPerRequest ?? 0), 1));
        table.Row("Store CPU per request", StoreCpuUnit, SaturationRegime, report.Saturation, NoSaturationRun, label =>
            Median(report.Sat(label, t => t.Store?.CpuUsPerRequest ?? 0), 1));
    }

    private static void WriteCapacityRows(ReportContext report, Table table)
    {
        table.Row("Throughput", RateUnit, SaturationRegime, report.Saturation, NoSaturationRun, label =>
            Median(report.Sat(label, t => t.AchievedRps), 0), biggerIsBetter: true);
        if (report.Inputs.Slo is not { } slo)
        {
            table.Row(CapacityQuantity, RateUnit, "SLO capacity", null, NoSloRun, _ => Cell.Absent(NoSloRun), biggerIsBetter: true);
            return;
        }
        var records = slo.Results.Slo;
        foreach (var target in records.Select(r => r.P99TargetMs).Distinct().Order())
        {
            table.Row(CapacityQuantity, RateUnit, $"SLO capacity, p99 under {Ms(target)} ms", slo, NoSloRun, label =>
                records.LastOrDefault(r => r.Label == label && r.P99TargetMs == target) is not { } r
                    ? Cell.Absent($"`{Folder(slo)}` searched no capacity for this arm at this target")
                    : r.CapacityRps is { } c ? Cell.Of($"{LoadRun.Format(c, 0)} [{LoadRun.Format(c, 0)}, {LoadRun.Format(r.LowestFailingRps ?? r.SaturationRps, 0)}]", c,
                        $"[{LoadRun.Format(c, 0)}, {LoadRun.Format(r.LowestFailingRps ?? r.SaturationRps, 0)}]")
                    : r.LowestFailingRps is { } failing ? Cell.Text($"< {LoadRun.Format(failing, 0)} (no step passed)")
                    : Cell.Absent("no step of the search passed or failed"),
                biggerIsBetter: true);
        }
    }

    /// <summary>
    /// The microbenchmark head-to-head, named for what it is: wall time, and for published runs a session lookup (a
    /// loopback store round trip) against one signature check. More per lookup is a cheaper authentication: bigger is better.
    /// </summary>
    private static void WriteMicroComparison(ReportContext report, Table table)
    {
        var micro = report.Micro;
        var perLookup = MicroFigures.PerSessionLookup(micro);
        var reference = MicroFigures.HeadToHeadReference;
        var quantity = MicroFigures.HeadToHeadIsPerLabel(micro)
            ? $"Wall time of one `{reference}` authentication over this arm's (microbenchmark head-to-head; the store arms' times include a loopback store round trip; wall time, not CPU)"
            : $"Wall time of one `{reference}` lookup (a loopback store round trip) over one token verification of this arm's algorithm "
                + "(microbenchmark head-to-head; wall time, not CPU; an arm's own store read is not in it)";
        var source = micro is null || perLookup.Count == 0 ? null : new Source(report.Relative(micro.Directory), report.Relative(micro.Directory));
        table.RowFrom(quantity, "ratio of wall µs", MicroRegime, source, "no microbenchmark head-to-head found", label =>
            label == reference ? Cell.Text("reference")
            : perLookup.TryGetValue(label, out var v) ? Cell.Of(LoadRun.Format(v, 2), v)
            : Cell.Absent("the head-to-head has no row for this arm"),
            biggerIsBetter: true);
    }

    private const string CapacityQuantity = "Highest offered rate that met the p99 target (bracket: up to the lowest rate that failed)";

    private const string BaselineCell = "baseline";

    private const string NoSaturationRun = "no saturation run found (a complete closed-loop run, `--find-max`, under load/)";

    private const string NoLoadRun = "no fixed-rate run found (a complete open-loop run at fixed rates under load/)";

    private const string NoSloRun = "no SLO capacity run found (a complete run of mode `slo` with capacities under load/)";

    private const string NoCountedTrial = "no trial of this arm counts in that run (see Load tests)";

    private static string NotAtRate(double rate) => $"not measured at {ReportContext.Rate(rate)} requests/s in that run";

    private static void FixedRateRow(ReportContext report, Table table, double rate, string quantity, string unit, Func<string, Cell> cell)
    {
        if (report.Load is { } load)
        {
            table.Row(quantity, unit, FixedRegime(load, rate), load, NoLoadRun, label => report.Trials(label, rate).Count == 0 ? Cell.Absent(NotAtRate(rate)) : cell(label));
        }
        else
        {
            table.Row(quantity, unit, "fixed rate", null, NoLoadRun, _ => Cell.Absent(NoLoadRun));
        }
    }

    /// <summary>"fixed rate at 1,000 requests/s, spin-free": the offered rate and the APIs' thread-pool setting, which CPU per request depends on.</summary>
    public static string FixedRegime(LoadRun load, double rate) =>
        $"fixed rate at {ReportContext.Rate(rate)} requests/s, "
        + (load.IsSpinFree ? "spin-free" : load.IsAsShipped ? "as shipped (includes idle thread-pool spinning)" : $"spin limit {load.SpinLimit}");

    private static Cell Diff(Difference d, int decimals, string noTrial, string note = "") =>
        double.IsNaN(d.Estimate) ? Cell.Absent(noTrial)
        : Cell.Of(d.Show(decimals) + note, d.Estimate, d.HasInterval ? $"{d.Interval(3)} {d.Repetitions}" : d.Repetitions);

    private static Cell Median(Spread s, int decimals) =>
        s.N == 0 ? Cell.Absent(NoCountedTrial) : Cell.Of(LoadRun.Format(s.Median, decimals), s.Median);

    private static string OverloadedSide(ReportContext report, string arm, double rate) =>
        report.IsOverloaded(arm, rate) ? report.OverloadMark(arm, rate) : $"not compared: `{ReportContext.BaselineLabel}` {report.OverloadMark(ReportContext.BaselineLabel, rate)}";

    /// <summary>Whether a run had the API alone on its CPU set: two runs made under different regimes must not be read as one.</summary>
    private static string Regime(string which, LoadRun? run) => run?.Results.Environment.Isolation is { Enabled: true } i
        ? $"The {which} run had the API alone on CPU set {i.ApiCpus} (generator and store on {i.LoadgenCpus}; API garbage collector: {i.ApiGcEffective ?? "not recorded"}). "
        : run is null ? "" : $"The {which} run shared every CPU between the API, the generator and the store. ";

    private static string Folder(LoadRun run) => Path.GetFileName(run.Directory);

    private static string Ms(double ms) => ms.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>A source column's link: its text and the path relative to the report.</summary>
    private sealed record Source(string Text, string Path);

    /// <summary>One arm's cell: a figure (with its interval), a text without a figure, or a reason it is absent.</summary>
    private readonly record struct Cell(string? Shown, double Value, string? Range, string? Reason)
    {
        public static Cell Of(string shown, double value, string? range = null) => new(shown, value, range, null);

        public static Cell Text(string shown) => new(shown, double.NaN, null, null);

        public static Cell Absent(string reason) => new(null, double.NaN, null, reason);
    }

    /// <summary>The headline table: its rows, and the notes the "–" cells point to (one per distinct reason, numbered in order).</summary>
    private sealed class Table(ReportContext report, IReadOnlyList<string> columns)
    {
        private readonly List<string> _rows = [];
        private readonly List<string> _notes = [];

        public void Row(string quantity, string unit, string regime, LoadRun? run, string noRun, Func<string, Cell> cell, bool biggerIsBetter = false)
        {
            var folder = run is null ? null : report.Relative(run.Directory);
            RowFrom(quantity, unit, regime, folder is null ? null : new Source(Path.GetFileName(run!.Directory), folder + "/"), noRun,
                label => run is not null && !run.Trials.Any(t => t.Label == label) && !run.Results.Slo.Any(r => r.Label == label)
                    ? Cell.Absent($"`{Path.GetFileName(run.Directory)}` did not run this arm")
                    : cell(label),
                biggerIsBetter);
        }

        public void RowFrom(string quantity, string unit, string regime, Source? source, string noSource, Func<string, Cell> cell, bool biggerIsBetter = false)
        {
            var cells = columns.Select(label => source is null ? Cell.Absent(noSource) : cell(label)).ToList();
            var sourceText = source is null ? $"none {Mark(noSource)}" : $"[`{source.Text}`]({source.Path})";
            _rows.Add($"| {ReportContext.Cell(quantity)} | {unit} | {ReportContext.Cell(regime)} | {sourceText} | "
                + string.Join(" | ", cells.Select(c => c.Reason is { } reason ? "–" + Mark(reason) : ReportContext.Cell(c.Shown!))) + " |");
            for (var i = 0; i < columns.Count; i++)
            {
                if (!double.IsNaN(cells[i].Value))
                {
                    report.Headline.Add(new HeadlineFigure($"{quantity}, {regime} [{columns[i]}]", unit, Math.Round(cells[i].Value, 3), biggerIsBetter, cells[i].Range,
                        Extra: source?.Path));
                }
            }
        }

        private string Mark(string reason)
        {
            var i = _notes.IndexOf(reason);
            if (i < 0)
            {
                _notes.Add(reason);
                i = _notes.Count - 1;
            }
            return $"<sup>{(i + 1).ToString(CultureInfo.InvariantCulture)}</sup>";
        }

        public void Write()
        {
            report.Line("| measured quantity | unit | regime | source run | " + string.Join(" | ", columns.Select(a => $"`{a}`")) + " |");
            report.Line("| --- | --- | --- | --- |" + string.Concat(columns.Select(_ => " ---: |")));
            foreach (var row in _rows)
            {
                report.Line(row);
            }
            report.Line();
            if (_notes.Count > 0)
            {
                report.Line("Notes on \"–\":");
                report.Line();
                for (var i = 0; i < _notes.Count; i++)
                {
                    report.Line($"- <sup>{(i + 1).ToString(CultureInfo.InvariantCulture)}</sup> {_notes[i]}");
                }
                report.Line();
            }
        }
    }
}
