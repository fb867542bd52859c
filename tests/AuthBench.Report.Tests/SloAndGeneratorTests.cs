using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The SLO capacity and generator sections, and how the report finds the runs they read, on synthetic results.json files.</summary>
public sealed class SloAndGeneratorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-slo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly ArmDescriptor None = ArmCatalogue.None;
    private static readonly ArmDescriptor Session = ArmCatalogue.Session;
    private static readonly ArmDescriptor Jwt = ArmCatalogue.Jwt;

    private static SloCapacity Capacity(string label, double target, double? capacity, double? lowestFailing, double saturation = 4000, int steps = 6) =>
        new(label, target, 0.001, saturation, capacity, lowestFailing, 1, capacity, [.. Enumerable.Range(1, steps).Select(i =>
            new SloStep(i, i * 100, i * 100, 500, 0, 0, 0, i % 2 == 0, i % 2 == 0 ? "pass" : "p99", 20, 0.5))]);

    private LoadRun SloRun(IEnumerable<SloCapacity> capacities, string folder = "20260102T000000Z-slo")
    {
        var run = Fixtures.Run([], mode: "slo", settings: Fixtures.Settings with { SloP99Ms = [1, 5], SloMaxLateFraction = 0.001, SloSteps = 6 });
        run.Slo.AddRange(capacities);
        return LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", folder), run));
    }

    private (string Markdown, IReadOnlyList<HeadlineFigure> Headline) Write(IReportSection section, ReportInputs inputs)
    {
        var context = new ReportContext(inputs, Path.Combine(_root, "charts"));
        section.Write(context);
        return (context.Markdown.ToString(), context.Headline);
    }

    private ReportInputs Inputs(LoadRun? load = null, LoadRun? slo = null, LoadRun? spinFree = null, LoadRun? asShipped = null, string? crosscheck = null) =>
        new(load, null, default, _root, null, null, slo, spinFree, asShipped, crosscheck);

    [Fact]
    public void Capacity_shows_its_bracket_per_core_steps_and_a_note_when_the_bracket_is_wide()
    {
        var slo = SloRun([
            Capacity(None.Name, 1, 1000, 1050),
            Capacity(Session.Name, 1, 800, 1000),
            Capacity(None.Name, 5, 2000, null, saturation: 2000),
        ]);
        var (md, headline) = Write(new SloCapacitySection(), Inputs(slo: slo));

        Assert.Contains("| `none` | 1,000 | [1,000, 1,050] | 1,000 | 1 | 4,000 | 6 |  |", md, StringComparison.Ordinal);
        Assert.Contains("| `session` | 800 | [800, 1,000] | 800 | 1 | 4,000 | 6 | bracket wider than 10 % of the capacity |", md, StringComparison.Ordinal);
        // No failing step: the bracket reaches the saturation rate searched under.
        Assert.Contains("| `none` | 2,000 | [2,000, 2,000] |", md, StringComparison.Ordinal);
        Assert.Contains("no step failed", md, StringComparison.Ordinal);
        // The rule comes from the run's settings.
        Assert.Contains("(1, 5 ms)", md, StringComparison.Ordinal);
        Assert.Contains("under 0.1 % of the requests scheduled", md, StringComparison.Ordinal);
        Assert.Contains("at most 6 bisection steps", md, StringComparison.Ordinal);
        // Ratio to the baseline at the same target: 800/1000, bounded by 800/1050 and 1000/1000.
        Assert.Contains("| `session` | 0.80 [0.76, 1.00] | – |", md, StringComparison.Ordinal);

        // The capacities are headline figures: the headline's row, not this section, writes them.
        Assert.Empty(headline);
        var (_, figures) = Write(new HeadlineSection(), Inputs(slo: slo));
        var figure = figures.Single(f => f.Name.EndsWith(", SLO capacity, p99 under 1 ms [session]", StringComparison.Ordinal));
        Assert.True(figure.BiggerIsBetter);
        Assert.Equal(800, figure.Value);
        Assert.Equal("[800, 1,000]", figure.Range);
    }

    [Fact]
    public void A_target_where_no_step_passed_says_below_the_lowest_failing_rate()
    {
        var slo = SloRun([Capacity(None.Name, 1, 1000, 1050), Capacity(Jwt.Label("ES256"), 1, null, 250)]);
        var (md, _) = Write(new SloCapacitySection(), Inputs(slo: slo));

        Assert.Contains("| `jwt-ES256` | < 250 | [–, 250] | – | 1 | 4,000 | 6 | no step passed |", md, StringComparison.Ordinal);
        Assert.Contains("| `jwt-ES256` | – |", md, StringComparison.Ordinal);
        var (headlineMd, headline) = Write(new HeadlineSection(), Inputs(slo: slo));
        Assert.DoesNotContain(headline, f => f.Name.EndsWith("[jwt-ES256]", StringComparison.Ordinal));
        Assert.Contains("< 250 (no step passed)", headlineMd, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_slo_run_the_section_is_one_line()
    {
        var (md, headline) = Write(new SloCapacitySection(), Inputs());
        Assert.Single(md.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("No SLO capacity run found", md, StringComparison.Ordinal);
        Assert.Empty(headline);
    }

    [Fact]
    public void Slo_capacities_go_to_the_bigger_is_better_benchmark_file()
    {
        var slo = SloRun([Capacity(None.Name, 1, 1000, 1050)]);
        var builder = new ReportBuilder(Inputs(slo: slo));
        builder.Build(Path.Combine(_root, "charts"));
        builder.WriteBenchmarkFiles(_root);
        Assert.Contains("SLO capacity, p99 under 1 ms [none]", File.ReadAllText(Path.Combine(_root, ReportBuilder.BiggerIsBetterFile)), StringComparison.Ordinal);
        Assert.DoesNotContain("SLO capacity", File.ReadAllText(Path.Combine(_root, ReportBuilder.SmallerIsBetterFile)), StringComparison.Ordinal);
    }

    private LoadRun RatesRun(string folder, bool withDispatchDelay, string? spinLimit = null)
    {
        var trials = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            foreach (var arm in new[] { None, Session })
            {
                var t = Fixtures.Trial(arm, null, 1000, rep, 100, 300, 100, null);
                trials.Add(new TrialResult
                {
                    Arm = t.Arm, Label = t.Label, Claims = t.Claims, Endpoint = t.Endpoint, TargetRps = t.TargetRps, Repetition = rep,
                    AchievedRps = t.AchievedRps, Requests = t.Requests, BytesPerRequest = t.BytesPerRequest, ServerCpuUsPerRequest = t.ServerCpuUsPerRequest,
                    LatencyUs = new Contracts.Results.Percentiles(90 + rep, 120, 300, 600, 900, 1200, 95),
                    ServiceTimeUs = new Contracts.Results.Percentiles(20, 30, 100, 200, 300, 400, 22),
                    DispatchDelayUs = withDispatchDelay ? new Contracts.Results.Percentiles(60 + rep, 80, 150 + rep, 400, 700, 2000 + rep, 65) : null,
                });
            }
        }
        var run = Fixtures.Run(trials, mode: "open-loop", settings: Fixtures.Settings with { SpinLimit = spinLimit });
        return LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", folder), run));
    }

    [Fact]
    public void Dispatch_delay_is_shown_per_arm_and_rate_beside_latency_minus_service_time()
    {
        var run = RatesRun("20260103T000000Z", withDispatchDelay: true, spinLimit: "0");
        var (md, _) = Write(new GeneratorSection(), Inputs(load: run, spinFree: run));

        Assert.Contains("### Fixed-rate run, spin-free", md, StringComparison.Ordinal);
        // Medians over the three repetitions (min–max): p50 61..63, p99 151..153, max 2001..2003; latency p50 − service p50: 71..73.
        Assert.Contains("| `none` | 1,000 | 62 (61–63) | 152 (151–153) | 400 | 2,002 (2,001–2,003) | 72 (71–73) | 0 of 3 |", md, StringComparison.Ordinal);
        Assert.DoesNotContain("predates", md, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_dispatch_delay_says_it_predates_the_measurement()
    {
        var run = RatesRun("20260103T000000Z", withDispatchDelay: false);
        var (md, _) = Write(new GeneratorSection(), Inputs(load: run, asShipped: run));

        Assert.Contains("this run predates the dispatch-delay measurement", md, StringComparison.Ordinal);
        Assert.Contains("| `none` | 1,000 | 72 (71–73) | 0 of 3 |", md, StringComparison.Ordinal);
        Assert.DoesNotContain("dispatch delay p50", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wrk_crosscheck_is_summarised_with_its_commit_and_date()
    {
        var dir = Path.Combine(_root, "crosscheck");
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "none.txt"),
        [
            "command: scripts/crosscheck-wrk.sh --arm none --endpoint /health --rounds 2",
            "date: 2026-01-01T00:00:00Z  commit: abc1234 (dirty)",
            "machine: test cpu, 2 cores",
            "",
            "tool    round        req/s    p50 µs    p99 µs client CPU µs/request",
            "wrk     1            1000        500       1000                    8.0",
            "engine  1             900        600       1100                    9.0",
            "wrk     2            1000        500       1000                   10.0",
            "engine  2            1100        600       1100                   11.0",
            "",
            "median throughput: wrk 1000 req/s, engine 1000 req/s, engine/wrk = 1.000",
        ]);
        var (md, _) = Write(new GeneratorSection(), Inputs(crosscheck: dir));

        Assert.Contains("| [`none.txt`](crosscheck/none.txt) | `scripts/crosscheck-wrk.sh --arm none --endpoint /health --rounds 2` | 2026-01-01T00:00:00Z | abc1234 (dirty) | 2 "
            + "| 1.000 (0.900–1.100) | 1,000 | 1,000 (900–1,100) | 9.0 (8.0–10.0) | 10.0 (9.0–11.0) |", md, StringComparison.Ordinal);
        Assert.Contains("Over all 2 rounds of the 1 file(s)", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_crosscheck_its_subsection_is_one_line()
    {
        var (md, _) = Write(new GeneratorSection(), Inputs(crosscheck: Path.Combine(_root, "absent")));
        var sub = md[md.IndexOf("### Closed loop against wrk", StringComparison.Ordinal)..];
        Assert.Equal(2, sub.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("No wrk cross-check found", sub, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_are_found_by_mode_and_spin_setting_and_an_slo_run_is_not_a_fixed_rate_run()
    {
        RatesRun("20260101T000000Z", withDispatchDelay: false, spinLimit: "0");
        RatesRun("20260102T000000Z", withDispatchDelay: false, spinLimit: "as-shipped");
        RatesRun("20260103T000000Z", withDispatchDelay: false); // older files record no spin setting: as shipped
        SloRun([Capacity(None.Name, 1, 1000, 1050)], "20260104T000000Z");
        var runs = RunSelection.Complete(Path.Combine(_root, "load"));

        Assert.EndsWith("20260101T000000Z", RunSelection.Newest(runs, RunSelection.IsSpinFreeRates)!.Value.Run.Directory, StringComparison.Ordinal);
        Assert.EndsWith("20260103T000000Z", RunSelection.Newest(runs, RunSelection.IsAsShippedRates)!.Value.Run.Directory, StringComparison.Ordinal);
        Assert.EndsWith("20260104T000000Z", RunSelection.Newest(runs, RunSelection.IsSloRun)!.Value.Run.Directory, StringComparison.Ordinal);
        Assert.Null(RunSelection.Newest(runs, r => r.IsFindMax));
    }

    [Fact]
    public void The_load_tables_say_which_fixed_rate_run_they_show()
    {
        var spinFree = RatesRun("20260101T000000Z", withDispatchDelay: false, spinLimit: "0");
        var asShipped = RatesRun("20260102T000000Z", withDispatchDelay: false);
        var text = RunSelection.LoadRunChoice(Inputs(load: spinFree, spinFree: spinFree, asShipped: asShipped), p => Path.GetRelativePath(_root, p));

        Assert.Contains("These tables come from [`load/20260101T000000Z/results.json`]", text, StringComparison.Ordinal);
        Assert.Contains("; preferred to the as-shipped run [`load/20260102T000000Z/results.json`]", text, StringComparison.Ordinal);
        Assert.Contains("because idle spinning inflates CPU per request at fixed rates", text, StringComparison.Ordinal);
        Assert.Equal(2, RunSelection.FixedRate(Inputs(load: spinFree, spinFree: spinFree, asShipped: asShipped)).Count);
        // The load run stands for its own setting: found beside it or not, the same two runs, spin-free first.
        Assert.Equal([spinFree.Directory, asShipped.Directory], RunSelection.FixedRate(Inputs(load: spinFree, asShipped: asShipped)).Select(r => r.Directory));
        Assert.Equal(text, RunSelection.LoadRunChoice(Inputs(load: spinFree, asShipped: asShipped), p => Path.GetRelativePath(_root, p)));
    }
}
