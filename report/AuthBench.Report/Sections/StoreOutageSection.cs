using System.Globalization;
using System.Net;
using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// The outage window: per arm of the newest store-outage run (<c>--fault store-outage@…</c>), how fast it answered 503
/// after the store stopped, what it accepted meanwhile (and until when after the stop), and how fast it answered again
/// after the restart. Medians and ranges over the run's repetitions; every figure is read from its fault records.
/// </summary>
public sealed class StoreOutageSection : IReportSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // HTTP status codes, named (they are identifiers, not measurements).
    private static readonly string Unavailable = ((int)HttpStatusCode.ServiceUnavailable).ToString(Inv);
    private static readonly string Unauthorized = ((int)HttpStatusCode.Unauthorized).ToString(Inv);

    public string Heading => "## Store outage";

    public void Write(ReportContext report)
    {
        if (report.Inputs.Outage is not { } run)
        {
            report.Line("_No store-outage run found (a complete run with `--fault store-outage@…`, under load/)._");
            report.Line();
            return;
        }
        var trials = run.Results.Trials.Where(t => t.Fault is not null).ToList();
        var first = trials.Select(t => t.Fault!).FirstOrDefault();
        report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`): the store was stopped "
            + (first is null ? "" : $"{Num(first.StartS)} s into each trial for {Num(first.LengthS)} s ")
            + "under steady open-loop load, once per repetition. Times after the stop run from the end of the stop; times after the restart from the end of the "
            + $"restart. A store restarted without persistence has forgotten every credential it held, so an arm whose credentials live there answers {Unauthorized} "
            + $"until its users log in again (the load tool's users do), and its first success comes later than its first answer that is not a {Unavailable}. "
            + "Cells are the median over repetitions with the range [min, max]; `never` counts repetitions where it did not happen.");
        report.Line();
        report.Line($"| arm | store per request | repetitions | first {Unavailable} after stop (ms) | accepted during outage (requests) | last accepted after stop (ms) | first non-{Unavailable} after restart (ms) | first success after restart (ms) | what it did |");
        report.Line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var label in ArmCatalogue.OrderLabels(trials.Select(t => t.Label).Distinct()))
        {
            var of = trials.Where(t => t.Label == label).Select(t => t.Fault!).ToList();
            var arm = ArmCatalogue.Find(trials.First(t => t.Label == label).Arm);
            report.Findings.Add(new Finding(FindingKind.OutageBehaviour, label, "",
                Verdict(arm, of), "requests",
                Findings.SourceOf(run), Findings.Anchor(new StoreOutageSection().Heading), "median over repetitions [min, max]")
            { Value = of.Count(f => f.AcceptedDuringOutage > 0) });
            report.Line($"| `{label}` | {StoreUse(arm)} | {of.Count.ToString(Inv)} | {Cell(of.Select(f => f.TimeTo503Ms))} | {Cell(of.Select(f => (double?)f.AcceptedDuringOutage))} "
                + $"| {Cell(of.Select(f => f.LastAcceptedAfterStopMs), noneIs: "-")} | {Cell(of.Select(f => f.TimeToFirstNon503Ms))} | {Cell(of.Select(f => f.TimeToRecoverMs))} | {ReportContext.Cell(Verdict(arm, of))} |");
        }
        report.Line();
    }

    private static string StoreUse(ArmDescriptor? arm) => arm switch
    {
        null => "?",
        { NearCache: not null } => "near cache, then store",
        { UsesStore: true } => "read",
        { Lifecycle: CredentialLifecycle.RefreshedThroughStore } => "refresh only",
        _ => "none",
    };

    /// <summary>What the records show, in words that carry no figure of their own.</summary>
    private static string Verdict(ArmDescriptor? arm, IReadOnlyList<FaultResult> of)
    {
        var acceptedAny = of.Any(f => f.AcceptedDuringOutage > 0);
        var recovered = of.All(f => f.TimeToRecoverMs is not null);
        var tail = recovered ? "recovered in every repetition" : "did not recover in every repetition";
        if (arm is { FailsClosedWithoutStore: true })
        {
            if (!acceptedAny)
            {
                return $"failed closed ({Unavailable}, nothing accepted); {tail}";
            }
            return arm.NearCache is { } near
                ? $"served its near-cache copies until its {near.Lease.TotalMilliseconds.ToString("0", Inv)} ms lease ran out, then failed closed; {tail}"
                : $"accepted requests while the store was down (it must fail closed); {tail}";
        }
        return acceptedAny ? $"kept answering: it does not read the store per request; {tail}" : $"accepted nothing, though it does not read the store per request; {tail}";
    }

    private static string Cell(IEnumerable<double?> values, string noneIs = "never")
    {
        var all = values.ToList();
        var seen = all.OfType<double>().Order().ToList();
        if (seen.Count == 0)
        {
            return all.Count == 0 ? "" : noneIs;
        }
        var median = Statistics.Median(seen);
        var missing = all.Count - seen.Count;
        return $"{Num(median)} [{Num(seen[0])}, {Num(seen[^1])}]" + (missing > 0 ? $" ({missing.ToString(Inv)} {noneIs})" : "");
    }

    private static string Num(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : "0.#", Inv);
}
