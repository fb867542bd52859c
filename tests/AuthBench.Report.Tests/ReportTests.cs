using System.Text.Json.Nodes;

namespace AuthBench.Report.Tests;

public sealed class ReportTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-report-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonObject Trial(string arm, string? alg, int rate, int rep, double cpu, double p99, double sent, double? storeBytes) => new()
    {
        ["arm"] = arm,
        ["alg"] = alg,
        ["claims"] = "typical",
        ["target_rps"] = rate,
        ["repetition"] = rep,
        ["achieved_rps"] = rate,
        ["requests"] = rate * 10,
        ["errors"] = new JsonObject { ["http_503"] = 0 },
        ["late"] = 0,
        ["dropped"] = 0,
        ["latency_us"] = new JsonObject { ["p50"] = p99 / 3, ["p90"] = p99 / 2, ["p99"] = p99, ["p999"] = p99 * 2, ["p9999"] = p99 * 3, ["max"] = p99 * 4, ["mean"] = p99 / 3 },
        ["service_time_us"] = new JsonObject { ["p50"] = 1, ["p90"] = 1, ["p99"] = 1, ["p999"] = 1, ["p9999"] = 1, ["max"] = 1, ["mean"] = 1 },
        ["bytes_per_request"] = new JsonObject { ["sent"] = sent, ["received"] = 300 },
        ["server_cpu_us_per_request"] = cpu,
        ["server_peak_rss_mb"] = 100,
        ["loadgen_cpu_us_per_request"] = 15,
        ["store"] = storeBytes is null ? null : new JsonObject { ["commands_per_request"] = 1, ["usec_per_request"] = 2, ["cpu_us_per_request"] = 5, ["bytes_per_request"] = storeBytes },
    };

    private string WriteLoadRun()
    {
        var trials = new JsonArray();
        foreach (var rate in new[] { 100, 200, 400 })
        {
            foreach (var rep in new[] { 1, 2, 3 })
            {
                trials.Add(Trial("none", null, rate, rep, 100 + rep, 300, 100, null));
                trials.Add(Trial("session", null, rate, rep, 150 + rep, 450, 160, 420));
                trials.Add(Trial("jwt", "HS256", rate, rep, 130 + rep, 390, 560, null));
            }
        }
        var run = new JsonObject { ["schema_version"] = 1, ["status"] = "complete", ["environment"] = new JsonObject { ["cpu_model"] = "test cpu" }, ["trials"] = trials };
        var dir = Path.Combine(_root, "load", "20260101T000000Z");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "results.json"), run.ToJsonString());
        foreach (var arm in new[] { "none", "session", "jwt-HS256" })
        {
            File.WriteAllLines(Path.Combine(dir, $"{arm}_200.hgrm"),
            [
                "       Value     Percentile TotalCount 1/(1-Percentile)",
                "",
                "     100.000 0.000000000000          1           1.00",
                "     200.000 0.900000000000         90          10.00",
                "     900.000 0.990000000000         99         100.00",
                "#[Mean    =      150.000, StdDeviation   =       10.000]",
            ]);
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
    public void Report_has_every_section()
    {
        var (md, _) = Build();
        Assert.All(ReportBuilder.Sections, s => Assert.Contains("\n" + s + "\n", md, StringComparison.Ordinal));
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
        Assert.Contains("**200 requests/s**", md, StringComparison.Ordinal);
        var cpu = headline.Single(h => h!["name"]!.GetValue<string>() == "Server CPU per request over none at this rate (includes idle thread-pool spinning, see Caveats) (µs) [session]");
        Assert.Equal(50.0, cpu!["value"]!.GetValue<double>()); // medians 152 - 102
        var bytes = headline.Single(h => h!["name"]!.GetValue<string>() == "Client + store bytes per request over none [jwt-HS256]");
        Assert.Equal(460.0, bytes!["value"]!.GetValue<double>());
    }

    [Fact]
    public void Charts_are_written_as_png_and_svg()
    {
        Build();
        foreach (var name in new[] { "latency-spectrum", "p99-vs-rate", "cpu-per-request", "bytes-per-request" })
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
        var dir = WriteLoadRun();
        var path = Path.Combine(dir, "results.json");
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        node["trials"]![0]!["errors"] = new JsonObject { ["http_503"] = 3, ["timeout"] = 2 };
        File.WriteAllText(path, node.ToJsonString());
        Assert.Equal(5, LoadRun.Read(path).Trials[0].Errors);
    }

    /// <summary>A find-max run: none at 14 µs and 80,000 req/s; session at 29 µs, 40,000 req/s, 280 store bytes and 5 µs store CPU.</summary>
    private LoadRun WriteSaturationRun()
    {
        var trials = new JsonArray();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            foreach (var (trial, rps) in new[] { (Trial("none", null, 0, rep, 14, 2000, 47, null), 80_000), (Trial("session", null, 0, rep, 29, 3000, 111, 280), 40_000) })
            {
                trial["target_rps"] = null;
                trial["achieved_rps"] = rps;
                trials.Add(trial);
            }
        }
        var dir = Path.Combine(_root, "load", "20260101T000000Z-find-max");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "results.json"),
            new JsonObject { ["schema_version"] = 1, ["status"] = "complete", ["mode"] = "find-max", ["trials"] = trials }.ToJsonString());
        return LoadRun.Read(Path.Combine(dir, "results.json"));
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
        var cpu = builder.HeadlineFigures.Single(h => h.Name.StartsWith("Server CPU per request over none at saturation", StringComparison.Ordinal) && h.Name.EndsWith("[session]", StringComparison.Ordinal));
        Assert.Equal(15.0, cpu.Value);
    }

    [Fact]
    public void Capacity_model_projects_the_saturation_costs_linearly()
    {
        var saturation = WriteSaturationRun();

        var md = new ReportBuilder(new ReportInputs(null, null, default, _root, null, saturation)).Build(Path.Combine(_root, "charts"));

        // Inputs: session 29 µs API CPU, 15 over none; store 5 µs and 280 B per request; client bytes (111+300) - (47+300) = 64.
        Assert.Contains("| `session` | 29.0 | 15.0 | 5.0 | 280 | 64 |", md, StringComparison.Ordinal);
        // 100,000 requests/s: 2.9 API cores, 1.5 for auth, 0.5 store cores, 280 B x 8 x 1e5 = 224 Mbit/s, 64 B x 8 x 1e5 = 51.2 Mbit/s.
        Assert.Contains("| 100,000 | `session` | 2.9 | 1.5 | 0.50 | 224.0 | 51.2 |", md, StringComparison.Ordinal);
        // One store thread at 5 µs per request: 200,000 requests/s, five API processes at 40,000 each.
        Assert.Contains("about **200,000 requests/s**: the throughput of about 5.0 API processes", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Capacity_model_says_what_it_needs_without_a_saturation_run()
    {
        var (md, _) = Build();
        Assert.Contains("## Capacity model", md, StringComparison.Ordinal);
        Assert.Contains("_No saturation (closed-loop) run", md, StringComparison.Ordinal);
    }
}
