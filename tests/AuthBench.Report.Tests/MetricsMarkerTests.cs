using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>Server CPU read from the API's metrics endpoint (a --target run) is marked in the load tables, with one legend line.</summary>
public sealed class MetricsMarkerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-report-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Build(string? jwtSource)
    {
        var trials = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            trials.Add(Fixtures.Trial(ArmCatalogue.None, null, 100, rep, 100 + rep, 300, 100, null));
            trials.Add(Fixtures.Trial(ArmCatalogue.Jwt, "ES256", 100, rep, 130 + rep, 390, 560, null, cpuSource: jwtSource));
        }
        var run = LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", "20260101T000000Z"), Fixtures.Run(trials)));
        return new ReportBuilder(new ReportInputs(run, null, default, _root, null)).Build(Path.Combine(_root, "charts"));
    }

    [Fact]
    public void Cpu_from_metrics_is_marked_and_explained_once()
    {
        var md = Build(ServerCpuSources.Metrics);
        var row = md.Split('\n').First(l => l.StartsWith($"| `{ArmCatalogue.Jwt.Label("ES256")}` |", StringComparison.Ordinal));
        Assert.Contains(LoadTestsSection.MetricsMarker + " |", row, StringComparison.Ordinal);
        var baselineRow = md.Split('\n').First(l => l.StartsWith($"| `{ArmCatalogue.None.Name}` |", StringComparison.Ordinal));
        Assert.DoesNotContain(LoadTestsSection.MetricsMarker, baselineRow, StringComparison.Ordinal);
        Assert.Single(md.Split('\n'), l => l.StartsWith("Server CPU marked" + LoadTestsSection.MetricsMarker, StringComparison.Ordinal));
    }

    [Fact]
    public void Cpu_from_proc_gets_no_marker()
    {
        var md = Build(ServerCpuSources.Proc);
        Assert.DoesNotContain("Server CPU marked", md, StringComparison.Ordinal);
    }
}
