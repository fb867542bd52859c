using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts.Arms;

namespace AuthBench.Report.Sections;

/// <summary>
/// Several API servers (issue 12, item 3), from the newest complete run made with <c>--instances</c>: per rate and arm,
/// against the number of servers behind the balancer, server CPU per request summed over the servers, the balancer's
/// own CPU, store commands and CPU per request and the latency median, each the median over repetitions with its
/// bootstrap interval, and the server CPU's ratio to one server. Overloaded trials are left out and counted.
/// </summary>
public sealed class InstancesSection : IReportSection
{
    public string Heading => "## Several API servers";

    public void Write(ReportContext report)
    {
        if (report.Inputs.Instances is not { } run)
        {
            report.Line("_No run with several API servers found (a complete run made with `--instances`, under load/)._");
            report.Line();
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`).");
        report.Line();
        report.Line($"Each arm ran as N API servers of the same arm (the same signing key file, Data Protection key ring and store) behind "
            + $"{run.Results.Settings.Balancer ?? "a load balancer"} doing round robin per request with no stickiness; users logged in through the first server, so "
            + "every request another server answered carried a credential it did not issue. All servers ran on the API's CPU set, the balancer on the generator's. "
            + "Every N, one server included, went through the balancer, so the ratio to one server isolates the number of servers. Server CPU is the user + system "
            + "time of the N servers summed, over the responses through the balancer; the balancer's CPU is its own process's, over the same responses, and is not in "
            + "the sum. Store figures are the store's INFO deltas over the responses. "
            + $"Figures are medians over repetitions with their {ReportContext.Percent(Bootstrap.Level)} bootstrap interval in brackets; \"over one server\" is the "
            + "ratio of the server CPU medians to the same arm's at one server (from the difference of the medians of their logarithms, so geometric for an even count), "
            + "with its interval, and says **no measurable difference** where the interval contains one (no change). "
            + $"Trials with more than {ReportContext.Percent(Trial.OverloadShare)} of their requests late or dropped are overloaded, left out and counted.");
        report.Line();
        var trials = run.Trials.Where(t => t.Instances >= 1).ToList();
        foreach (var rate in trials.Select(t => t.TargetRps).Distinct().Order())
        {
            report.Line($"### {ReportContext.Rate(rate)} requests/s");
            report.Line();
            report.Line("| arm | servers | server CPU µs / request (sum) | over one server | balancer CPU µs / request | store commands / request | store CPU µs / request | p50 (µs) | trials (overloaded) |");
            report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            var atRate = trials.Where(t => t.TargetRps == rate).ToList();
            foreach (var label in ArmCatalogue.OrderLabels(atRate.Select(t => t.Label)))
            {
                var byCount = atRate.Where(t => t.Label == label).GroupBy(t => t.Instances).OrderBy(g => g.Key).ToList();
                var one = byCount.FirstOrDefault(g => g.Key == 1)?.Where(t => !t.Overloaded).Select(t => t.ServerCpuUsPerRequest).ToList() ?? [];
                foreach (var g in byCount)
                {
                    var ok = g.Where(t => !t.Overloaded).ToList();
                    var cpu = ok.Select(t => t.ServerCpuUsPerRequest).ToList();
                    var over = g.Key == 1 ? "–" : Ratio(cpu, one);
                    report.Line($"| `{label}` | {g.Key.ToString(inv)} | {Median(cpu)} | {over} | {Median(ok.Select(t => t.BalancerCpuUsPerRequest))} "
                        + $"| {Median(ok.Select(t => t.Store?.CommandsPerRequest ?? double.NaN), 2)} | {Median(ok.Select(t => t.Store?.CpuUsPerRequest ?? double.NaN), 2)} "
                        + $"| {Median(ok.Select(t => t.Latency.P50), 0)} | {g.Count().ToString(inv)} ({(g.Count() - ok.Count).ToString(inv)}) |");
                }
            }
            report.Line();
        }
    }

    /// <summary>"12.3 [11.9, 12.8]": the median over repetitions with its bootstrap interval; "–" without a figure.</summary>
    public static string Median(IEnumerable<double> values, int decimals = 1)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        if (list.Count == 0)
        {
            return "–";
        }
        var d = Bootstrap.OfMedian(list);
        return d.NArm >= 2 ? $"{LoadRun.Format(d.Estimate, decimals)} {d.Interval(decimals)}" : LoadRun.Format(Statistics.Median(list), decimals);
    }

    /// <summary>
    /// The ratio of the medians of <paramref name="values"/> and <paramref name="baseline"/> with its interval: the
    /// bootstrap of the difference of the medians of their logarithms, taken back with exp.
    /// </summary>
    public static string Ratio(IReadOnlyList<double> values, IReadOnlyList<double> baseline)
    {
        var a = values.Where(v => v > 0).Select(v => Math.Log(v)).ToList();
        var b = baseline.Where(v => v > 0).Select(v => Math.Log(v)).ToList();
        if (a.Count == 0 || b.Count == 0)
        {
            return "–";
        }
        var d = Bootstrap.OfMedians(a, b);
        var ratio = LoadRun.Format(Math.Exp(d.Estimate), 2);
        if (!d.HasInterval)
        {
            return $"{ratio} (no interval: {d.Repetitions})";
        }
        var interval = $"[{LoadRun.Format(Math.Exp(d.Low), 2)}, {LoadRun.Format(Math.Exp(d.High), 2)}]";
        return d.ContainsZero ? $"no measurable difference {interval} {d.Repetitions}" : $"{ratio} {interval} {d.Repetitions}";
    }
}
