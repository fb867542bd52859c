using AuthBench.Store.Internal;
using StackExchange.Redis;

namespace AuthBench.Store.Tests;

/// <summary>The replica + AOF and the Redis Cluster store modes, started for real (redis-server on PATH).</summary>
public class RedisTopologyStoreTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Redis_cluster_forms_with_three_primaries_and_serves_keys_of_every_slot()
    {
        Requirements.RedisServer();
        await using var store = await StoreResolver.ProvisionAsync(StoreOptions.Parse("redis-cluster") with { StartTimeout = Bound });

        Assert.Equal(StoreKind.RedisServer, store.Kind);
        Assert.Equal("cluster-3", store.Topology);
        Assert.Equal(3, store.Nodes.Count);
        Assert.All(store.Nodes, n => Assert.Equal(StoreNode.Primary, n.Role));
        Assert.All(store.Nodes, n => Assert.NotNull(n.ProcessId));
        await using var mux = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString);
        var db = mux.GetDatabase();
        for (var i = 0; i < 30; i++)
        {
            Assert.True(await db.StringSetAsync($"k{i}", i));
            Assert.Equal(i, (int)await db.StringGetAsync($"k{i}"));
        }
        // The keys spread over the three primaries (each owns a third of the slots).
        var perNode = await Task.WhenAll(store.Nodes.Select(n => mux.GetServer(n.Endpoint).DatabaseSizeAsync()));
        Assert.All(perNode, count => Assert.True(count > 0));
        Assert.Equal(30, perNode.Sum());
    }

    [SkippableFact]
    public async Task Redis_replica_has_its_link_up_and_an_aof_on_the_primary()
    {
        Requirements.RedisServer();
        await using var store = await StoreResolver.ProvisionAsync(StoreOptions.Parse("redis-replica") with { StartTimeout = Bound });

        Assert.Equal("replica-aof", store.Topology);
        Assert.Equal([StoreNode.Primary, StoreNode.Replica], store.Nodes.Select(n => n.Role));
        await using var mux = await ConnectionMultiplexer.ConnectAsync(store.ProbeConnectionString);
        var primary = mux.GetServer(store.Nodes[0].Endpoint);
        var replica = mux.GetServer(store.Nodes[1].Endpoint);
        var persistence = RedisInfo.Parse(await primary.InfoRawAsync("persistence") ?? string.Empty);
        Assert.Equal("1", persistence["aof_enabled"]);
        Assert.Equal("everysec", (await primary.ConfigGetAsync("appendfsync")).Single().Value);
        Assert.Equal("up", RedisInfo.Parse(await replica.InfoRawAsync("replication") ?? string.Empty)["master_link_status"]);

        // The API's connection string names the primary; a write reaches the replica.
        await using var api = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString);
        await api.GetDatabase().StringSetAsync("replicated", "yes");
        var seen = false;
        for (var i = 0; i < 50 && !seen; i++)
        {
            seen = (string?)await replica.ExecuteAsync("GET", "replicated") == "yes";
            await Task.Delay(20);
        }
        Assert.True(seen, "the replica never saw the primary's write within 1 s");
    }

    [SkippableFact]
    public async Task Disposal_stops_every_node_and_removes_the_data_folder()
    {
        Requirements.RedisServer();
        var store = await StoreResolver.ProvisionAsync(StoreOptions.Parse("redis-replica") with { StartTimeout = Bound });
        var pids = store.Nodes.Select(n => n.ProcessId!.Value).ToArray();
        await using (var mux = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString))
        {
            var dir = (await mux.GetServer(store.Endpoint).ConfigGetAsync("dir")).Single().Value;
            await store.DisposeAsync();
            Assert.False(Directory.Exists(dir), $"{dir} outlived the store");
        }
        Assert.All(pids, pid => Assert.True(HasExited(pid), $"pid {pid} outlived the store"));
    }

    [SkippableFact]
    public async Task A_cluster_that_does_not_form_is_one_line_within_the_bound()
    {
        Requirements.RedisServer();
        var exe = RedisServerStore.FindOnPath()!;

        var ex = await Assert.ThrowsAsync<StoreConfigurationException>(() =>
            RedisTopologyStore.StartNewAsync(exe, cluster: true, TimeSpan.FromSeconds(10), log: null, CancellationToken.None, assignSlots: false));

        Assert.Contains("the cluster did not form within 10 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cluster_state:fail", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("redis-replica", StoreMode.RedisReplica)]
    [InlineData("REDIS-CLUSTER", StoreMode.RedisCluster)]
    public void Topology_modes_parse(string text, StoreMode expected) =>
        Assert.Equal(expected, StoreOptions.Parse(text).Mode);

    private static bool HasExited(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
