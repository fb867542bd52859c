using System.Text.Json;
using System.Text.Json.Nodes;
using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The headline's one row per claim, the environment appendix with the job's phases, the banner of an unfinished job and the CI summary.</summary>
public sealed class JobReportTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-job-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly ArmDescriptor None = ArmCatalogue.None;
    private static readonly ArmDescriptor Session = ArmCatalogue.Session;
    private static readonly ArmDescriptor Jwt = ArmCatalogue.Jwt;

    private const string LoadFolder = "20260101T000000Z";
    private const string SaturationFolder = "20260101T000000Z-find-max";

    private LoadRun LoadRunFixture()
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
        return LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", LoadFolder), Fixtures.Run(trials)));
    }

    /// <summary>Closed loop: none at 14 µs, session at 29 µs, jwt-HS256 at 44 µs of server CPU per request, three repetitions each.</summary>
    private LoadRun SaturationFixture()
    {
        var trials = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            trials.Add(Fixtures.Trial(None, null, null, rep, 14, 2000, 47, null, achieved: 80_000));
            trials.Add(Fixtures.Trial(Session, null, null, rep, 29, 3000, 111, 280, achieved: 40_000));
            trials.Add(Fixtures.Trial(Jwt, "HS256", null, rep, 44, 3000, 500, null, achieved: 30_000));
        }
        return LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", SaturationFolder), Fixtures.Run(trials, mode: "find-max")));
    }

    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private const string InterruptedRunJson = """
        {
          "date_utc": "2026-01-02T00:30:00Z", "commit": "abc", "working_tree_dirty": false, "mode": "default",
          "status": "interrupted", "interrupted_phase": "arms",
          "commands": { "all": "scripts/run-all.sh", "report": "dotnet run --project report/AuthBench.Report" },
          "phases": [
            { "name": "micro", "command": "dotnet run --project bench/AuthBench.Benchmarks", "status": "complete", "duration_s": 312, "output": "results/micro" },
            { "name": "arms", "command": "dotnet run --project loadtest/AuthBench.LoadTest -- --out results/load/20260102T000000Z-arms", "status": "interrupted", "duration_s": 95, "output": "results/load/20260102T000000Z-arms" },
            { "name": "saturation", "command": "dotnet run --project loadtest/AuthBench.LoadTest -- --find-max", "status": "not run" }
          ],
          "durations_s": { "micro": 312, "arms": 95, "total": 407 }
        }
        """;

    /// <summary>An old run.json: no status, no phases.</summary>
    private const string OldRunJson = """
        { "date_utc": "2026-01-01T00:00:00Z", "commit": "abc", "working_tree_dirty": false, "mode": "full",
          "commands": { "all": "scripts/run-all.sh --skip-micro", "micro": "(not run)", "load": "x", "saturation": "y", "report": "z" },
          "durations_s": { "micro": 0, "load": 2627 } }
        """;

    private (string Markdown, ReportBuilder Builder) Build(JsonElement runInfo = default, IReadOnlyList<LoadRun>? incomplete = null, bool saturation = true)
    {
        var builder = new ReportBuilder(new ReportInputs(LoadRunFixture(), null, runInfo, _root, null, saturation ? SaturationFixture() : null, Incomplete: incomplete));
        return (builder.Build(Path.Combine(_root, "charts")), builder);
    }

    private static string Section(string md, string heading)
    {
        var from = md.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(from >= 0, heading);
        var to = md.IndexOf("\n## ", from + heading.Length + 1, StringComparison.Ordinal);
        return to < 0 ? md[from..] : md[from..to];
    }

    [Fact]
    public void Headline_rows_carry_unit_regime_and_source_and_every_arm_of_the_catalogue_is_a_column()
    {
        var (md, _) = Build();
        var headline = Section(md, "## Headline");
        var header = headline.Split('\n').Single(l => l.StartsWith("| measured quantity |", StringComparison.Ordinal));

        Assert.StartsWith("| measured quantity | unit | regime | source run | `none` | `session` |", header, StringComparison.Ordinal);
        // Every arm appears: at the labels a source run measured, or at its first label (a "–" column) where none did.
        foreach (var arm in ArmCatalogue.Runs)
        {
            Assert.True(arm.Labels.Any(label => header.Contains($"`{label}`", StringComparison.Ordinal)), $"no column of {arm.Labels.First()}");
        }
        var satLink = $"[`{SaturationFolder}`](load/{SaturationFolder}/)";
        Assert.Contains($"| Server CPU per request over none | CPU µs | saturation (closed loop) | {satLink} | baseline | 15.0 [15.0, 15.0] n = 3/3 | ", headline, StringComparison.Ordinal);
        Assert.Contains($"| Server CPU per request over none | CPU µs | fixed rate at 200 requests/s, as shipped (includes idle thread-pool spinning) | [`{LoadFolder}`](load/{LoadFolder}/) | baseline | 50.0 [", headline, StringComparison.Ordinal);
        Assert.Contains($"| Latency shift at p99 over none (quantile difference of the merged histograms) | wall µs | fixed rate at 200 requests/s", headline, StringComparison.Ordinal);
        Assert.Contains($"| Store commands per request | commands | fixed rate at 200 requests/s", headline, StringComparison.Ordinal);
        Assert.Contains($"| Throughput | requests/s | saturation (closed loop) | {satLink} | 80,000 | 40,000 | ", headline, StringComparison.Ordinal);
        // An arm the saturation run did not measure: "–" and a note that says why.
        var satRow = headline.Split('\n').First(l => l.StartsWith("| Server CPU per request over none | CPU µs | saturation", StringComparison.Ordinal));
        var note = headline.Split('\n').Single(l => l.EndsWith($"`{SaturationFolder}` did not run this arm", StringComparison.Ordinal));
        var mark = note["- ".Length..note.IndexOf(' ', "- ".Length)];
        Assert.Contains("–" + mark, satRow, StringComparison.Ordinal);
        // No SLO run: the row stays, says so, and has no figure.
        Assert.Matches(@"\| Highest offered rate that met the p99 target \(bracket: up to the lowest rate that failed\) \| requests/s \| SLO capacity \| none <sup>[0-9]+</sup> \|", headline);
        Assert.Contains("no SLO capacity run found", headline, StringComparison.Ordinal);
    }

    [Fact]
    public void The_head_to_head_is_a_cpu_ratio_with_its_interval_and_no_longer_calls_wall_time_api_side()
    {
        var (md, builder) = Build();
        var headline = Section(md, "## Headline");

        // (44 - 14) / (29 - 14): the jwt arm's CPU over none is twice the session arm's; n = arm/reference/baseline.
        Assert.Contains("| Server CPU per request over none, as a multiple of `session`'s | ratio of CPU µs | saturation (closed loop) |", headline, StringComparison.Ordinal);
        Assert.Contains("| baseline | reference |", headline, StringComparison.Ordinal);
        Assert.Contains("| 2.00 [2.00, 2.00] n = 3/3/3 |", headline, StringComparison.Ordinal);
        Assert.DoesNotContain("API side", md, StringComparison.Ordinal);
        Assert.DoesNotContain("take as long as one session lookup", md, StringComparison.Ordinal);
        var ratio = builder.HeadlineFigures.Single(f => f.Name == "Server CPU per request over none, as a multiple of `session`'s, saturation (closed loop) [jwt-HS256]");
        Assert.Equal(2.0, ratio.Value);
        Assert.False(ratio.BiggerIsBetter);
        Assert.Equal("[2.000, 2.000] n = 3/3/3", ratio.Range);
    }

    [Fact]
    public void Ratio_of_differences_has_no_bound_where_the_reference_difference_reaches_zero()
    {
        var r = Bootstrap.OfRatioOfDifferences([30, 31, 32], [12, 20, 30], [10, 11, 25]);
        Assert.False(double.IsNaN(r.Estimate));
        Assert.False(r.HasInterval);
        Assert.True(double.IsNaN(Bootstrap.OfRatioOfDifferences([30, 31], [10, 11], [12, 13]).Estimate));
        var clean = Bootstrap.OfRatioOfDifferences([34, 34, 34], [19, 19, 19], [14, 14, 14]);
        Assert.Equal((4.0, 4.0, 4.0), (clean.Estimate, clean.Low, clean.High));
    }

    [Fact]
    public void Benchmark_files_hold_every_headline_figure_once_in_github_action_benchmark_format()
    {
        var (_, builder) = Build();
        builder.WriteBenchmarkFiles(_root);
        var smaller = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, ReportBuilder.SmallerIsBetterFile)))!.AsArray();
        var bigger = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, ReportBuilder.BiggerIsBetterFile)))!.AsArray();

        var names = smaller.Concat(bigger).Select(e => e!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(builder.HeadlineFigures.Count, names.Count);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        string[] allowed = ["name", "unit", "value", "range", "extra"];
        Assert.All(smaller.Concat(bigger), e =>
        {
            var o = e!.AsObject();
            Assert.All(o.Select(p => p.Key), k => Assert.Contains(k, allowed));
            Assert.Equal(JsonValueKind.Number, o["value"]!.GetValueKind());
            Assert.Equal(JsonValueKind.String, o["unit"]!.GetValueKind());
        });
        Assert.Contains(bigger, e => e!["name"]!.GetValue<string>() == "Throughput, saturation (closed loop) [none]");
        Assert.All(bigger, e => Assert.Equal("requests/s", e!["unit"]!.GetValue<string>()));
    }

    [Fact]
    public void Environment_is_an_appendix_before_the_raw_data_with_the_jobs_phases_and_a_pointer_near_the_top()
    {
        var (md, _) = Build(Json(InterruptedRunJson));

        var appendix = md.IndexOf("\n## Appendix: environment\n", StringComparison.Ordinal);
        Assert.True(appendix > md.IndexOf("\n## Caveats\n", StringComparison.Ordinal));
        Assert.True(appendix < md.IndexOf("\n## Raw data\n", StringComparison.Ordinal));
        Assert.True(md.IndexOf("](#appendix-environment)", StringComparison.Ordinal) < md.IndexOf("\n## Headline\n", StringComparison.Ordinal));
        var section = Section(md, "## Appendix: environment");
        Assert.Contains("| phase | status | duration (s) | command | output |", section, StringComparison.Ordinal);
        Assert.Contains("| micro | complete | 312 | `dotnet run --project bench/AuthBench.Benchmarks` | results/micro |", section, StringComparison.Ordinal);
        Assert.Contains("| saturation | not run | – | `dotnet run --project loadtest/AuthBench.LoadTest -- --find-max` | – |", section, StringComparison.Ordinal);
        Assert.Contains("Total: 407 s", section, StringComparison.Ordinal);
        // The phases are a table, not flattened JSON.
        Assert.DoesNotContain("run.phases", section, StringComparison.Ordinal);
        Assert.Contains("| run.status | interrupted |", section, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_run_json_without_phases_or_status_still_reads_and_gives_no_banner()
    {
        var (md, _) = Build(Json(OldRunJson));

        var section = Section(md, "## Appendix: environment");
        Assert.DoesNotContain("### The job's phases", section, StringComparison.Ordinal);
        Assert.Contains("| run.commands.all | scripts/run-all.sh --skip-micro |", section, StringComparison.Ordinal);
        Assert.Contains("| run.durations_s.load | 2627 |", section, StringComparison.Ordinal);
        Assert.DoesNotContain("This job was", md, StringComparison.Ordinal);
    }

    [Fact]
    public void An_interrupted_job_says_so_first_names_the_runs_shown_and_lists_what_it_kept_without_comparing_it()
    {
        LoadRunFixture();
        // The interrupted phase's run: the arms it reached before Ctrl+C, status "interrupted".
        var kept = Fixtures.Run([Fixtures.Trial(None, null, 100, 1, 999, 300, 100, null), Fixtures.Trial(Session, null, 100, 1, 999, 450, 160, 420)], status: "interrupted");
        Fixtures.Write(Path.Combine(_root, "load", "20260102T000000Z-arms"), kept);

        var selection = RunSelection.Find(_root);
        Assert.EndsWith(Path.Combine(LoadFolder, "results.json"), selection.Load, StringComparison.Ordinal);
        var incomplete = RunSelection.NotComplete(Path.Combine(_root, "load"));
        Assert.Equal("20260102T000000Z-arms", Path.GetFileName(Assert.Single(incomplete).Directory));

        var (md, _) = Build(Json(InterruptedRunJson), incomplete, saturation: false);
        var opening = md[..md.IndexOf("\n## ", StringComparison.Ordinal)];
        Assert.Contains("> **This job was interrupted** in its phase `arms`.", opening, StringComparison.Ordinal);
        Assert.Contains("Other phases that did not complete: `saturation` (not run).", opening, StringComparison.Ordinal);
        Assert.Contains($"Runs the sections show: fixed-rate tables `load/{LoadFolder}` (an earlier job's).", opening, StringComparison.Ordinal);
        Assert.Contains("Kept from this job but not compared", opening, StringComparison.Ordinal);
        Assert.Contains("[`load/20260102T000000Z-arms`](load/20260102T000000Z-arms/) (status interrupted, 2 trials recorded)", opening, StringComparison.Ordinal);
        // A micro run of another commit than the job's is marked, even where the job's micro phase completed.
        Fixtures.WriteMicro(Path.Combine(_root, "micro"), "HeadToHeadBenchmarks", [("SessionLookup", "", 40_000), ("Jwt_HS256", "", 8_000)]);
        File.WriteAllText(Path.Combine(_root, "micro", "run.md"), "- Commit: def\n- Date (UTC): 2026-01-02 00:10\n");
        var micro = MicroRun.Read(Path.Combine(_root, "micro"))!;
        var banner = JobStatus.Read(Json(InterruptedRunJson)).Banner(new ReportInputs(null, micro, default, _root, null), p => p);
        Assert.Contains("(commit def, 2026-01-02 00:10 UTC (run.md)) (made at another commit than this job's)", Assert.Single(banner, l => l.Contains("microbenchmarks", StringComparison.Ordinal)), StringComparison.Ordinal);
        // Its figures are in no table: its 999 µs of CPU appear nowhere.
        Assert.DoesNotContain("999", md, StringComparison.Ordinal);
    }

    [Fact]
    public void A_complete_job_has_no_banner()
    {
        var complete = InterruptedRunJson.Replace("\"status\": \"interrupted\", \"interrupted_phase\": \"arms\",", "\"status\": \"complete\",", StringComparison.Ordinal);
        var (md, _) = Build(Json(complete));
        Assert.DoesNotContain("This job was", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_has_the_opening_and_the_summary_sections_whatever_follows_them()
    {
        var (md, builder) = Build(Json(InterruptedRunJson));
        var summary = builder.Summary();

        Assert.Contains("## Verdict", ReportBuilder.SummaryHeadings);
        Assert.StartsWith("# AuthBench results", summary, StringComparison.Ordinal);
        Assert.Contains("> **This job was interrupted**", summary, StringComparison.Ordinal);
        Assert.Contains(Section(md, "## Headline").TrimStart('\n'), summary, StringComparison.Ordinal);
        Assert.DoesNotContain("## Microbenchmarks", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("## Load tests", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("## Appendix: environment", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_option_writes_the_summary_beside_the_report()
    {
        LoadRunFixture();
        SaturationFixture();
        File.WriteAllText(Path.Combine(_root, "run.json"), InterruptedRunJson);
        var summary = Path.Combine(_root, "summary.md");

        var exit = (int)typeof(ReportBuilder).Assembly.EntryPoint!.Invoke(null, [new[] { "--results", _root, "--summary", summary }])!;

        Assert.Equal(0, exit);
        var text = File.ReadAllText(summary);
        Assert.Contains("\n## Headline\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n## Load tests\n", text, StringComparison.Ordinal);
        Assert.Contains("\n## Load tests\n", File.ReadAllText(Path.Combine(_root, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_workflow_summarises_through_the_report_tool_and_uploads_both_benchmark_files()
    {
        var workflow = File.ReadAllText(Path.Combine(RepoPaths.FindRoot()!, ".github", "workflows", "bench.yml"));
        var step = workflow[workflow.IndexOf("- name: Job summary", StringComparison.Ordinal)..workflow.IndexOf("- name: Upload results", StringComparison.Ordinal)];

        Assert.Contains("--summary", step, StringComparison.Ordinal);
        Assert.Contains("GITHUB_STEP_SUMMARY", step, StringComparison.Ordinal);
        // No extraction by the heading that follows a section: sections move.
        Assert.DoesNotContain("sed ", step, StringComparison.Ordinal);
        Assert.Contains("results/quick/" + ReportBuilder.SmallerIsBetterFile, workflow, StringComparison.Ordinal);
        Assert.Contains("results/quick/" + ReportBuilder.BiggerIsBetterFile, workflow, StringComparison.Ordinal);
    }
}
