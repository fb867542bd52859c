using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The capacity model in servers, on synthetic runs with hand-computed answers, and on the published results.</summary>
public sealed class CapacityModelSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-capacity-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly ArmDescriptor None = ArmCatalogue.None;
    private static readonly ArmDescriptor Session = ArmCatalogue.Session;
    private static readonly ArmDescriptor Jwt = ArmCatalogue.Jwt;

    /// <summary>Closed loop: none 14 µs, jwt-ES256 19–21 µs, session 28–30 µs at 40,000 requests/s with 5 µs of store CPU per request.</summary>
    private LoadRun Saturation()
    {
        var trials = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            trials.Add(Fixtures.Trial(None, null, null, rep, 14, 2000, 47, null, achieved: 80_000));
            trials.Add(Fixtures.Trial(Jwt, "ES256", null, rep, 19 + rep, 2000, 47, null, achieved: 60_000));
            trials.Add(Fixtures.Trial(Session, null, null, rep, 27 + rep, 3000, 111, 280, achieved: 40_000, storeCpu: 5));
        }
        return LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", "20260101T000000Z-find-max"), Fixtures.Run(trials, mode: "find-max")));
    }

    /// <summary>Fixed rate 1,000 requests/s: session's one store connection costs 50 µs of store CPU per request there.</summary>
    private LoadRun Load()
    {
        var trials = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            trials.Add(Fixtures.Trial(None, null, 1000, rep, 200, 300, 47, null));
            trials.Add(Fixtures.Trial(Jwt, "ES256", 1000, rep, 400, 300, 47, null));
            trials.Add(Fixtures.Trial(Session, null, 1000, rep, 500, 300, 111, 280, storeCpu: 50));
        }
        return LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", "20260101T000000Z"), Fixtures.Run(trials, settings: Fixtures.Settings with { Rates = [1000], SpinLimit = "0" })));
    }

    private string Markdown(ReportInputs inputs)
    {
        var context = new ReportContext(inputs, Path.Combine(_root, "charts"));
        new CapacityModelSection().Write(context);
        return context.Markdown.ToString();
    }

    [Fact]
    public void One_primary_fills_at_a_server_count_read_from_the_store_points_and_the_claim_is_tested()
    {
        var md = Markdown(new ReportInputs(Load(), null, default, _root, null, Saturation()));

        // Store points of session: 1,000 requests/s on one connection at 50 µs, 40,000 at 5 µs.
        Assert.Contains("| `session` | standalone | 1,000 | 1 | 1,000 | 50.0 | – | 3 |", md, StringComparison.Ordinal);
        Assert.Contains("| `session` | standalone | 40,000 | 1 | 40,000 | 5.0 | – | 3 |", md, StringComparison.Ordinal);
        // 0.1 ms: API 129 µs, 0.5 core / 129 µs = 3,876 req/s per server; store CPU linear in log rate between the points:
        // 50 - 45 × (log 3876 - 3) / (log 40000 - 3) = 33.5 µs; servers 1e6 / (3876 × 33.47) = 8; fleet 1e6 / 33.47 = 29,875.
        Assert.Contains("| `session` | standalone | 0.1 | 129.0 | 3,876 | 33.5 | – | **8** | 29,875 | interpolated between 1,000 requests/s per connection and 40,000 requests/s per connection |", md, StringComparison.Ordinal);
        // 1 ms: API 1,029 µs, 486 req/s per server: below the lowest point, held at 50 µs: 41 servers, 20,000 req/s.
        Assert.Contains("| `session` | standalone | 1 | 1,029.0 | 486 | 50.0 | – | **41** | 20,000 | **extrapolated**: below the lowest measured rate", md, StringComparison.Ordinal);
        // 10 ms: 50 req/s per server, 401 servers: the only assumption where the claim holds (100 to 1,000 servers).
        Assert.Contains("**8** | 29,875", md, StringComparison.Ordinal);
        Assert.Contains("it holds with 10 ms of application CPU per request, standalone store, store figure extrapolated (one primary fills at 401 servers)", md, StringComparison.Ordinal);
        Assert.Contains("the store limits sooner than claimed with 0.1 ms of application CPU per request, standalone store (at 8 servers)", md, StringComparison.Ordinal);
        // Cores at 1 ms: (28–30 + 1,000 + 50) over (19–21 + 1,000): 1,079 / 1,020.
        Assert.Contains("| `session` | `jwt-ES256` | standalone | 1 | 1.06 [", md, StringComparison.Ordinal);
        Assert.Contains("no replica + AOF run", md, StringComparison.Ordinal);
        Assert.Contains("no connection-count run", md, StringComparison.Ordinal);
        Assert.DoesNotContain("no saturation run", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_count_and_replication_runs_add_points_and_a_replicated_curve()
    {
        var trials = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2 })
        {
            // 8 connections at 8,000 requests/s in all: 1,000 per connection, 20 µs (batched across connections).
            trials.Add(Fixtures.Trial(Session, null, 8000, rep, 100, 300, 111, 280, storeCpu: 20, storeConnections: 8));
        }
        var connections = LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", "20260105T000000Z-connections"),
            Fixtures.Run(trials, settings: Fixtures.Settings with { Rates = [8000], StoreConnections = [1, 8] })));
        StoreNodeCost[] nodes = [new("127.0.0.1:7001", "primary", 30, 1, 200), new("127.0.0.1:7002", "replica", 12, 1, 200)];
        var replicated = LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", "20260106T000000Z-replica"),
            Fixtures.Run([Fixtures.Trial(Session, null, 1000, 1, 500, 300, 111, 280, storeCpu: 30, topology: "replica-aof", nodes: nodes)],
                settings: Fixtures.Settings with { Rates = [1000], StoreTopology = "replica-aof" })));

        var md = Markdown(new ReportInputs(Load(), null, default, _root, null, Saturation(), StoreConnections: connections, Replication: replicated));

        Assert.Contains("| `session` | standalone | 1,000 | 8 | 8,000 | 20.0 | – | 2 |", md, StringComparison.Ordinal);
        Assert.Contains("| `session` | replica-aof | 1,000 | 1 | 1,000 | 30.0 | 12.0 | 1 |", md, StringComparison.Ordinal);
        // 1 ms, replicated: held at the one point (30 µs primary, 12 replica): 1e6 / (486 × 30) = 69 servers.
        Assert.Contains("| `session` | replica-aof | 1 | 1,029.0 | 486 | 30.0 | 12.0 | **69** |", md, StringComparison.Ordinal);
        Assert.DoesNotContain("no replica + AOF run", md, StringComparison.Ordinal);
        Assert.DoesNotContain("no connection-count run", md, StringComparison.Ordinal);
        Assert.False(connections.IsDefaultTopology);
        Assert.False(replicated.IsDefaultTopology);
    }

    [Fact]
    public void Interpolation_is_linear_in_log_rate_and_held_outside_the_points()
    {
        var curve = new CapacityModelSection.StoreCurve("standalone",
            [new(100, 40, 0, 1, 100, 1, "a"), new(10_000, 10, 0, 1, 10_000, 1, "a")], false);

        Assert.Equal(25, curve.At(1000).CpuUsPerRequest, 9);
        Assert.False(curve.At(1000).Extrapolated);
        Assert.Equal(40, curve.At(10).CpuUsPerRequest);
        Assert.True(curve.At(10).Extrapolated);
        Assert.True(curve.At(1e6).Extrapolated);
        Assert.False(curve.At(10_200).Extrapolated);
    }

    [Fact]
    public void The_published_results_give_an_answer_in_servers_and_name_the_missing_inputs()
    {
        var results = Path.Combine(RepoPaths.FindRoot()!, "results");
        var runs = RunSelection.Find(results);
        var inputs = new ReportInputs(runs.Run(runs.Load), null, default, results, null, runs.Run(runs.Saturation),
            StoreConnections: runs.Run(runs.StoreConnections), Replication: runs.Run(runs.Replication));

        var md = Markdown(inputs);

        Assert.Contains("### Where one store primary fills up", md, StringComparison.Ordinal);
        Assert.Contains("- **Tested: \"JWT only scales better north of 100 servers\"**, for `session`", md, StringComparison.Ordinal);
        Assert.Matches(@"\| `session` \| standalone \| 1 \| [\d,.]+ \| [\d,]+ \| [\d,.]+ \| – \| \*\*[\d,]+\*\* \|", md);
    }
}
