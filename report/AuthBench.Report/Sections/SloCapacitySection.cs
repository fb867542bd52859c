using System.Globalization;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// The planning figure: per arm and p99 target, the highest open-loop rate that met the target (RunResults.Slo of the
/// newest SLO run), its bracket, per API core, and its ratio to the baseline's at the same target.
/// </summary>
public sealed class SloCapacitySection : IReportSection
{
    /// <summary>A bracket wider than this share of its capacity gets a note: the search stopped before it was narrow.</summary>
    public const double WideBracketShare = 0.1;

    public string Heading => "## SLO capacity";

    public void Write(ReportContext report)
    {
        if (report.Inputs.Slo is not { } run)
        {
            report.Line("_No SLO capacity run found (a complete run of mode `slo` with capacities, under load/)._");
            report.Line();
            return;
        }
        var settings = run.Results.Settings;
        var records = run.Results.Slo;
        var targets = records.Select(r => r.P99TargetMs).Distinct().Order().ToList();
        var lateShares = settings.SloMaxLateFraction is { } configured ? [configured] : records.Select(r => r.MaxLateFraction).Distinct().Order().ToList();
        report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`). {Regime(run)}");
        report.Line();
        report.Line($"How it is found: for each arm and p99 target ({string.Join(", ", targets.Select(Ms))} ms), a ladder of open-loop rates that climbs from a "
            + "fraction of the arm's saturation rate (a closed-loop trial of the same run) up to it, then bisection steps between the highest rate that passed and "
            + "the lowest rate above it that failed. Each step is an open-loop trial at one rate; it passes when its p99 latency, measured from each "
            + $"request's intended send time, is under the target, its late and dropped starts together are under {string.Join(" / ", lateShares.Select(ReportContext.Percent))} "
            + "of the requests scheduled, and no request failed"
            + (settings.SloSteps is { } steps ? $"; at most {steps.ToString(CultureInfo.InvariantCulture)} bisection steps per arm and target after the ladder" : "")
            + ". The capacity is the highest passing rate; the true capacity lies in its bracket, between it and the lowest failing rate above it "
            + "(the saturation rate where no step failed). A failure below the capacity does not cap it: the note names it (p99 at light load can be worse "
            + "than at moderate load, when each request wakes an idle server), and every step is in results.json. Per API core divides the capacity by the CPUs of the API's set. "
            + "This is the figure to plan with: the rate one API core serves within the target, not the rate at which it stops answering.");
        report.Line();
        var labels = ArmCatalogue.OrderLabels(records.Select(r => r.Label).Distinct());
        foreach (var target in targets)
        {
            report.Line($"### p99 under {Ms(target)} ms");
            report.Line();
            report.Line("| arm | capacity (req/s) | bracket [capacity, lowest failing] (req/s) | req/s per API core | API cores | searched under saturation (req/s) | steps | note |");
            report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
            foreach (var r in labels.SelectMany(l => records.Where(r => r.Label == l && r.P99TargetMs == target)))
            {
                var perCore = r.CapacityRpsPerApiCore ?? (r.CapacityRps is { } c && r.ApiCores > 0 ? c / r.ApiCores : null);
                report.Findings.Add(new Finding(FindingKind.SloCapacityPerCore, r.Label, $"p99 under {Ms(target)} ms",
                    perCore is null ? $"{Capacity(r)} (no step passed)" : $"{Rps(perCore)} per API core (bracket {Bracket(r)})", "requests/s",
                    Findings.SourceOf(run), Findings.Anchor(Heading), Regime(run)) { Value = perCore ?? double.NaN });
                report.Line($"| `{r.Label}` | {Capacity(r)} | {Bracket(r)} | {Rps(perCore)} | {r.ApiCores.ToString(CultureInfo.InvariantCulture)} "
                    + $"| {Rps(r.SaturationRps)} | {r.Steps.Count.ToString(CultureInfo.InvariantCulture)} | {ReportContext.Cell(Note(r))} |");
            }
            report.Line();
        }
        WriteRatios(report, labels, targets, records);
    }

    /// <summary>Each arm's capacity over the baseline's at the same target, with the range the two brackets allow.</summary>
    private static void WriteRatios(ReportContext report, IReadOnlyList<string> labels, IReadOnlyList<double> targets, IReadOnlyList<SloCapacity> records)
    {
        var baseline = ReportContext.BaselineLabel;
        var compared = labels.Where(l => l != baseline).ToList();
        if (compared.Count == 0 || !labels.Contains(baseline))
        {
            report.Line($"_No capacity ratio: the run has no `{baseline}` arm or no other arm._");
            report.Line();
            return;
        }
        report.Line($"Capacity over `{baseline}`'s at the same target; in brackets the range the two brackets allow (the arm's lower bound over the "
            + $"baseline's upper bound, and its upper bound over the baseline's lower bound). \"–\" where either side has no passing step.");
        report.Line();
        report.Line("| arm | " + string.Join(" | ", targets.Select(t => $"p99 under {Ms(t)} ms")) + " |");
        report.Line("| --- |" + string.Concat(targets.Select(_ => " ---: |")));
        foreach (var label in compared)
        {
            var cells = targets.Select(t =>
            {
                var arm = records.LastOrDefault(r => r.Label == label && r.P99TargetMs == t);
                var b = records.LastOrDefault(r => r.Label == baseline && r.P99TargetMs == t);
                if (arm?.CapacityRps is not { } ca || b?.CapacityRps is not { } cb || cb <= 0)
                {
                    return "–";
                }
                return $"{Ratio(ca / cb)} [{Ratio(ca / Upper(b))}, {Ratio(Upper(arm) / cb)}]";
            });
            report.Line($"| `{label}` | " + string.Join(" | ", cells) + " |");
        }
        report.Line();
    }

    /// <summary>The bracket's upper end: the lowest failing rate, or where no step failed, the saturation rate searched under.</summary>
    private static double Upper(SloCapacity r) => r.LowestFailingRps ?? r.SaturationRps;

    private static string Capacity(SloCapacity r) => r.CapacityRps is { } c
        ? Rps(c)
        : r.LowestFailingRps is { } failing ? $"< {Rps(failing)}" : "–";

    private static string Bracket(SloCapacity r) => r.CapacityRps is null && r.LowestFailingRps is null
        ? "–"
        : $"[{(r.CapacityRps is { } c ? Rps(c) : "–")}, {Rps(Upper(r))}]";

    private static string Note(SloCapacity r)
    {
        var notes = new List<string>();
        if (r.Note is { Length: > 0 } recorded)
        {
            // The load tool's own note says what passed and failed; only the bracket's width is the report's to add.
            if (r.CapacityRps is { } c && r.LowestFailingRps is { } f && f - c > WideBracketShare * c)
            {
                notes.Add($"bracket wider than {ReportContext.Percent(WideBracketShare)} of the capacity");
            }
            notes.Add(recorded);
            return string.Join("; ", notes);
        }
        if (r.CapacityRps is null)
        {
            notes.Add("no step passed");
        }
        else if (r.LowestFailingRps is null)
        {
            notes.Add("no step failed: the capacity reaches the saturation rate searched under");
        }
        else if (r.LowestFailingRps.Value - r.CapacityRps.Value > WideBracketShare * r.CapacityRps.Value)
        {
            notes.Add($"bracket wider than {ReportContext.Percent(WideBracketShare)} of the capacity");
        }
        return string.Join("; ", notes);
    }

    private static string Regime(LoadRun run) => run.Results.Environment.Isolation is { Enabled: true } i
        ? $"The API ran alone on CPU set {i.ApiCpus} (generator and store on {i.LoadgenCpus}; API garbage collector: {i.ApiGcEffective ?? "not recorded"}); {RunSelection.SpinName(run)}."
        : $"The API, the generator and the store shared every CPU; {RunSelection.SpinName(run)}.";

    private static string Rps(double? rps) => rps is { } v ? LoadRun.Format(v, 0) : "–";

    private static string Ratio(double ratio) => LoadRun.Format(ratio, 2);

    private static string Ms(double ms) => ms.ToString("0.###", CultureInfo.InvariantCulture);
}
