namespace AuthBench.Report.Sections;

/// <summary>The load run's charts (PNG and SVG), written into the charts folder and linked.</summary>
public sealed class ChartsSection : IReportSection
{
    public string Heading => "## Charts";

    public void Write(ReportContext report)
    {
        if (report.Load is not { } load || load.Trials.Count == 0)
        {
            report.Line("_No load-test results to chart._");
            report.Line();
            return;
        }
        var charts = report.ChartsDirectory;
        var rel = report.Relative(charts);
        var rate = report.ModerateRate();
        var arms = report.ArmLabels();
        var rateText = ReportContext.Rate(rate);

        var spectrum = new List<Series>();
        foreach (var arm in arms)
        {
            if (load.Histogram(arm, rate) is not { } files || !File.Exists(Path.Combine(load.Directory, files.LatencyFile)))
            {
                continue;
            }
            var file = Path.Combine(load.Directory, files.LatencyFile);
            var (p, v) = Hgrm.Read(file);
            spectrum.Add(new Series(arm, p, [.. v.Select(x => x / 1000)], [report.IsOverloaded(arm, rate)]));
        }
        if (spectrum.Count > 0)
        {
            Charts.LatencySpectrum(Path.Combine(charts, "latency-spectrum"), $"Latency by percentile at {rateText} requests/s", spectrum);
            Link(report, rel, "latency-spectrum", "Latency percentile spectrum per arm at the moderate rate (from the .hgrm files; log scale; an overloaded arm's line is dashed).");
        }

        var rates = load.Trials.Select(t => t.TargetRps).Distinct().Order().ToArray();
        var p99 = arms.Select(a => new Series(a, rates, [.. rates.Select(r => report.At(a, r, t => t.Latency.P99).Median / 1000)],
            [.. rates.Select(r => report.IsOverloaded(a, r))])).ToList();
        const string overloadedLegend = "overloaded: not comparable";
        Charts.AgainstRate(Path.Combine(charts, "p99-vs-rate"), "p99 latency against offered rate", "p99 latency (ms, median over repetitions)", p99, overloadedLegend);
        Link(report, rel, "p99-vs-rate", "p99 latency against offered rate, per arm (log scale); a black × marks an overloaded point: the rate was beyond "
            + "what the arm served, its histogram lacks the dropped requests, and its p99 is a lower bound, not server behaviour.");

        var cpu = arms.Select(a => (a, report.At(a, rate, t => t.ServerCpuUsPerRequest))).ToList();
        Charts.Bars(Path.Combine(charts, "cpu-per-request"), $"API server CPU per request at {rateText} requests/s", "server CPU (µs per request)", cpu, ReportContext.BaselineLabel);
        Link(report, rel, "cpu-per-request", "Server CPU per request per arm (grey: the no-auth baseline; whiskers: min–max over repetitions).");

        string[] armArray = [.. arms];
        // Two panels, not one stack: the client hop and the store hop are different links (a browser's uplink, a data-centre
        // network), and a store hop's bytes stacked on the client's read as if the client paid for them.
        Charts.StackedBars(Path.Combine(charts, "bytes-per-request"), $"Client hop: bytes per request at {rateText} requests/s", "bytes per request", armArray,
        [
            ("client → API (request)", [.. arms.Select(a => report.At(a, rate, t => t.BytesSent).Median)]),
            ("API → client (response)", [.. arms.Select(a => report.At(a, rate, t => t.BytesReceived).Median)]),
        ]);
        Link(report, rel, "bytes-per-request", "Client hop: bytes per request, request and response stacked.");
        Charts.StackedBars(Path.Combine(charts, "store-bytes-per-request"), $"Store hop: bytes per request at {rateText} requests/s", "bytes per request", armArray,
        [
            ("API ↔ store (both directions)", [.. arms.Select(a => report.At(a, rate, t => t.Store?.BytesPerRequest ?? 0).Median)]),
        ]);
        Link(report, rel, "store-bytes-per-request", "Store hop: bytes per request between the API and the store (both directions); zero for an arm that does not read the store per request.");
    }

    private static void Link(ReportContext report, string rel, string name, string caption)
    {
        report.Line($"![{caption}]({rel}/{name}.png)");
        report.Line();
        report.Line($"{caption} ([SVG]({rel}/{name}.svg))");
        report.Line();
    }
}
