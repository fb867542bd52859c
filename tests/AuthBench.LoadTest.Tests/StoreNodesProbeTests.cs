using AuthBench.LoadTest.Probes;
using AuthBench.Store;
using StackExchange.Redis;

namespace AuthBench.LoadTest.Tests;

/// <summary>The store probe over a store of several nodes, started for real (redis-server on PATH).</summary>
public class StoreNodesProbeTests
{
    private const string RequireRedisServerVariable = "AUTHBENCH_REQUIRE_REDIS_SERVER";

    [SkippableFact]
    public async Task Cluster_INFO_is_read_from_every_node_and_summed_over_the_primaries()
    {
        RequireRedisServer();
        await using var store = await StoreResolver.ProvisionAsync(StoreOptions.Parse("redis-cluster") with { StartTimeout = TimeSpan.FromSeconds(30) });
        await using var probeMux = await ConnectionMultiplexer.ConnectAsync(store.ProbeConnectionString);
        var probe = new StoreProbe(store, probeMux);
        await using var api = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString);
        var db = api.GetDatabase();
        await db.PingAsync();

        var before = await probe.ReadAsync(CancellationToken.None);
        const int requests = 300;
        for (var i = 0; i < requests; i++)
        {
            await db.StringSetAsync($"sess:{i}", "v");
        }
        var after = await probe.ReadAsync(CancellationToken.None);
        var cost = StoreProbe.Cost(before, after, requests);

        Assert.Equal(3, before.Nodes!.Count);
        var nodes = Assert.IsAssignableFrom<IReadOnlyList<AuthBench.Contracts.Results.StoreNodeCost>>(cost.Nodes);
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.Equal(StoreNode.Primary, n.Role));
        // Every key was one SET on the node owning its slot: each node saw some, together exactly one per request.
        Assert.All(nodes, n => Assert.InRange(n.CommandsPerRequest, 0.05, 0.95));
        Assert.Equal(1.0, cost.CommandsPerRequest, 3);
        Assert.Equal(1.0, nodes.Sum(n => n.CommandsPerRequest), 2);
        Assert.Equal(nodes.Sum(n => n.BytesPerRequest), cost.BytesPerRequest, 0);
    }

    [SkippableFact]
    public async Task A_cluster_given_as_a_connection_string_is_probed_on_every_node_too()
    {
        RequireRedisServer();
        await using var cluster = await StoreResolver.ProvisionAsync(StoreOptions.Parse("redis-cluster") with { StartTimeout = TimeSpan.FromSeconds(30) });
        // Only one endpoint named: the probe finds the others through the cluster.
        var oneEndpoint = cluster.Nodes[0].Endpoint + cluster.ProbeConnectionString[cluster.ProbeConnectionString.IndexOf(",password=", StringComparison.Ordinal)..];
        await using var external = await StoreResolver.ProvisionAsync(StoreOptions.Parse(oneEndpoint));
        await using var probeMux = await ConnectionMultiplexer.ConnectAsync(external.ProbeConnectionString);
        var probe = new StoreProbe(external, probeMux);

        var snapshot = await probe.ReadAsync(CancellationToken.None);

        Assert.Equal(StoreKind.External, external.Kind);
        Assert.Equal(3, snapshot.Nodes!.Count);
        Assert.Equal(cluster.Nodes.Select(n => n.Endpoint).Order(), snapshot.Nodes.Select(n => n.Node.Endpoint).Order());
    }

    [SkippableFact]
    public async Task Replica_store_reports_the_primary_as_the_store_and_the_replica_beside_it()
    {
        RequireRedisServer();
        await using var store = await StoreResolver.ProvisionAsync(StoreOptions.Parse("redis-replica") with { StartTimeout = TimeSpan.FromSeconds(30) });
        await using var probeMux = await ConnectionMultiplexer.ConnectAsync(store.ProbeConnectionString);
        var probe = new StoreProbe(store, probeMux);
        await using var api = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString);
        var db = api.GetDatabase();

        var before = await probe.ReadAsync(CancellationToken.None);
        const int requests = 300;
        for (var i = 0; i < requests; i++)
        {
            await db.StringSetAsync($"sess:{i}", new string('x', 100));
        }
        await WaitForReplicaToApplyAsync(probeMux, store.Nodes, TimeSpan.FromSeconds(10));
        var after = await probe.ReadAsync(CancellationToken.None);
        var cost = StoreProbe.Cost(before, after, requests);

        var nodes = cost.Nodes!;
        Assert.Equal([StoreNode.Primary, StoreNode.Replica], nodes.Select(n => n.Role));
        Assert.Equal(1.0, cost.CommandsPerRequest, 3);
        Assert.Equal(nodes[0].CommandsPerRequest, cost.CommandsPerRequest, 3);
        // The replica applies the replication stream: its bytes carry every write.
        Assert.True(nodes[1].BytesPerRequest > 100, $"replica bytes per request {nodes[1].BytesPerRequest}");
    }

    /// <summary>
    /// Waits, bounded, until the replica has acknowledged the primary's replication offset: a fixed delay was not
    /// enough on a loaded machine (the stream had not reached the replica when the second snapshot was taken).
    /// INFO only, so no command is added to the primary's per-request count.
    /// </summary>
    private static async Task WaitForReplicaToApplyAsync(IConnectionMultiplexer mux, IReadOnlyList<StoreNode> nodes, TimeSpan bound)
    {
        var primary = mux.GetServer(nodes.Single(n => n.Role == StoreNode.Primary).Endpoint);
        var replica = mux.GetServer(nodes.Single(n => n.Role == StoreNode.Replica).Endpoint);
        var target = await OffsetAsync(primary, "master_repl_offset");
        var deadline = DateTime.UtcNow + bound;
        while (await OffsetAsync(replica, "slave_repl_offset") < target)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the replica did not reach the primary's offset {target} within {bound.TotalSeconds} s");
            await Task.Delay(20);
        }
    }

    private static async Task<long> OffsetAsync(IServer server, string field)
    {
        var info = await server.InfoRawAsync("replication") ?? "";
        var line = info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line[(field.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void RequireRedisServer()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "redis-server")));
        if (onPath)
        {
            return;
        }
        Assert.False(Environment.GetEnvironmentVariable(RequireRedisServerVariable) == "1", $"{RequireRedisServerVariable}=1 but no redis-server is on PATH (apt-get install redis-server)");
        Skip.If(true, $"no redis-server on PATH: apt-get install redis-server, or set {RequireRedisServerVariable}=1 to make this a failure");
    }
}
