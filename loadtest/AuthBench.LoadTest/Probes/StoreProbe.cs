using AuthBench.Store;
using StackExchange.Redis;

namespace AuthBench.LoadTest.Probes;

/// <summary>What the store did for one trial, per request (from two INFO snapshots).</summary>
public sealed record StoreCost(
    double CommandsPerRequest,
    double UsecPerRequest,
    double CpuUsPerRequest,
    double BytesPerRequest,
    IReadOnlyDictionary<string, double> Commands,
    IReadOnlyList<AuthBench.Contracts.Results.StoreNodeCost>? Nodes = null);

/// <summary>Reads INFO before and after a trial through its own connection (which needs allowAdmin=true).</summary>
public sealed class StoreProbe(IProvisionedStore store, IConnectionMultiplexer mux)
{
    /// <summary>
    /// Commands that are not the arm's work: our own INFO, and the keep-alives and handshakes of the idle
    /// API processes' connections. They are left out of commands and usec per request.
    /// Pub/sub is the arm's work where an arm uses it: PUBLISH (and SPUBLISH), a near cache's invalidations and
    /// heartbeats, are counted, their usec including Redis's fan-out to the subscribers; only (un)subscribing, once
    /// per connection, is housekeeping. The messages Redis pushes to subscribers are no commands: their bytes are in
    /// the network figure, and their number is in no INFO field (it is PUBLISH calls times the subscribers each
    /// reached, which the API's near cache counts on the receiving side).
    /// </summary>
    public static readonly HashSet<string> Housekeeping = new(StringComparer.OrdinalIgnoreCase)
    {
        "info", "ping", "echo", "client", "cluster", "config", "hello", "auth", "select", "command", "role",
        "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "sentinel",
        // A replica's REPLCONF ACKs (once a second) and its sync: replication's upkeep, not per request (its CPU and bytes are counted).
        "replconf", "psync", "sync",
    };

    private static readonly TimeSpan GarnetSettle = TimeSpan.FromSeconds(2);

    public IProvisionedStore Store { get; } = store;

    /// <summary>
    /// One INFO snapshot. The raw text is read here (not through RedisInfo.ReadStatsAsync) because its size is
    /// needed: the reply to the first snapshot is part of the network bytes the second one reports.
    /// </summary>
    public async Task<Snapshot> ReadAsync(CancellationToken ct)
    {
        if (Store.Kind == StoreKind.Garnet)
        {
            // Garnet folds its per-session command counters into INFO with a delay (about a second here); without a
            // pause, part of one trial's commands would be counted in the next.
            await Task.Delay(GarnetSettle, ct).ConfigureAwait(false);
        }
        if (Nodes().Count > 1)
        {
            return await ReadNodesAsync(ct).ConfigureAwait(false);
        }
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var text = await server.InfoRawAsync("all").WaitAsync(ct).ConfigureAwait(false) ?? string.Empty;
        var replyBytes = (long)System.Text.Encoding.UTF8.GetByteCount(text);
        if (!text.Contains("cmdstat_", StringComparison.Ordinal))
        {
            // Garnet leaves commandstats out of INFO ALL and answers when asked by name.
            var commandStats = await server.InfoRawAsync("commandstats").WaitAsync(ct).ConfigureAwait(false) ?? string.Empty;
            replyBytes += System.Text.Encoding.UTF8.GetByteCount(commandStats);
            text += "\n" + commandStats;
        }
        var fields = RedisInfo.Parse(text);
        var stats = RedisInfo.ToStats(fields);
        if (!fields.ContainsKey("used_cpu_user") && Store.ProcessId is int pid && new ProcessProbe(pid).ReadCpu() is { } cpu)
        {
            // Garnet reports no CPU; a store process of ours is measured from /proc instead (all of it as user time).
            stats = stats with { UsedCpuUser = cpu.TotalSeconds, UsedCpuSys = 0 };
        }
        return new Snapshot(stats, replyBytes);
    }

    /// <summary>
    /// The store's nodes: the ones AuthBench started, or for a Redis Cluster given as a connection string every node the
    /// probe's connection found (primaries and replicas, as the cluster reports them), so its INFO is aggregated too.
    /// </summary>
    private IReadOnlyList<StoreNode> Nodes()
    {
        if (Store.Nodes.Count > 1 || Store.Kind != StoreKind.External)
        {
            return Store.Nodes;
        }
        var servers = mux.GetServers();
        if (!servers.Any(s => s.ServerType == ServerType.Cluster))
        {
            return Store.Nodes;
        }
        return [.. servers.Where(s => s.IsConnected)
            .Select(s => new StoreNode(Endpoint(s.EndPoint), s.IsReplica ? StoreNode.Replica : StoreNode.Primary, null))
            .OrderBy(n => n.Role, StringComparer.Ordinal).ThenBy(n => n.Endpoint, StringComparer.Ordinal)];
    }

    private static string Endpoint(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>
    /// A store of several nodes (replica-aof, cluster-3): INFO of every node, through the probe's connection to all of
    /// them. The snapshot's <see cref="Snapshot.Stats"/> are the primaries' sum (what trial.store reports).
    /// </summary>
    private async Task<Snapshot> ReadNodesAsync(CancellationToken ct)
    {
        var all = Nodes();
        var nodes = new List<NodeSnapshot>(all.Count);
        foreach (var node in all)
        {
            var text = await mux.GetServer(node.Endpoint).InfoRawAsync("all").WaitAsync(ct).ConfigureAwait(false) ?? string.Empty;
            nodes.Add(new NodeSnapshot(node, RedisInfo.ToStats(RedisInfo.Parse(text)), System.Text.Encoding.UTF8.GetByteCount(text)));
        }
        var primaries = nodes.Where(n => n.Node.Role == StoreNode.Primary).ToList();
        var sum = primaries.Skip(1).Aggregate(primaries[0].Stats, (total, n) => total.Plus(n.Stats));
        return new Snapshot(sum, primaries.Sum(n => n.ReplyBytes), nodes);
    }

    /// <summary>
    /// Per-request cost between two snapshots: the sum over the primaries, and for a store of several nodes each
    /// node's CPU, commands and bytes (the INFO reply each node sent for the first snapshot taken out of its bytes).
    /// </summary>
    public static StoreCost Cost(Snapshot before, Snapshot after, long requests)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var total = Cost(before.Stats, after.Stats, requests, before.ReplyBytes);
        if (before.Nodes is not { } nodesBefore || after.Nodes is not { } nodesAfter)
        {
            return total;
        }
        var perNode = new List<AuthBench.Contracts.Results.StoreNodeCost>(nodesAfter.Count);
        foreach (var now in nodesAfter)
        {
            var then = nodesBefore.FirstOrDefault(n => n.Node.Endpoint == now.Node.Endpoint);
            if (then is null)
            {
                continue;
            }
            var cost = Cost(then.Stats, now.Stats, requests, then.ReplyBytes);
            perNode.Add(new AuthBench.Contracts.Results.StoreNodeCost(now.Node.Endpoint, now.Node.Role,
                Math.Round(cost.CpuUsPerRequest, 2), Math.Round(cost.CommandsPerRequest, 4), Math.Round(cost.BytesPerRequest, 1)));
        }
        return total with { Nodes = perNode };
    }

    /// <summary>Per-request cost between two snapshots; <paramref name="infoReplyBytes"/> is the size of the first INFO reply, counted in the delta.</summary>
    public static StoreCost Cost(StoreStats before, StoreStats after, long requests, long infoReplyBytes = 0)
    {
        var delta = after.Minus(before);
        var n = Math.Max(1, requests);
        long calls = 0, usec = 0;
        var commands = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, (c, u)) in delta.CommandStats)
        {
            if (Housekeeping.Contains(name) || name.StartsWith("client|", StringComparison.Ordinal) || name.StartsWith("config|", StringComparison.Ordinal)
                || name.StartsWith("cluster|", StringComparison.Ordinal) || name.StartsWith("command|", StringComparison.Ordinal))
            {
                continue;
            }
            calls += c;
            usec += u;
            commands[name] = Math.Round((double)c / n, 4);
        }
        var bytes = Math.Max(0, delta.NetInputBytes + delta.NetOutputBytes - infoReplyBytes);
        return new StoreCost(
            (double)calls / n,
            (double)usec / n,
            (delta.UsedCpuSys + delta.UsedCpuUser) * 1_000_000.0 / n,
            (double)bytes / n,
            commands);
    }

    /// <summary>INFO counters and the size of the reply(ies) that carried them; for a store of several nodes, each node's too.</summary>
    public sealed record Snapshot(StoreStats Stats, long ReplyBytes, IReadOnlyList<NodeSnapshot>? Nodes = null);

    /// <summary>One node's INFO counters and reply size.</summary>
    public sealed record NodeSnapshot(StoreNode Node, StoreStats Stats, long ReplyBytes);
}
