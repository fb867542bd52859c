using AuthBench.Core;
using AuthBench.Store;
using StackExchange.Redis;

namespace AuthBench.Api;

/// <summary>
/// The API's store: connected once at start-up (<see cref="InitializeAsync"/>), provisioned through the shared
/// resolver when no connection string is given, and stopped with the API when the API started it. With
/// <c>--store-connections N</c> it opens N multiplexers (N client connections to each store node), which the arms that
/// call the store themselves use in turn (<see cref="Databases"/>); libraries that take one multiplexer get the first.
/// </summary>
public sealed class StoreConnection(AuthBenchOptions options) : IAsyncDisposable
{
    private IProvisionedStore? _owned;
    private RedisDatabases? _databases;

    /// <summary>What served this run, for the readiness line and results ("none" when the arm needs no store).</summary>
    public string Description { get; private set; } = "none";

    /// <summary>The first multiplexer: FusionCache's near caches and their backplane (a library that takes one multiplexer).</summary>
    public IConnectionMultiplexer Multiplexer => Databases.First;

    /// <summary>Every multiplexer, handed out round robin per store command.</summary>
    public RedisDatabases Databases => _databases ?? throw new InvalidOperationException("the store is not initialised");

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        if (!options.NeedsStore || _databases is not null)
        {
            return;
        }
        var storeOptions = options.Redis is not null
            ? StoreOptions.Parse(options.Redis)
            : StoreOptions.Parse(options.Store);
        var store = await StoreResolver.ProvisionAsync(storeOptions, log: null, ct).ConfigureAwait(false);
        if (store.Kind != StoreKind.External)
        {
            _owned = store;
        }
        Description = $"{store.Kind.ToKindName()} {store.Version}";
        var multiplexers = new List<IConnectionMultiplexer>(options.StoreConnections);
        try
        {
            for (var i = 0; i < options.StoreConnections; i++)
            {
                multiplexers.Add(await RedisConnections.ConnectAsync(store.ConnectionString).ConfigureAwait(false));
            }
            // A store that answered the first connection is up; on a loaded machine another may still be in its handshake
            // after the connect timeout (it goes on in the background), and a request routed to it would fail closed
            // (503) although the store is there. Wait for them, bounded; a store down at start is not waited for.
            if (multiplexers[0].IsConnected)
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(4 * RedisConnections.TimeoutMs);
                while (multiplexers.Any(m => !m.IsConnected) && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(25, ct).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            foreach (var mux in multiplexers)
            {
                await mux.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
        _databases = new RedisDatabases(multiplexers);
    }

    public async ValueTask DisposeAsync()
    {
        if (_databases is not null)
        {
            foreach (var mux in _databases.Multiplexers)
            {
                await mux.DisposeAsync().ConfigureAwait(false);
            }
        }
        if (_owned is not null)
        {
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }
}
