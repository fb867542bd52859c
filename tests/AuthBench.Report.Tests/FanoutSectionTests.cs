using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Tests;

/// <summary>The fan-out section reads the newest run made with --fanout; such a run never stands in for the load run.</summary>
public sealed class FanoutSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-fanout-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (ArmInfo Info, TrialResult Trial) Chain(ArmDescriptor arm, string? alg, int services, string mode, double cpu, double commands)
    {
        var tag = services == 1 || mode == "per-service" ? $"fan{services}" : $"fan{services}-{mode}";
        var label = $"{arm.Label(alg)}-{tag}";
        var trial = new TrialResult
        {
            Arm = arm.Name,
            Alg = alg,
            Claims = "typical",
            Label = label,
            Endpoint = "/api/chain",
            TargetRps = 200,
            Repetition = 1,
            AchievedRps = 200,
            Requests = 2000,
            LatencyUs = new Contracts.Results.Percentiles(450, 600, 900, 1800, 2700, 3600, 500),
            ServiceTimeUs = new Contracts.Results.Percentiles(1, 1, 1, 1, 1, 1, 1),
            BytesPerRequest = new BytesPerRequest(300, 100),
            ServerCpuUsPerRequest = cpu,
            LoadgenCpuUsPerRequest = 15,
            Store = new StoreCostResult(commands, 2, 5, 40, new Dictionary<string, double>()),
        };
        return (new ArmInfo(arm.Name, alg, "typical", label, "http://127.0.0.1:1/", 1, "ready", 300, new FanoutInfo(services, mode, [.. Enumerable.Range(1, services)])), trial);
    }

    private string WriteFanoutRun()
    {
        var chains = new[]
        {
            Chain(ArmCatalogue.Jwt, "ES256", 1, "per-service", 40, 0),
            Chain(ArmCatalogue.Jwt, "ES256", 2, "per-service", 100, 0),
            Chain(ArmCatalogue.Jwt, "ES256", 4, "per-service", 220, 0),
            Chain(ArmCatalogue.Session, null, 1, "per-service", 30, 1),
            Chain(ArmCatalogue.Session, null, 2, "per-service", 70, 2),
            Chain(ArmCatalogue.Session, null, 2, "edge-token", 90, 1),
        };
        var run = Fixtures.Run(chains.Select(c => c.Trial));
        run.Arms.AddRange(chains.Select(c => c.Info));
        return Fixtures.Write(Path.Combine(_root, "load", "20260101T000000Z"), run);
    }

    [Fact]
    public void Fanout_section_tabulates_cpu_per_user_request_against_the_chain_length()
    {
        WriteFanoutRun();
        var runs = RunSelection.Find(_root);
        Assert.NotNull(runs.Fanout);
        Assert.Null(runs.Load); // a fan-out run is not a fixed-rate run of the load tables
        var md = new ReportBuilder(new ReportInputs(null, null, default, _root, null, Fanout: runs.Run(runs.Fanout))).Build(Path.Combine(_root, "charts"));
        var section = md[md.IndexOf("\n## Fan-out\n", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## Charts\n", StringComparison.Ordinal)];
        Assert.Contains("| `jwt-ES256` | (edge alone) | 1 | 450 | 900 | 40.0 | – | – | 0.00 | 1 (0) |", section, StringComparison.Ordinal);
        Assert.Contains("| `jwt-ES256` | per-service | 4 | 450 | 900 | 220.0 | 5.50 | 60.0 | 0.00 | 1 (0) |", section, StringComparison.Ordinal);
        Assert.Contains("| `session` | per-service | 2 | 450 | 900 | 70.0 | 2.33 | 40.0 | 2.00 | 1 (0) |", section, StringComparison.Ordinal);
        Assert.Contains("| `session` | edge-token | 2 | 450 | 900 | 90.0 | 3.00 | 60.0 | 1.00 | 1 (0) |", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_fanout_run_the_section_says_so()
    {
        var md = new ReportBuilder(new ReportInputs(null, null, default, _root, null)).Build(Path.Combine(_root, "charts"));
        Assert.Contains("_No fan-out run found", md, StringComparison.Ordinal);
    }
}
