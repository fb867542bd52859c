using System.Globalization;
using StackExchange.Redis;

namespace AuthBench.Store.Internal;

/// <summary>
/// Several private redis-server children that form one store: a primary with the AOF on and one replica
/// (<c>replica-aof</c>), or a Redis Cluster of three primaries (<c>cluster-3</c>). One password for every node; data
/// and AOF files in a temporary folder that disposal removes. Start, stop and pause act on every node.
/// </summary>
internal sealed class RedisTopologyStore : IProvisionedStore
{
    /// <summary>The topology names results carry (settings.StoreTopology, trial.StoreTopology).</summary>
    public const string ReplicaAof = "replica-aof";
    public const string Cluster3 = "cluster-3";

    private const int ClusterSize = 3;
    private const int SlotCount = 16384;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly bool _cluster;
    private readonly TimeSpan _startTimeout;
    private readonly Action<string>? _log;
    private readonly string _folder;
    private readonly List<RedisServerStore> _nodes = [];
    private readonly string _password = Secrets.NewPassword();
    private bool _disposed;

    private RedisTopologyStore(bool cluster, TimeSpan startTimeout, Action<string>? log)
    {
        _cluster = cluster;
        _startTimeout = startTimeout;
        _log = log;
        _folder = Directory.CreateTempSubdirectory("authbench-store-").FullName;
        OwnedProcesses.AddCleanup(this, () =>
        {
            RemoveFolder();
            return Task.CompletedTask;
        });
    }

    public StoreKind Kind => StoreKind.RedisServer;

    public string Version { get; private set; } = "unknown";

    public string Topology => _cluster ? Cluster3 : ReplicaAof;

    public string Endpoint => _nodes[0].Endpoint;

    /// <summary>The API's: every cluster node (StackExchange.Redis follows MOVED), or the replicated store's primary only.</summary>
    public string ConnectionString => _cluster ? ProbeConnectionString : _nodes[0].ConnectionString;

    public string ProbeConnectionString =>
        string.Join(',', _nodes.Select(n => n.Endpoint)) + $",password={_password},allowAdmin=true";

    public int? ProcessId => _nodes[0].ProcessId;

    public bool CanRestart => true;

    public IReadOnlyList<StoreNode> Nodes =>
        [.. _nodes.Select((n, i) => new StoreNode(n.Endpoint, _cluster || i == 0 ? StoreNode.Primary : StoreNode.Replica, n.ProcessId))];

    /// <summary>Starts the topology and waits (bounded) until it serves: the replica's link up, or cluster_state:ok.</summary>
    /// <param name="assignSlots">False only in tests: a cluster whose slots nobody serves never reaches cluster_state:ok.</param>
    public static async Task<IProvisionedStore> StartNewAsync(string executable, bool cluster, TimeSpan startTimeout, Action<string>? log, CancellationToken ct, bool assignSlots = true)
    {
        var store = new RedisTopologyStore(cluster, startTimeout, log);
        try
        {
            await store.StartFirstAsync(executable, assignSlots, ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartFirstAsync(string executable, bool assignSlots, CancellationToken ct)
    {
        if (_cluster)
        {
            for (var i = 0; i < ClusterSize; i++)
            {
                var node = new RedisServerStore(executable, _startTimeout, _log, new RedisNodeConfig(NodeFolder(i), Cluster: true), _password);
                _nodes.Add(node);
                await node.StartFirstAsync(ct).ConfigureAwait(false);
            }
            Version = _nodes[0].Version;
            await FormClusterAsync(assignSlots, ct).ConfigureAwait(false);
        }
        else
        {
            var primary = new RedisServerStore(executable, _startTimeout, _log, new RedisNodeConfig(NodeFolder(0), AppendOnly: true, Primary: true), _password);
            _nodes.Add(primary);
            await primary.StartFirstAsync(ct).ConfigureAwait(false);
            var replica = new RedisServerStore(executable, _startTimeout, _log, new RedisNodeConfig(NodeFolder(1), ReplicaOf: primary.Endpoint), _password);
            _nodes.Add(replica);
            await replica.StartFirstAsync(ct).ConfigureAwait(false);
            Version = primary.Version;
        }

        await WaitUntilServingAsync(ct).ConfigureAwait(false);
        _log?.Invoke($"{Kind.ToKindName()} {Version} {Topology} ready on {string.Join(", ", Nodes.Select(n => $"{n.Endpoint} ({n.Role})"))}");
    }

    /// <summary>Slots split in three ranges, then every node meets the first (CLUSTER ADDSLOTSRANGE, CLUSTER MEET).</summary>
    private async Task FormClusterAsync(bool assignSlots, CancellationToken ct)
    {
        var perNode = SlotCount / ClusterSize;
        var first = _nodes[0];
        for (var i = 0; i < _nodes.Count; i++)
        {
            var from = i * perNode;
            var to = i == _nodes.Count - 1 ? SlotCount - 1 : from + perNode - 1;
            if (assignSlots)
            {
                await ExecuteAsync(_nodes[i], ct, "CLUSTER", "ADDSLOTSRANGE", from, to).ConfigureAwait(false);
            }
            if (i > 0)
            {
                await ExecuteAsync(_nodes[i], ct, "CLUSTER", "MEET", "127.0.0.1", first.Port, first.BusPort!.Value).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitUntilServingAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_startTimeout);
        var last = "no answer yet";
        try
        {
            while (true)
            {
                last = await ServingStateAsync(timeout.Token).ConfigureAwait(false);
                if (last.Length == 0)
                {
                    return;
                }
                await Task.Delay(PollInterval, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var what = _cluster ? "the cluster did not form" : "the replica did not link to its primary";
            throw new StoreConfigurationException(
                $"store mode {(_cluster ? StoreMode.RedisCluster : StoreMode.RedisReplica).ToName()}: {what} within {_startTimeout.TotalSeconds:0.#} s ({last})");
        }
    }

    /// <summary>Empty when the topology serves; otherwise what is still missing.</summary>
    private async Task<string> ServingStateAsync(CancellationToken ct)
    {
        if (!_cluster)
        {
            var replication = RedisInfo.Parse(await InfoAsync(_nodes[1], "replication", ct).ConfigureAwait(false));
            return replication.TryGetValue("master_link_status", out var link) && link == "up" ? string.Empty : $"master_link_status:{link ?? "?"}";
        }

        foreach (var node in _nodes)
        {
            var info = RedisInfo.Parse(Verbatim((string?)await ExecuteAsync(node, ct, "CLUSTER", "INFO").ConfigureAwait(false)));
            var state = info.TryGetValue("cluster_state", out var s) ? s : "?";
            var known = info.TryGetValue("cluster_known_nodes", out var k) ? k : "?";
            if (state != "ok" || known != ClusterSize.ToString(CultureInfo.InvariantCulture))
            {
                return $"{node.Endpoint}: cluster_state:{state}, cluster_known_nodes:{known}";
            }
        }
        return string.Empty;
    }

    private async Task<string> InfoAsync(RedisServerStore node, string section, CancellationToken ct) =>
        Verbatim((string?)await ExecuteAsync(node, ct, "INFO", section).ConfigureAwait(false));

    /// <summary>Under RESP3 CLUSTER INFO and INFO are verbatim strings, which arrive with their "txt:" format prefix.</summary>
    private static string Verbatim(string? text) =>
        text is null ? string.Empty : text.StartsWith("txt:", StringComparison.Ordinal) ? text[4..] : text;

    /// <summary>One command on one node over a short-lived direct connection (no cluster routing: the node itself answers).</summary>
    private async Task<RedisResult> ExecuteAsync(RedisServerStore node, CancellationToken ct, string command, params object[] args)
    {
        var config = ConfigurationOptions.Parse(node.ConnectionString);
        config.AbortOnConnectFail = true;
        config.ConnectRetry = 1;
        config.ConnectTimeout = (int)Math.Clamp(_startTimeout.TotalMilliseconds, 1000, 10_000);
        try
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync(config).WaitAsync(_startTimeout, ct).ConfigureAwait(false);
            var server = mux.GetServer(mux.GetEndPoints()[0]);
            return await server.ExecuteAsync(command, args).WaitAsync(_startTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new StoreConfigurationException($"{Kind.ToKindName()} {Topology}: {command} {string.Join(' ', args.Take(1))} on {node.Endpoint} failed: {e.Message}", e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        for (var i = _nodes.Count - 1; i >= 0; i--)
        {
            await _nodes[i].StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var node in _nodes)
        {
            await node.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        await WaitUntilServingAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task PauseAsync(CancellationToken cancellationToken = default)
    {
        foreach (var node in _nodes)
        {
            await node.PauseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        foreach (var node in _nodes)
        {
            await node.ResumeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        for (var i = _nodes.Count - 1; i >= 0; i--)
        {
            await _nodes[i].DisposeAsync().ConfigureAwait(false);
        }
        RemoveFolder();
        OwnedProcesses.RemoveCleanup(this);
    }

    public override string ToString() => ((IProvisionedStore)this).Describe();

    private string NodeFolder(int index)
    {
        var folder = Path.Combine(_folder, $"node{index.ToString(CultureInfo.InvariantCulture)}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private void RemoveFolder()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A node that is still writing its AOF: the folder is in the temp dir and small; the next boot clears it.
        }
    }
}
