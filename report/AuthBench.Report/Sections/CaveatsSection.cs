namespace AuthBench.Report.Sections;

/// <summary>What the figures do not cover; the figures it quotes are read from the runs.</summary>
public sealed class CaveatsSection : IReportSection
{
    public string Heading => "## Caveats";

    public void Write(ReportContext report)
    {
        report.Line("- **Loopback, not a network.** Client, API and store talk over the loopback interface: no propagation delay, no packet loss, no TLS. "
            + "A store round trip on a real network adds its wire time to every store lookup, which these figures do not contain; bytes per request are exact either way.");
        report.Line($"- **Everything shares {report.Cores}.** Load generator, API and store compete for the same cores, so requests per second and "
            + "latency drift with whatever else runs; CPU microseconds per request and bytes per request are the stable figures to compare. "
            + "Arms alternate within each rate so that drift cancels in the ratios.");
        report.Line(Http2Section.Caveat(report));
        report.Line("- **Store topology.** One store instance on the same machine, standalone, no replication or persistence. A replicated or clustered "
            + "store, or one in another availability zone, costs more per lookup than measured here.");
        report.Line(report.Load is { IsSpinFree: true }
            ? "- **Idle work at fixed rates.** The fixed-rate tables come from a spin-free run (the thread pool's workers sleep at once instead of "
              + "spinning), but below saturation every wake-up still has its own cost, charged to every request of every arm" + IdleFigures(report) + ". "
              + "The as-shipped figures are set beside them under [CPU reconciliation](#cpu-reconciliation). "
              + "Read the differences between arms at a rate, or the saturation table, not the absolute CPU at light load."
            : "- **Idle spinning at fixed rates.** Below saturation, .NET's thread pool spins briefly before its workers sleep, and every wake-up has "
              + "its own cost; that CPU is charged to every request of every arm alike" + IdleFigures(report) + ". "
              + "Read the differences between arms at a rate, or the saturation table, not the absolute CPU at light load.");
        report.Line("- **No TLS.** TLS is terminated elsewhere in these benchmarks; it costs the same for every arm.");
        report.Line();
    }

    /// <summary>The baseline's CPU per request at the lowest fixed rate against saturation, where both runs have it.</summary>
    private static string IdleFigures(ReportContext report)
    {
        var baseline = ReportContext.BaselineLabel;
        if (report.Load is not { } load || report.Saturation is not { } sat || !sat.Trials.Any(t => t.Label == baseline))
        {
            return "";
        }
        var lowest = load.Trials.Where(t => t.Label == baseline).Select(t => t.TargetRps).Where(r => !double.IsNaN(r)).DefaultIfEmpty(double.NaN).Min();
        if (double.IsNaN(lowest))
        {
            return "";
        }
        var light = report.At(baseline, lowest, t => t.ServerCpuUsPerRequest);
        var saturated = report.Sat(baseline, t => t.ServerCpuUsPerRequest);
        return $" (the `{baseline}` arm: {light.Show()} µs per request at {ReportContext.Rate(lowest)} requests/s, against {saturated.Show()} µs at saturation; "
            + "medians over repetitions, min–max in brackets)";
    }
}
