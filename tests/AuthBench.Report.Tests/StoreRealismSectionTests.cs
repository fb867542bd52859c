using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The store-realism section and how the report finds its runs, on synthetic results.json files.</summary>
public sealed class StoreRealismSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-realism-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrialResult Trial(ArmDescriptor arm, int rep, double storeCpu, int? connections = null, string? topology = null, double? replicaCpu = null)
    {
        var t = Fixtures.Trial(arm, arm.HasAlgorithm ? "ES256" : null, 300, rep, 100, 300, 100, 200);
        return new TrialResult
        {
            Arm = t.Arm, Alg = t.Alg, Claims = t.Claims, Label = t.Label, Endpoint = t.Endpoint, TargetRps = t.TargetRps, Repetition = rep,
            AchievedRps = t.AchievedRps, Requests = t.Requests, LatencyUs = t.LatencyUs, ServiceTimeUs = t.ServiceTimeUs, BytesPerRequest = t.BytesPerRequest,
            ServerCpuUsPerRequest = t.ServerCpuUsPerRequest,
            Store = new StoreCostResult(1, 2, storeCpu, 200, new Dictionary<string, double>()),
            StoreConnections = connections,
            StoreTopology = topology,
            StoreNodes = replicaCpu is { } r ? [new StoreNodeCost("127.0.0.1:1", "primary", storeCpu, 1, 200), new StoreNodeCost("127.0.0.1:2", "replica", r, 1, 150)] : null,
        };
    }

    private string WriteRun(string folder, RunSettings settings, params TrialResult[] trials) =>
        Fixtures.Write(Path.Combine(_root, "load", folder), Fixtures.Run(trials, settings: settings));

    private string Markdown(LoadRun? connections, params LoadRun[] topologies)
    {
        var context = new ReportContext(new ReportInputs(null, null, default, _root, null, StoreConnections: connections, StoreTopologies: topologies),
            Path.Combine(_root, "charts"));
        new StoreRealismSection().Write(context);
        return context.Markdown.ToString();
    }

    [Fact]
    public void Connection_counts_get_intervals_and_a_difference_to_one_connection()
    {
        var path = WriteRun("20260102T000000Z", Fixtures.Settings with { StoreConnections = [1, 8], StoreTopology = "standalone" },
            Trial(ArmCatalogue.Session, 1, 20, 1), Trial(ArmCatalogue.Session, 2, 22, 1), Trial(ArmCatalogue.Session, 3, 21, 1),
            Trial(ArmCatalogue.Session, 1, 30, 8), Trial(ArmCatalogue.Session, 2, 31, 8), Trial(ArmCatalogue.Session, 3, 32, 8));

        var md = Markdown(LoadRun.Read(path));

        Assert.Contains("### Store connections", md, StringComparison.Ordinal);
        Assert.Contains("| `session` | 300 | 1 | 21.00 [", md, StringComparison.Ordinal);
        Assert.Contains("| `session` | 300 | 8 | 31.00 [", md, StringComparison.Ordinal);
        Assert.Matches(@"\| 8 \| 31\.00 \[[0-9.]+, [0-9.]+\] n = 3 \| 10\.00 \[[0-9.]+, [0-9.]+\] n = 3/3 \|", md);
    }

    [Fact]
    public void Topologies_compare_with_the_single_connection_trials_and_show_the_replica()
    {
        var connections = WriteRun("20260102T000000Z", Fixtures.Settings with { StoreConnections = [1, 8] },
            Trial(ArmCatalogue.Session, 1, 20, 1), Trial(ArmCatalogue.Session, 2, 21, 1), Trial(ArmCatalogue.Session, 3, 22, 1),
            Trial(ArmCatalogue.Session, 1, 99, 8));
        var replica = WriteRun("20260103T000000Z", Fixtures.Settings with { StoreTopology = "replica-aof" },
            Trial(ArmCatalogue.Session, 1, 20, topology: "replica-aof", replicaCpu: 7), Trial(ArmCatalogue.Session, 2, 22, topology: "replica-aof", replicaCpu: 8),
            Trial(ArmCatalogue.Session, 3, 21, topology: "replica-aof", replicaCpu: 9));

        var md = Markdown(LoadRun.Read(connections), LoadRun.Read(replica));

        Assert.Contains("| `session` | 300 | standalone | 21.00 [", md, StringComparison.Ordinal);
        Assert.Contains("| `session` | 300 | replica-aof | 21.00 [", md, StringComparison.Ordinal);
        Assert.Contains("no measurable difference", md, StringComparison.Ordinal);
        Assert.Contains("| 8.00 [", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_finds_its_runs_and_keeps_them_out_of_the_fixed_rate_tables()
    {
        Assert.Contains("No store-realism run found", Markdown(null), StringComparison.Ordinal);
        var plain = WriteRun("20260101T000000Z", Fixtures.Settings, Trial(ArmCatalogue.Session, 1, 20));
        var connections = WriteRun("20260102T000000Z", Fixtures.Settings with { StoreConnections = [1, 8] }, Trial(ArmCatalogue.Session, 1, 20, 1));
        var cluster = WriteRun("20260103T000000Z", Fixtures.Settings with { StoreTopology = "cluster-3" }, Trial(ArmCatalogue.Session, 1, 20, topology: "cluster-3"));

        var selection = RunSelection.Find(_root);

        Assert.Equal(plain, selection.Load);
        Assert.Equal(connections, selection.StoreConnections);
        Assert.Equal([cluster], selection.StoreTopologies);
    }
}
