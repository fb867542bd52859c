namespace AuthBench.Store;

/// <summary>How the resolver finds or starts the store: one value per <c>--store</c> word, plus a connection string.</summary>
public enum StoreMode
{
    /// <summary>AUTHBENCH_REDIS, else redis-server on PATH, else a Docker daemon that answers, else embedded Garnet.</summary>
    Auto,
    /// <summary>A private redis-server child process.</summary>
    RedisServer,
    /// <summary>A Redis container, port-mapped to loopback.</summary>
    Docker,
    /// <summary>A Redis container on the host network (loopback-only daemons, Linux CI).</summary>
    DockerHost,
    /// <summary>Embedded Garnet in its own process.</summary>
    Garnet,
    /// <summary>An explicit connection string.</summary>
    External,
    /// <summary>Two private redis-server children: a primary with the AOF on (appendfsync everysec) and one replica of it.</summary>
    RedisReplica,
    /// <summary>A Redis Cluster of three private redis-server primaries (all 16384 slots assigned).</summary>
    RedisCluster,
}

/// <summary>The words of <see cref="StoreMode"/> on command lines and in results.</summary>
public static class StoreModes
{
    /// <summary>The modes a user can name (External is given as a connection string instead).</summary>
    public static readonly IReadOnlyList<StoreMode> Named = [StoreMode.Auto, StoreMode.RedisServer, StoreMode.Docker, StoreMode.DockerHost, StoreMode.Garnet, StoreMode.RedisReplica, StoreMode.RedisCluster];

    /// <summary>"auto, redis-server, docker, docker-host, garnet, redis-replica, redis-cluster": for messages.</summary>
    public static string NameList => string.Join(", ", Named.Select(ToName));

    public static string ToName(this StoreMode mode) => mode switch
    {
        StoreMode.Auto => "auto",
        StoreMode.RedisServer => "redis-server",
        StoreMode.Docker => "docker",
        StoreMode.DockerHost => "docker-host",
        StoreMode.Garnet => "garnet",
        StoreMode.External => "external",
        StoreMode.RedisReplica => "redis-replica",
        StoreMode.RedisCluster => "redis-cluster",
    };

    /// <summary>True when <paramref name="text"/> names a mode (case-insensitive); a connection string is not one.</summary>
    public static bool TryParse(string? text, out StoreMode mode)
    {
        var t = text?.Trim();
        foreach (var m in Named)
        {
            if (m.ToName().Equals(t, StringComparison.OrdinalIgnoreCase))
            {
                mode = m;
                return true;
            }
        }
        mode = StoreMode.External;
        return false;
    }
}
