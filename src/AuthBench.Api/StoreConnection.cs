using AuthBench.Core;
using AuthBench.Store;
using StackExchange.Redis;

namespace AuthBench.Api;

/// <summary>
/// The API's store: connected once at start-up (<see cref="InitializeAsync"/>), provisioned through the shared
/// resolver when no connection string is given, and stopped with the API when the API started it.
/// </summary>
public sealed class StoreConnection(AuthBenchOptions options) : IAsyncDisposable
{
    private IProvisionedStore? _owned;
    private ConnectionMultiplexer? _mux;

    /// <summary>What served this run, for the readiness line and results ("none" when the arm needs no store).</summary>
    public string Description { get; private set; } = "none";

    public IConnectionMultiplexer Multiplexer => _mux ?? throw new InvalidOperationException("the store is not initialised");

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        if (!options.NeedsStore || _mux is not null)
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
        _mux = await RedisConnections.ConnectAsync(store.ConnectionString).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_mux is not null)
        {
            await _mux.DisposeAsync().ConfigureAwait(false);
        }
        if (_owned is not null)
        {
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }
}
