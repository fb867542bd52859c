namespace AuthBench.Report.Sections;

/// <summary>One table per offered rate of the open-loop run, then the saturation (closed-loop) table.</summary>
public sealed class LoadTestsSection : IReportSection
{
    public string Heading => "## Load tests";

    public void Write(ReportContext report)
    {
        var baseline = ReportContext.BaselineLabel;
        if (report.Load is not { } load || load.Trials.Count == 0)
        {
            report.Line("_No load-test results found._");
            report.Line();
            return;
        }
        var reps = load.Trials.Select(t => t.Repetition).Distinct().Count();
        report.Line($"Open-loop load, arms measured in alternation, {reps} repetition(s) per arm and rate. Each cell is the median over "
            + "repetitions with min–max in brackets. Latency is measured from each request's intended send time (no coordinated omission).");
        report.Line();
        foreach (var rate in load.Trials.Select(t => t.TargetRps).Distinct().Order())
        {
            report.Line($"### {ReportContext.Rate(rate)} requests/s offered");
            report.Line();
            report.Line($"How to read this: compare each arm's row with `{baseline}`; CPU and bytes are per request, so they do not depend on how long the run was.");
            report.Line();
            report.Line($"| arm | achieved rps | p50 (µs) | p99 (µs) | p99.9 (µs) | max (µs) | errors | late / dropped | sent B/req | received B/req | server CPU µs/req | Δ CPU vs {baseline} | loadgen CPU µs/req | peak RSS MB | store cmds/req | store CPU µs/req | store B/req |");
            report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var arm in report.ArmLabels())
            {
                if (!load.Trials.Any(t => t.Label == arm && t.TargetRps == rate))
                {
                    continue;
                }
                Spread S(Func<Trial, double> f) => report.At(arm, rate, f);
                var delta = arm == baseline ? "–" : LoadRun.Format(report.Delta(arm, rate, t => t.ServerCpuUsPerRequest));
                report.Line($"| `{arm}` | {S(t => t.AchievedRps).Show(0)} | {S(t => t.Latency.P50).Show(0)} | {S(t => t.Latency.P99).Show(0)} | {S(t => t.Latency.P999).Show(0)} | {S(t => t.Latency.Max).Show(0)} "
                    + $"| {S(t => t.Errors).Show(0)} | {S(t => t.Late).Show(0)} / {S(t => t.Dropped).Show(0)} | {S(t => t.BytesSent).Show(0)} | {S(t => t.BytesReceived).Show(0)} "
                    + $"| {S(t => t.ServerCpuUsPerRequest).Show()} | {delta} | {S(t => t.LoadgenCpuUsPerRequest).Show()} | {S(t => t.ServerPeakRssMb).Show(0)} "
                    + $"| {S(t => t.Store?.CommandsPerRequest ?? 0).Show(2)} | {S(t => t.Store?.CpuUsPerRequest ?? 0).Show()} | {S(t => t.Store?.BytesPerRequest ?? 0).Show(0)} |");
            }
            report.Line();
        }
        WriteSaturation(report);
    }

    private static void WriteSaturation(ReportContext report)
    {
        var baseline = ReportContext.BaselineLabel;
        if (report.Saturation is not { } sat || sat.Trials.Count == 0)
        {
            return;
        }
        var arms = Contracts.Arms.ArmCatalogue.OrderLabels(sat.Trials.Select(t => t.Label));
        var reps = sat.Trials.Select(t => t.Repetition).Distinct().Count();
        var dir = report.Relative(sat.Directory);
        report.Line("### Saturation (closed loop)");
        report.Line();
        report.Line($"From [`{dir}/{sat.FileName}`]({dir}/{sat.FileName}) ({reps} repetition(s) per arm; command: `{sat.Results.Environment.CommandLine ?? ""}`). Every connection sends its next "
            + "request as soon as the previous answer arrives, so the API is never idle: CPU per request here carries no idle thread-pool spinning, "
            + "which inflates it at the fixed rates above. Latency in a closed loop equals service time.");
        report.Line();
        report.Line("How to read this: the achieved rate is each arm's throughput ceiling on this machine (generator, API and store sharing 2 cores); the CPU column is the cleanest per-request cost.");
        report.Line();
        report.Line($"| arm | achieved rps | server CPU µs/req | Δ CPU vs {baseline} | p99 (µs) | sent B/req | store cmds/req | store CPU µs/req | store B/req | errors |");
        report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var arm in arms)
        {
            Spread S(Func<Trial, double> f) => report.Sat(arm, f);
            var delta = arm == baseline ? "–" : LoadRun.Format(report.SatDelta(arm, t => t.ServerCpuUsPerRequest));
            report.Line($"| `{arm}` | {S(t => t.AchievedRps).Show(0)} | {S(t => t.ServerCpuUsPerRequest).Show()} | {delta} | {S(t => t.Latency.P99).Show(0)} | {S(t => t.BytesSent).Show(0)} "
                + $"| {S(t => t.Store?.CommandsPerRequest ?? 0).Show(2)} | {S(t => t.Store?.CpuUsPerRequest ?? 0).Show()} | {S(t => t.Store?.BytesPerRequest ?? 0).Show(0)} | {S(t => t.Errors).Show(0)} |");
        }
        report.Line();
    }
}
