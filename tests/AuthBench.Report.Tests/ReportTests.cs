using System.Text.Json.Nodes;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

public sealed class ReportTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-report-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly ArmDescriptor None = ArmCatalogue.None;
    private static readonly ArmDescriptor Session = ArmCatalogue.Session;
    private static readonly ArmDescriptor Jwt = ArmCatalogue.Jwt;

    private string WriteLoadRun(IEnumerable<HistogramFiles>? histograms = null, bool writeHgrm = true)
    {
        var trials = new List<TrialResult>();
        foreach (var rate in new[] { 100, 200, 400 })
        {
            foreach (var rep in new[] { 1, 2, 3 })
            {
                trials.Add(Fixtures.Trial(None, null, rate, rep, 100 + rep, 300, 100, null));
                trials.Add(Fixtures.Trial(Session, null, rate, rep, 150 + rep, 450, 160, 420));
                trials.Add(Fixtures.Trial(Jwt, "HS256", rate, rep, 130 + rep, 390, 560, null));
            }
        }
        var dir = Path.Combine(_root, "load", "20260101T000000Z");
        Fixtures.Write(dir, Fixtures.Run(trials, histograms: histograms));
        if (writeHgrm)
        {
            // The names the load tool gives its histogram files: latency-<label>-<rate>.hgrm.
            foreach (var label in new[] { None.Name, Session.Name, Jwt.Label("HS256") })
            {
                Fixtures.WriteHgrm(Path.Combine(dir, $"latency-{label}-200.hgrm"));
            }
        }
        return dir;
    }

    private (string Markdown, JsonArray Headline) Build()
    {
        var run = LoadRun.Read(Path.Combine(WriteLoadRun(), "results.json"));
        var builder = new ReportBuilder(new ReportInputs(run, null, default, _root, null));
        var md = builder.Build(Path.Combine(_root, "charts"));
        var headline = new JsonArray([.. builder.HeadlineFigures.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["value"] = f.Value })]);
        return (md, headline);
    }

    [Fact]
    public void Report_has_every_published_section_in_order()
    {
        // The headings are public (CI's --check report and links from other documents): pinned here, not derived.
        string[] published = ["## Verdict", "## Headline", "## Microbenchmarks", "## Load tests", "## Store across a network", "## Claims and response size", "## HTTP/2 at the edge", "## CPU reconciliation", "## SLO capacity", "## Store outage", "## Store realism", "## Revocation and staleness windows", "## Generator", "## Capacity model", "## Hybrid: refresh cost", "## Fan-out", "## Several API servers", "## Charts", "## Caveats", "## Appendix: environment", "## Raw data"];
        var (md, _) = Build();
        Assert.Equal(published, ReportBuilder.Sections);
        var positions = published.Select(s => md.IndexOf("\n" + s + "\n", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void Same_inputs_give_the_same_report()
    {
        var (first, _) = Build();
        var (second, _) = Build();
        Assert.Equal(first, second);
    }

    [Fact]
    public void Headline_subtracts_the_baseline_median_at_the_middle_rate()
    {
        var (md, headline) = Build();
        Assert.Contains("| fixed rate at 200 requests/s, as shipped (includes idle thread-pool spinning) |", md, StringComparison.Ordinal);
        var cpu = headline.Single(h => h!["name"]!.GetValue<string>() == "Server CPU per request over none, fixed rate at 200 requests/s, as shipped (includes idle thread-pool spinning) [session]");
        Assert.Equal(50.0, cpu!["value"]!.GetValue<double>()); // medians 152 - 102
        var bytes = headline.Single(h => h!["name"]!.GetValue<string>().StartsWith("Client + store bytes per request over none, fixed rate at 200 requests/s", StringComparison.Ordinal)
            && h!["name"]!.GetValue<string>().EndsWith("[jwt-HS256]", StringComparison.Ordinal));
        Assert.Equal(460.0, bytes!["value"]!.GetValue<double>());
    }

    [Fact]
    public void Charts_are_written_as_png_and_svg()
    {
        Build();
        foreach (var name in new[] { "latency-spectrum", "p99-vs-rate", "cpu-per-request", "bytes-per-request", "store-bytes-per-request" })
        {
            Assert.True(new FileInfo(Path.Combine(_root, "charts", name + ".png")).Length > 1000, name);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(_root, "charts", name + ".svg")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Spread_is_median_with_min_and_max()
    {
        var s = Spread.Of([3, 1, 2, double.NaN]);
        Assert.Equal((2.0, 1.0, 3.0, 3), (s.Median, s.Min, s.Max, s.N));
        Assert.Equal("2.0 (1.0–3.0)", s.Show());
    }

    [Fact]
    public void Errors_by_kind_are_summed()
    {
        var path = Fixtures.Write(Path.Combine(_root, "errors"), Fixtures.Run(
            [Fixtures.Trial(None, null, 100, 1, 100, 300, 100, null, new Dictionary<string, long> { ["http_503"] = 3, ["timeout"] = 2 })]));
        Assert.Equal(5, LoadRun.Read(path).Trials[0].Errors);
    }

    /// <summary>A find-max run: none at 14 µs and 80,000 req/s; session at 29 µs, 40,000 req/s, 280 store bytes and 5 µs store CPU.</summary>
    private LoadRun WriteSaturationRun()
    {
        var trials = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            trials.Add(Fixtures.Trial(None, null, null, rep, 14, 2000, 47, null, achieved: 80_000));
            trials.Add(Fixtures.Trial(Session, null, null, rep, 29, 3000, 111, 280, achieved: 40_000));
        }
        return LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", "20260101T000000Z-find-max"), Fixtures.Run(trials, mode: "find-max")));
    }

    [Fact]
    public void Saturation_run_adds_its_table_and_the_spin_free_cpu_to_the_headline()
    {
        var saturation = WriteSaturationRun();
        var run = LoadRun.Read(Path.Combine(WriteLoadRun(), "results.json"));

        var builder = new ReportBuilder(new ReportInputs(run, null, default, _root, null, saturation));
        var md = builder.Build(Path.Combine(_root, "charts"));

        Assert.True(saturation.IsFindMax);
        Assert.False(saturation.IsRatesRun);
        Assert.Contains("### Saturation (closed loop)", md, StringComparison.Ordinal);
        var cpu = builder.HeadlineFigures.Single(h => h.Name == "Server CPU per request over none, saturation (closed loop) [session]");
        Assert.Equal(15.0, cpu.Value);
    }

    [Fact]
    public void Capacity_model_says_what_it_needs_without_a_saturation_run()
    {
        var (md, _) = Build();
        Assert.Contains("## Capacity model", md, StringComparison.Ordinal);
        // The load run has none, session and a jwt arm: the model falls back to it and says what it lacks.
        Assert.Contains("no saturation run: API CPU per request comes from the fixed-rate run", md, StringComparison.Ordinal);
    }
}
