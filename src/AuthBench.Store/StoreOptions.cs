using StackExchange.Redis;

namespace AuthBench.Store;

/// <summary>How to find or start the Redis-protocol store (see <see cref="StoreResolver"/>).</summary>
public sealed record StoreOptions
{
    /// <summary>The image <c>scripts/ci-docker.sh</c> builds from Debian's redis-server when none can be pulled.</summary>
    public const string LocalImage = "authbench/redis:7-local";

    public StoreMode Mode { get; init; } = StoreMode.Auto;

    /// <summary>StackExchange.Redis connection string, for mode external.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Docker mode: host networking instead of port mapping (loopback-only daemons, Linux CI); always true for <see cref="StoreMode.DockerHost"/>.</summary>
    public bool DockerHostNetwork { get; init; }

    /// <summary>Image for docker mode; env AUTHBENCH_REDIS_IMAGE overrides the default.</summary>
    public string DockerImage { get; init; } = DefaultDockerImage();

    /// <summary>Upper bound for starting a store and for the first connection to it.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Parses a --store/--redis value: "auto", "redis-server", "docker", "docker-host", "garnet",
    /// or anything else as a connection string (external).
    /// </summary>
    /// <exception cref="StoreConfigurationException">Empty input or an unparseable connection string.</exception>
    public static StoreOptions Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new StoreConfigurationException(
                $"empty store value: use {StoreModes.NameList} or a Redis connection string (host:port,password=...)");
        }

        var trimmed = value.Trim();
        if (StoreModes.TryParse(trimmed, out var mode))
        {
            return new StoreOptions { Mode = mode, DockerHostNetwork = mode == StoreMode.DockerHost };
        }
        if (trimmed.Equals(StoreMode.External.ToName(), StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreConfigurationException("store 'external' needs a connection string instead, e.g. 127.0.0.1:6379,password=...");
        }

        ValidateConnectionString(trimmed);
        return new StoreOptions { Mode = StoreMode.External, ConnectionString = trimmed };
    }

    internal static ConfigurationOptions ValidateConnectionString(string connectionString)
    {
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or RedisConnectionException)
        {
            throw new StoreConfigurationException($"invalid Redis connection string '{Redact(connectionString)}': {ex.Message}", ex);
        }

        if (parsed.EndPoints.Count == 0)
        {
            throw new StoreConfigurationException(
                $"invalid store value '{Redact(connectionString)}': not a mode ({StoreModes.NameList}) and no host:port in it");
        }

        return parsed;
    }

    /// <summary>Connection strings go into messages and logs; passwords must not.</summary>
    internal static string Redact(string connectionString)
    {
        var parts = connectionString.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = "password=***";
            }
        }

        return string.Join(',', parts);
    }

    private static string DefaultDockerImage()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AUTHBENCH_REDIS_IMAGE");
        return string.IsNullOrWhiteSpace(fromEnv) ? LocalImage : fromEnv.Trim();
    }
}
