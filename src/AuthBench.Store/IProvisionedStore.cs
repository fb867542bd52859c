namespace AuthBench.Store;

/// <summary>How a store was provisioned; every result names it.</summary>
public enum StoreKind
{
    /// <summary>A connection string the user gave (standalone or Redis Cluster).</summary>
    External,
    /// <summary>A private <c>redis-server</c> child process on a free loopback port.</summary>
    RedisServer,
    /// <summary>A Redis container started through Testcontainers.</summary>
    Docker,
    /// <summary>An embedded Microsoft Garnet server in its own process.</summary>
    Garnet,
}

/// <summary>A Redis-protocol store that AuthBench found or started. Disposing stops what was started.</summary>
public interface IProvisionedStore : IAsyncDisposable
{
    StoreKind Kind { get; }

    /// <summary>Server name and version as the server reports it, e.g. "redis 7.0.15" or "garnet 2.2.8".</summary>
    string Version { get; }

    /// <summary>Topology, e.g. "standalone" or "cluster (3 primaries)".</summary>
    string Topology { get; }

    /// <summary>host:port of the (first) endpoint.</summary>
    string Endpoint { get; }

    /// <summary>A StackExchange.Redis connection string (password and allowAdmin included).</summary>
    string ConnectionString { get; }

    /// <summary>PID of the store process when AuthBench started it locally; otherwise null.</summary>
    int? ProcessId { get; }

    /// <summary>True when <see cref="StopAsync"/> and <see cref="StartAsync"/> work (the store is ours).</summary>
    bool CanRestart { get; }

    /// <summary>Stops the store process, keeping its port and password for a later <see cref="StartAsync"/>.</summary>
    Task StopAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts the store again on the same endpoint with the same password (fault scenarios).</summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Freezes the store without closing its sockets (SIGSTOP for a local process, docker pause for
    /// a container), so clients see timeouts rather than refused connections. Works when
    /// <see cref="CanRestart"/> is true.
    /// </summary>
    Task PauseAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{Kind.ToKindName()} store cannot be paused: it is not ours");

    /// <summary>Undoes <see cref="PauseAsync"/>.</summary>
    Task ResumeAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{Kind.ToKindName()} store cannot be resumed: it is not ours");

    /// <summary>
    /// Every server of the store, for per-node INFO: one primary for a standalone store; the primary and its replica,
    /// or each cluster node, for the topologies of <see cref="StoreMode.RedisReplica"/> and <see cref="StoreMode.RedisCluster"/>.
    /// </summary>
    IReadOnlyList<StoreNode> Nodes => [new StoreNode(Endpoint, StoreNode.Primary, ProcessId)];

    /// <summary>A connection string that reaches every node in <see cref="Nodes"/> (the API's may name the primary only).</summary>
    string ProbeConnectionString => ConnectionString;

    /// <summary>One line for logs and results, e.g. "redis-server redis 7.0.15 standalone @127.0.0.1:40123".</summary>
    string Describe() => $"{Kind.ToKindName()} {Version} {Topology} @{Endpoint}";
}

/// <summary>One server of a store: host:port, role (<see cref="Primary"/> or <see cref="Replica"/>), and its PID when it is ours.</summary>
public sealed record StoreNode(string Endpoint, string Role, int? ProcessId)
{
    public const string Primary = "primary";
    public const string Replica = "replica";
}
