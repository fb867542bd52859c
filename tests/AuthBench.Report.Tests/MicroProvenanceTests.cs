namespace AuthBench.Report.Tests;

/// <summary>The micro run's commit, date and BenchmarkDotNet's warnings reach the report from the files that hold them.</summary>
public sealed class MicroProvenanceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-micro-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Micro(bool runMd, bool log)
    {
        var dir = Path.Combine(_root, "micro");
        Fixtures.WriteMicro(Path.Combine(dir, "results"), "PipelineBenchmarks",
            [("None", "", 9_700), ("Session", "", 66_900), ("Jwt_HS256", "", 29_200)], title: "AuthBench.Benchmarks.PipelineBenchmarks-20260102-030405");
        if (runMd)
        {
            File.WriteAllLines(Path.Combine(dir, "run.md"), ["# Microbenchmark run", "", "- Date (UTC): 2026-01-02 04:00", "- Commit: abc123"]);
        }
        if (log)
        {
            File.WriteAllLines(Path.Combine(dir, "BenchmarkRun-20260102-030000.log"),
            [
                "// * Warnings *",
                "MultimodalDistribution",
                "  PipelineBenchmarks.Session: Default -> It seems that the distribution is bimodal (mValue = 3.25)",
                "MinIterationTime",
                "  PipelineBenchmarks.Jwt_HS256: Default -> The minimum observed iteration time is 49.825ms which is very small.",
                "",
                "// * Hints *",
                "Outliers",
                "  PipelineBenchmarks.None: Default -> 2 outliers were removed",
            ]);
        }
        return dir;
    }

    private string Report(string microDir) =>
        new ReportBuilder(new ReportInputs(null, MicroRun.Read(microDir), default, _root, null)).Build(Path.Combine(_root, "charts"));

    [Fact]
    public void Commit_and_date_come_from_run_md()
    {
        var md = Report(Micro(runMd: true, log: true));
        Assert.Contains("Run of commit `abc123`, dated 2026-01-02 04:00 UTC (run.md).", md, StringComparison.Ordinal);
        Assert.Contains("| micro.commit | abc123 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_run_md_the_commit_is_unknown_and_the_date_is_the_tables_title()
    {
        var md = Report(Micro(runMd: false, log: false));
        Assert.Contains("Run of commit `unknown`, dated 2026-01-02 03:04 (local time of BenchmarkDotNet's first table title).", md, StringComparison.Ordinal);
        Assert.EndsWith("| unknown |", md.Split('\n').Single(r => r.StartsWith("| Session |", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Log_warnings_sit_beside_the_rows_they_name_and_hints_do_not()
    {
        var md = Report(Micro(runMd: true, log: true));
        var rows = md.Split('\n');
        Assert.EndsWith("| MultimodalDistribution: It seems that the distribution is bimodal (mValue = 3.25) |", rows.Single(r => r.StartsWith("| Session |", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("| MinIterationTime: The minimum observed iteration time is 49.825ms", rows.Single(r => r.StartsWith("| Jwt_HS256 |", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith("| no warning |", rows.Single(r => r.StartsWith("| **None** (baseline) |", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
