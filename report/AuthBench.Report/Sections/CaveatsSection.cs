namespace AuthBench.Report.Sections;

/// <summary>What the figures do not cover: fixed text, the same for every run.</summary>
public sealed class CaveatsSection : IReportSection
{
    public string Heading => "## Caveats";

    public void Write(ReportContext report)
    {
        report.Line("- **Loopback, not a network.** Client, API and store talk over 127.0.0.1: no propagation delay, no packet loss, no TLS. "
            + "A store round trip on a real network adds 0.1–1 ms of wire time that these figures do not contain; bytes per request are exact either way.");
        report.Line("- **Everything shares 2 CPU cores.** Load generator, API and store compete for the same cores, so requests per second and "
            + "latency drift with whatever else runs; CPU microseconds per request and bytes per request are the stable figures to compare. "
            + "Arms alternate within each rate so that drift cancels in the ratios.");
        report.Line("- **HTTP/1.1 header bytes.** Sizes count HTTP/1.1 header lines. HTTP/2 and HTTP/3 compress repeated headers (HPACK/QPACK), "
            + "which shrinks a repeated cookie or bearer token on a long-lived connection after its first request.");
        report.Line("- **Store topology.** One store instance on the same machine, standalone, no replication or persistence. A replicated or clustered "
            + "store, or one in another availability zone, costs more per lookup than measured here.");
        report.Line("- **Idle spinning at fixed rates.** Below saturation, .NET's thread pool spins briefly before its workers sleep; that CPU is "
            + "charged to every request of every arm alike (about 100 µs per request at a few thousand requests/s here, against about 14 µs at saturation). "
            + "Read the differences between arms at a rate, or the saturation table, not the absolute CPU at light load.");
        report.Line("- **No TLS.** TLS is terminated elsewhere in these benchmarks; it costs the same for every arm.");
        report.Line();
    }
}
