using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Fanout;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// Fan-out through N services (issue 11, item 7), from the newest complete run made with <c>--fanout</c>: per rate, arm
/// and mode, latency and server CPU per user request (summed over the chain's processes) against the chain's length,
/// with store commands per user request. Medians over repetitions; overloaded trials are left out and counted.
/// </summary>
public sealed class FanoutSection : IReportSection
{
    public string Heading => "## Fan-out";

    public void Write(ReportContext report)
    {
        if (report.Inputs.Fanout is not { } run)
        {
            report.Line("_No fan-out run found (a complete run made with `--fanout`, under load/)._");
            report.Line();
            return;
        }
        var chains = run.Results.Arms.Where(a => a.Fanout is not null).ToDictionary(a => a.Label, a => a);
        report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`).");
        report.Line();
        report.Line($"A user request enters the edge and passes down a chain of N processes of the same API and arm, each calling the next on `{FanoutModes.ChainPath}` "
            + "over loopback HTTP with a pooled connection; a chain of one is the edge alone, on the same endpoint. Every process of a chain runs on the API's CPU set. "
            + $"Modes: `{FanoutModes.Name(FanoutMode.PerService)}`, every service authenticates the user's own credential (a JWT is verified in each, with the "
            + $"public key each downstream service fetched from the edge's `{FanoutModes.JwksPath}` at start; a session is looked up in the store by each); "
            + $"`{FanoutModes.Name(FanoutMode.EdgeToken)}`, the edge looks the session up once and passes on a short internal ES256 token it signs, which each "
            + "downstream service verifies with the edge's public key. Server CPU is the user + system time of every process of the chain over the user requests the edge "
            + "answered; store commands count every service's. \"over one\" divides by the same arm's chain of one at the same rate; \"per added service\" is the "
            + "difference to it over the services added. Latency is from each request's intended send time at the edge. "
            + $"Trials with more than {ReportContext.Percent(Trial.OverloadShare)} of their requests late or dropped are overloaded and left out.");
        report.Line();
        var trials = run.Trials.Where(t => chains.ContainsKey(t.Label)).ToList();
        foreach (var rate in trials.Select(t => t.TargetRps).Distinct().Order())
        {
            report.Line($"### {ReportContext.Rate(rate)} user requests/s");
            report.Line();
            report.Line("| arm | mode | services | p50 (µs) | p99 (µs) | server CPU µs / user request | over one | per added service (µs) | store commands / user request | trials (overloaded) |");
            report.Line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            var rows = trials.Where(t => t.TargetRps == rate)
                .GroupBy(t => (Base: BaseLabel(chains[t.Label]), chains[t.Label].Fanout!.Services, chains[t.Label].Fanout!.Mode))
                .OrderBy(g => ArmCatalogue.Order(g.Key.Base)).ThenBy(g => g.Key.Base, StringComparer.Ordinal).ThenBy(g => g.Key.Services).ThenBy(g => g.Key.Mode, StringComparer.Ordinal)
                .ToList();
            foreach (var g in rows)
            {
                var ok = g.Where(t => !t.Overloaded).ToList();
                var cpu = Median(ok.Select(t => t.ServerCpuUsPerRequest));
                var single = Median(rows.Where(o => o.Key.Base == g.Key.Base && o.Key.Services == 1).SelectMany(o => o).Where(t => !t.Overloaded)
                    .Select(t => t.ServerCpuUsPerRequest));
                var over = g.Key.Services > 1 && single > 0 ? LoadRun.Format(cpu / single, 2) : "–";
                var perAdded = g.Key.Services > 1 ? LoadRun.Format((cpu - single) / (g.Key.Services - 1)) : "–";
                var mode = g.Key.Services == 1 ? "(edge alone)" : g.Key.Mode;
                if (g.Key.Services > 1)
                {
                    report.Findings.Add(new Finding(FindingKind.FanoutPerService, g.Key.Base, $"{g.Key.Mode}, {g.Key.Services.ToString(CultureInfo.InvariantCulture)}",
                        $"{perAdded} µs server CPU per added service ({g.Key.Mode}, chain of {g.Key.Services.ToString(CultureInfo.InvariantCulture)}), "
                        + $"{LoadRun.Format(Median(ok.Select(t => t.Store?.CommandsPerRequest ?? double.NaN)), 2)} store commands per user request "
                        + $"({(g.Count() - ok.Count).ToString(CultureInfo.InvariantCulture)} of {g.Count().ToString(CultureInfo.InvariantCulture)} trials overloaded, left out)",
                        "µs", Findings.SourceOf(run), Findings.Anchor(Heading),
                        $"{ReportContext.Rate(rate)} user requests/s, every service on the API's CPU set over loopback; median over repetitions, the section gives no interval")
                    { Value = (cpu - single) / (g.Key.Services - 1) });
                }
                report.Line($"| `{g.Key.Base}` | {mode} | {g.Key.Services.ToString(CultureInfo.InvariantCulture)} | {LoadRun.Format(Median(ok.Select(t => t.Latency.P50)), 0)} "
                    + $"| {LoadRun.Format(Median(ok.Select(t => t.Latency.P99)), 0)} | {LoadRun.Format(cpu)} | {over} | {perAdded} "
                    + $"| {LoadRun.Format(Median(ok.Select(t => t.Store?.CommandsPerRequest ?? double.NaN)), 2)} "
                    + $"| {g.Count().ToString(CultureInfo.InvariantCulture)} ({(g.Count() - ok.Count).ToString(CultureInfo.InvariantCulture)}) |");
            }
            report.Line();
        }
    }

    /// <summary>The arm's label without its chain part ("jwt-ES256-fan4" → "jwt-ES256").</summary>
    public static string BaseLabel(ArmInfo arm)
    {
        var at = arm.Label.LastIndexOf("-fan" + arm.Fanout!.Services.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return at > 0 ? arm.Label[..at] : arm.Label;
    }

    private static double Median(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        return list.Count == 0 ? double.NaN : Statistics.Median(list);
    }
}
