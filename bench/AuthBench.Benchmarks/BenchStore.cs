using AuthBench.Core;
using AuthBench.Store;
using StackExchange.Redis;

namespace AuthBench.Benchmarks;

/// <summary>
/// The store the session benchmarks measure. The host process provisions it once per run (so every benchmark
/// process talks to the same server and the summary can name it) and hands it to BenchmarkDotNet's child
/// processes through environment variables, which they inherit.
/// </summary>
public static class BenchStore
{
    public const string ConnectionEnvVar = "AUTHBENCH_BENCH_REDIS";
    public const string DescriptionEnvVar = "AUTHBENCH_BENCH_STORE";

    /// <summary>"kind version topology", e.g. "redisserver redis 7.0.15 standalone"; null when no store was provisioned.</summary>
    public static string? Description => Environment.GetEnvironmentVariable(DescriptionEnvVar);

    public static string Describe(IProvisionedStore store) => $"{store.Kind.ToKindName()} {store.Version} {store.Topology}";

    /// <summary>Host side: finds or starts the store (<c>--store</c>, default auto) and publishes it to child processes.</summary>
    public static async Task<IProvisionedStore> ProvisionForRunAsync(string mode, Action<string>? log)
    {
        var store = await StoreResolver.ProvisionAsync(StoreOptions.Parse(mode), log).ConfigureAwait(false);
        Environment.SetEnvironmentVariable(ConnectionEnvVar, store.ConnectionString);
        Environment.SetEnvironmentVariable(DescriptionEnvVar, Describe(store));
        return store;
    }
}

/// <summary>
/// Benchmark side: a multiplexer with the API's own settings (<see cref="RedisConnections.Configure"/>) to the run's
/// store, or, when the class runs without the host (another runner), to a store provisioned here and stopped on dispose.
/// </summary>
public sealed class StoreLease : IAsyncDisposable
{
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(15);
    private readonly IProvisionedStore? _owned;

    private StoreLease(ConnectionMultiplexer multiplexer, string connectionString, IProvisionedStore? owned)
    {
        Multiplexer = multiplexer;
        ConnectionString = connectionString;
        _owned = owned;
    }

    public ConnectionMultiplexer Multiplexer { get; }

    public string ConnectionString { get; }

    public static async Task<StoreLease> OpenAsync()
    {
        IProvisionedStore? owned = null;
        var connectionString = Environment.GetEnvironmentVariable(BenchStore.ConnectionEnvVar);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            owned = await StoreResolver.ProvisionAsync(StoreOptions.Parse("auto")).ConfigureAwait(false);
            connectionString = owned.ConnectionString;
        }
        var mux = await RedisConnections.ConnectAsync(connectionString).ConfigureAwait(false);
        // The API's settings fail fast (a 500 ms connect timeout) and keep retrying in the background; a benchmark's
        // set-up on a busy machine may need longer for its first connection, so it waits for it, boundedly.
        var deadline = DateTime.UtcNow + ConnectWait;
        while (!mux.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
        }
        if (!mux.IsConnected)
        {
            await mux.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the session store does not answer within {ConnectWait.TotalSeconds:0} s; see the store line printed at the start of the run");
        }
        return new StoreLease(mux, connectionString, owned);
    }

    public async ValueTask DisposeAsync()
    {
        await Multiplexer.DisposeAsync().ConfigureAwait(false);
        if (_owned is not null)
        {
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }
}
