using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>Intervals on differences, latency as a quantile shift, overload marks and the two benchmark files.</summary>
public sealed class StatisticsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-stats-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly ArmDescriptor None = ArmCatalogue.None;
    private static readonly ArmDescriptor Session = ArmCatalogue.Session;
    private static readonly ArmDescriptor Jwt = ArmCatalogue.Jwt;

    [Fact]
    public void Bootstrap_is_seeded_and_brackets_the_difference_of_medians()
    {
        double[] arm = [110, 112, 115, 111, 113];
        double[] baseline = [100, 101, 99, 102, 100];
        var first = Bootstrap.OfMedians(arm, baseline);
        var second = Bootstrap.OfMedians(arm, baseline);
        Assert.Equal(first, second);
        Assert.Equal(12.0, first.Estimate); // 112 - 100
        Assert.True(first.Low > 0 && first.Low <= first.Estimate && first.High >= first.Estimate);
        Assert.False(first.ContainsZero);
        Assert.StartsWith("12.0 [", first.Show(), StringComparison.Ordinal);
        Assert.EndsWith("n = 5/5", first.Show(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_interval_that_contains_zero_says_no_measurable_difference()
    {
        var d = Bootstrap.OfMedians([100, 130, 90], [110, 95, 120]);
        Assert.True(d.ContainsZero);
        Assert.StartsWith("no measurable difference [", d.Show(), StringComparison.Ordinal);
        Assert.EndsWith("n = 3/3", d.Show(), StringComparison.Ordinal);
    }

    [Fact]
    public void One_repetition_has_no_interval_and_says_so()
    {
        var d = Bootstrap.OfMedians([5], [3, 4]);
        Assert.False(d.HasInterval);
        Assert.Equal("1.5 (no interval: n = 1/2)", d.Show());
    }

    [Fact]
    public void Dropped_or_late_beyond_the_share_makes_a_trial_overloaded_and_dropped_count_as_failures()
    {
        // 1,000 intended requests at 100 req/s: 10 late or dropped is the share itself, 11 is beyond it.
        var atShare = Trial.From(Fixtures.Trial(None, null, 100, 1, 100, 300, 100, null, late: 5, dropped: 5));
        var beyond = Trial.From(Fixtures.Trial(None, null, 100, 1, 100, 300, 100, null, late: 1, dropped: 10,
            errors: new Dictionary<string, long> { ["http_503"] = 2 }));
        Assert.Equal(1000, atShare.Intended);
        Assert.False(atShare.Overloaded);
        Assert.True(beyond.Overloaded);
        Assert.Equal(12, beyond.Failures);
    }

    /// <summary>
    /// none, session and jwt-HS256 at 100 and 200 req/s, three repetitions; jwt-HS256 drops a fifth of its requests at
    /// 200 req/s (overloaded), and the baseline is late on one in ten at 100 req/s in its third repetition.
    /// </summary>
    private (string Markdown, ReportBuilder Builder) Build(bool baselineOverloadedAt100 = false, LoadRun? saturation = null)
    {
        var trials = new List<TrialResult>();
        foreach (var rate in new[] { 100, 200 })
        {
            foreach (var rep in new[] { 1, 2, 3 })
            {
                var noneLate = baselineOverloadedAt100 && rate == 100 && rep == 3 ? 100 : 0;
                trials.Add(Fixtures.Trial(None, null, rate, rep, 100 + rep, 300 + rep, 100, null, late: noneLate));
                trials.Add(Fixtures.Trial(Session, null, rate, rep, 150 + rep, 450 + (3 * rep), 160, 420));
                trials.Add(Fixtures.Trial(Jwt, "HS256", rate, rep, 130 + rep, 90_000, 560, null, dropped: rate == 200 ? rate * 2 : 0));
            }
        }
        var dir = Path.Combine(_root, "load", "20260101T000000Z");
        Fixtures.Write(dir, Fixtures.Run(trials));
        foreach (var label in new[] { None.Name, Session.Name, Jwt.Label("HS256") })
        {
            foreach (var rate in new[] { 100, 200 })
            {
                Fixtures.WriteHgrm(Path.Combine(dir, $"latency-{label}-{rate}.hgrm"), label == Session.Name ? 2 : 1);
            }
        }
        var builder = new ReportBuilder(new ReportInputs(LoadRun.Read(Path.Combine(dir, "results.json")), null, default, _root, 200, saturation));
        return (builder.Build(Path.Combine(_root, "charts")), builder);
    }

    [Fact]
    public void Latency_is_compared_as_quantile_shifts_of_the_merged_histograms()
    {
        var (md, builder) = Build();
        // The session histogram is the baseline's scaled by two: shifts of 100, 200 and 900 µs at p50, p90 and p99.
        var p50 = builder.HeadlineFigures.Single(f => f.Name.StartsWith("Latency shift at p50 over none", StringComparison.Ordinal) && f.Name.EndsWith("[session]", StringComparison.Ordinal));
        Assert.Equal(100, p50.Value);
        Assert.Equal(900, builder.HeadlineFigures.Single(f => f.Name.StartsWith("Latency shift at p99 ", StringComparison.Ordinal) && f.Name.EndsWith("[session]", StringComparison.Ordinal)).Value);
        Assert.NotNull(p50.Range);
        Assert.DoesNotContain("Latency p50 over none", md, StringComparison.Ordinal);
        Assert.Contains("| `session` | 100 [", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Overloaded_cells_are_marked_and_never_compared()
    {
        var (md, builder) = Build();
        var table = Section(md, "### 200 requests/s offered", "### ");
        var jwtRow = table.Split('\n').First(l => l.StartsWith($"| `{Jwt.Label("HS256")}` | 200", StringComparison.Ordinal));
        Assert.Contains("**overloaded** (3 of 3 repetitions)", jwtRow, StringComparison.Ordinal);
        Assert.DoesNotContain("90,000", jwtRow, StringComparison.Ordinal); // its p99 is not shown as a figure
        Assert.Contains("| 400 |", jwtRow, StringComparison.Ordinal); // failures: the dropped requests
        Assert.DoesNotContain(builder.HeadlineFigures, f => f.Name.StartsWith("Latency shift", StringComparison.Ordinal) && f.Name.EndsWith($"[{Jwt.Label("HS256")}]", StringComparison.Ordinal));
        var shifts = table[table.IndexOf("Latency shift over", StringComparison.Ordinal)..];
        Assert.Contains($"| `{Jwt.Label("HS256")}` | **overloaded** (3 of 3 repetitions) |", shifts, StringComparison.Ordinal);
    }

    [Fact]
    public void Charts_mark_overloaded_points_and_lines()
    {
        Build();
        Assert.Contains("overloaded: not comparable", File.ReadAllText(Path.Combine(_root, "charts", "p99-vs-rate.svg")), StringComparison.Ordinal);
        Assert.Contains("(overloaded: dashed)", File.ReadAllText(Path.Combine(_root, "charts", "latency-spectrum.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_overloaded_baseline_leaves_every_latency_of_its_rate_uncompared()
    {
        var (md, _) = Build(baselineOverloadedAt100: true);
        var table = Section(md, "### 100 requests/s offered", "### ");
        Assert.Contains($"| `{Session.Name}` | not compared: `{None.Name}` **overloaded** (1 of 3 repetitions) |", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Throughput_goes_to_the_bigger_is_better_file_and_the_rest_to_the_smaller_is_better_one()
    {
        var sat = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            sat.Add(Fixtures.Trial(None, null, null, rep, 14, 2000, 47, null, achieved: 80_000 + rep));
            sat.Add(Fixtures.Trial(Session, null, null, rep, 29, 3000, 111, 280, achieved: 40_000 + rep));
        }
        Fixtures.Write(Path.Combine(_root, "load", "20260101T000001Z-find-max"), Fixtures.Run(sat, mode: "find-max"));
        var (_, builder) = Build(saturation: LoadRun.Read(Path.Combine(_root, "load", "20260101T000001Z-find-max", "results.json")));
        builder.WriteBenchmarkFiles(_root);
        var smaller = File.ReadAllText(Path.Combine(_root, ReportBuilder.SmallerIsBetterFile));
        var bigger = File.ReadAllText(Path.Combine(_root, ReportBuilder.BiggerIsBetterFile));
        Assert.Contains("\"Throughput, saturation (closed loop) [session]\"", bigger, StringComparison.Ordinal);
        Assert.DoesNotContain("Throughput", smaller, StringComparison.Ordinal);
        // Each figure names its source run for github-action-benchmark ("extra").
        Assert.Contains("\"extra\": \"source: load/20260101T000001Z-find-max/\"", bigger, StringComparison.Ordinal);
        Assert.DoesNotContain("requests/s\"", smaller, StringComparison.Ordinal);
        Assert.Contains("\"range\"", smaller, StringComparison.Ordinal);
    }

    private static string Section(string md, string start, string next)
    {
        var from = md.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, start);
        var to = md.IndexOf(next, from + start.Length, StringComparison.Ordinal);
        return to < 0 ? md[from..] : md[from..to];
    }
}
