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
}

/// <summary>The words of <see cref="StoreMode"/> on command lines and in results.</summary>
public static class StoreModes
{
    /// <summary>The modes a user can name (External is given as a connection string instead).</summary>
    public static readonly IReadOnlyList<StoreMode> Named = [StoreMode.Auto, StoreMode.RedisServer, StoreMode.Docker, StoreMode.DockerHost, StoreMode.Garnet];

    /// <summary>"auto, redis-server, docker, docker-host, garnet": for messages.</summary>
    public static string NameList => string.Join(", ", Named.Select(ToName));

    public static string ToName(this StoreMode mode) => mode switch
    {
        StoreMode.Auto => "auto",
        StoreMode.RedisServer => "redis-server",
        StoreMode.Docker => "docker",
        StoreMode.DockerHost => "docker-host",
        StoreMode.Garnet => "garnet",
        StoreMode.External => "external",
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
