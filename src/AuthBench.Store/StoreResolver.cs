using AuthBench.Store.Internal;

using StackExchange.Redis;

namespace AuthBench.Store;

/// <summary>Finds or starts the store every part of AuthBench uses; the result names what it is.</summary>
public static class StoreResolver
{
    /// <summary>Env var with a connection string that auto mode uses first.</summary>
    public const string RedisEnvVar = "AUTHBENCH_REDIS";

    /// <summary>
    /// auto: AUTHBENCH_REDIS (connection string) → redis-server on PATH → a Docker daemon that answers → Garnet.
    /// Explicit modes use only that mode and fail with <see cref="StoreConfigurationException"/>.
    /// </summary>
    public static async Task<IProvisionedStore> ProvisionAsync(StoreOptions options, Action<string>? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.StartTimeout <= TimeSpan.Zero)
        {
            throw new StoreConfigurationException($"StartTimeout must be positive, not {options.StartTimeout}");
        }

        return options.Mode switch
        {
            StoreMode.External => await ExternalAsync(options.ConnectionString, "external store", options, log, ct).ConfigureAwait(false),
            StoreMode.RedisServer => await RedisServerAsync(options, log, ct).ConfigureAwait(false),
            StoreMode.Docker or StoreMode.DockerHost => await DockerModeAsync(options, log, ct).ConfigureAwait(false),
            StoreMode.Garnet => await GarnetAsync(options, log, ct).ConfigureAwait(false),
            StoreMode.Auto => await AutoAsync(options, log, ct).ConfigureAwait(false),
            StoreMode.RedisReplica => await TopologyAsync(options, cluster: false, log, ct).ConfigureAwait(false),
            StoreMode.RedisCluster => await TopologyAsync(options, cluster: true, log, ct).ConfigureAwait(false),
        };
    }

    private static async Task<IProvisionedStore> DockerModeAsync(StoreOptions options, Action<string>? log, CancellationToken ct)
    {
        var status = await DockerDaemon.ProbeAsync(ct).ConfigureAwait(false);
        if (!status.Answers)
        {
            throw new StoreConfigurationException($"store mode {options.Mode.ToName()}: {status.Detail}");
        }

        return await DockerAsync(options with { DockerHostNetwork = options.DockerHostNetwork || options.Mode == StoreMode.DockerHost }, status, log, ct).ConfigureAwait(false);
    }

    private static async Task<IProvisionedStore> AutoAsync(StoreOptions options, Action<string>? log, CancellationToken ct)
    {
        var fromEnv = Environment.GetEnvironmentVariable(RedisEnvVar);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            log?.Invoke($"store: using {RedisEnvVar}");
            return await ExternalAsync(fromEnv, $"{RedisEnvVar} store", options, log, ct).ConfigureAwait(false);
        }

        if (RedisServerStore.FindOnPath() is not null)
        {
            return await RedisServerAsync(options, log, ct).ConfigureAwait(false);
        }

        var status = await DockerDaemon.ProbeAsync(ct).ConfigureAwait(false);
        if (status.Answers)
        {
            return await DockerAsync(options, status, log, ct).ConfigureAwait(false);
        }

        log?.Invoke($"store: no redis-server on PATH and {status.Detail}; starting embedded Garnet");
        return await GarnetAsync(options, log, ct).ConfigureAwait(false);
    }

    private static async Task<IProvisionedStore> ExternalAsync(string? connectionString, string what, StoreOptions options, Action<string>? log, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StoreConfigurationException("store mode external needs a connection string (host:port,password=...)");
        }

        ConfigurationOptions parsed = StoreOptions.ValidateConnectionString(connectionString.Trim());
        var identity = await StoreProbe.IdentifyAsync(parsed, options.StartTimeout, $"cannot use {what}", ct).ConfigureAwait(false);
        var store = new ExternalStore(identity);
        log?.Invoke($"store: {((IProvisionedStore)store).Describe()}");
        return store;
    }

    private static async Task<IProvisionedStore> RedisServerAsync(StoreOptions options, Action<string>? log, CancellationToken ct)
    {
        var exe = RedisServerStore.FindOnPath()
            ?? throw new StoreConfigurationException("store mode redis-server: no redis-server on PATH (apt-get install redis-server)");
        var store = new RedisServerStore(exe, options.StartTimeout, log);
        return await StartOrDisposeAsync(store, ct).ConfigureAwait(false);
    }

    private static async Task<IProvisionedStore> TopologyAsync(StoreOptions options, bool cluster, Action<string>? log, CancellationToken ct)
    {
        var exe = RedisServerStore.FindOnPath()
            ?? throw new StoreConfigurationException($"store mode {options.Mode.ToName()}: no redis-server on PATH (apt-get install redis-server)");
        return await RedisTopologyStore.StartNewAsync(exe, cluster, options.StartTimeout, log, ct).ConfigureAwait(false);
    }

    private static async Task<IProvisionedStore> GarnetAsync(StoreOptions options, Action<string>? log, CancellationToken ct)
    {
        var store = new GarnetStore(GarnetHostLocator.Find(), options.StartTimeout, log);
        return await StartOrDisposeAsync(store, ct).ConfigureAwait(false);
    }

    private static async Task<IProvisionedStore> DockerAsync(StoreOptions options, DockerDaemon.Status status, Action<string>? log, CancellationToken ct)
    {
        DockerDaemon.ApplyTestcontainersDefaults(status);
        if (!options.DockerHostNetwork && !status.HasBridgeNetwork)
        {
            throw new StoreConfigurationException(
                $"store mode docker: the daemon has no bridge network, so ports cannot be mapped; use docker-host (host networking)");
        }

        return await DockerStore.StartNewAsync(options, log, ct).ConfigureAwait(false);
    }

    private static async Task<IProvisionedStore> StartOrDisposeAsync(ChildProcessStore store, CancellationToken ct)
    {
        try
        {
            await store.StartFirstAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
