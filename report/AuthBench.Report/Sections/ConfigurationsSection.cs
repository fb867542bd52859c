using System.Globalization;
using AuthBench.Contracts.Arms;

namespace AuthBench.Report.Sections;

/// <summary>
/// The runs at another claim profile or endpoint than the standard tables' (large claims, <c>/api/items</c>): per arm,
/// the credential's bytes beside the bytes a request and its answer carry, the credential's share of them, and the CPU
/// and latency over the baseline of the same run. Each run stands alone: its figures are never subtracted from another
/// run's (absolute times drift between runs on this machine).
/// </summary>
public sealed class ConfigurationsSection : IReportSection
{
    public string Heading => "## Claims and response size";

    public void Write(ReportContext report)
    {
        var runs = report.Inputs.Configurations ?? [];
        if (runs.Count == 0)
        {
            report.Line($"_No fixed-rate run at another claim profile or endpoint than {RunSelection.StandardClaims} claims on `{RunSelection.StandardEndpoint}` found._");
            report.Line();
            return;
        }
        report.Line($"The standard tables use {RunSelection.StandardClaims} claims and `{RunSelection.StandardEndpoint}`. The runs below change one of the two, so that the "
            + "credential's bytes are seen beside a larger credential or a realistic response. Credential is the `Authorization` or `Cookie` line the arm's "
            + "credential adds to a request (results.json `arms[].credential_header_bytes`); its share is of the bytes a request and its answer carry on the "
            + "client hop (sent + received per request). " + ReportContext.IntervalPointer);
        report.Line();
        foreach (var run in runs)
        {
            var sub = new ReportContext(report.Inputs with { Load = run }, report.ChartsDirectory);
            var reps = run.Trials.Select(t => t.Repetition).Distinct().Count();
            foreach (var rate in run.Trials.Select(t => t.TargetRps).Distinct().Order())
            {
                report.Line($"### {RunSelection.Configuration(run)}, {ReportContext.Rate(rate)} requests/s");
                report.Line();
                report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`), {reps.ToString(CultureInfo.InvariantCulture)} repetition(s) per arm, APIs {RunSelection.SpinName(run)}.");
                report.Line();
                report.Line($"| arm | credential B | sent B/req | received B/req | credential share of the bytes | server CPU µs/req | Δ CPU vs {ReportContext.BaselineLabel} [interval] | p50 (µs) | p99 (µs) | store cmds/req |");
                report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
                foreach (var label in sub.ArmLabels().Where(l => sub.Trials(l, rate).Count > 0))
                {
                    Spread S(Func<Trial, double> f) => sub.At(label, rate, f);
                    var credential = run.Results.Arms.FirstOrDefault(a => a.Label == label)?.CredentialHeaderBytes ?? double.NaN;
                    var wire = S(t => t.BytesSent + t.BytesReceived).Median;
                    var share = double.IsNaN(credential) || !(wire > 0) ? "" : ReportContext.Percent(credential / wire);
                    var overloaded = sub.IsOverloaded(label, rate);
                    string Latency(Func<Trial, double> f) => overloaded ? sub.OverloadMark(label, rate) : S(f).Show(0);
                    var delta = label == ReportContext.BaselineLabel ? "–"
                        : sub.DeltaCi(label, rate, t => t.ServerCpuUsPerRequest).Show() + (overloaded || sub.IsOverloaded(ReportContext.BaselineLabel, rate) ? " (overloaded)" : "");
                    report.Line($"| `{label}` | {(double.IsNaN(credential) ? "" : LoadRun.Format(credential, 0))} | {S(t => t.BytesSent).Show(0)} | {S(t => t.BytesReceived).Show(0)} "
                        + $"| {share} | {S(t => t.ServerCpuUsPerRequest).Show()} | {delta} | {Latency(t => t.Latency.P50)} | {Latency(t => t.Latency.P99)} | {S(t => t.Store?.CommandsPerRequest ?? 0).Show(2)} |");
                }
                report.Line();
            }
        }
    }
}
