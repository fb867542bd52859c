using AuthBench.Store;
using StackExchange.Redis;

namespace AuthBench.TestSupport;

/// <summary>
/// A store from the product's own resolver (<c>AUTHBENCH_TEST_STORE</c> picks a mode; default auto, which falls back
/// to an embedded Garnet), so a fresh machine with only the .NET SDK still runs the tests. Each fixture owns its
/// store: an outage in one test class never touches another.
/// </summary>
public sealed class StoreFixture : IAsyncLifetime
{
    private IProvisionedStore? _store;

    public IProvisionedStore Store => _store ?? throw new InvalidOperationException("store not started");

    public string ConnectionString => Store.ConnectionString;

    /// <summary>Whether the outage methods work: the store is a process AuthBench started.</summary>
    public bool CanRestart => Store.CanRestart;

    private IProvisionedStore Restartable => CanRestart
        ? Store
        : throw new InvalidOperationException($"outage tests need a store AuthBench owns; got {Store.Describe()}");

    public async Task InitializeAsync()
    {
        var mode = Environment.GetEnvironmentVariable("AUTHBENCH_TEST_STORE");
        _store = await StoreResolver.ProvisionAsync(StoreOptions.Parse(string.IsNullOrWhiteSpace(mode) ? "auto" : mode));
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>Stops the store process (connections are refused); <see cref="StartAsync"/> brings it back empty.</summary>
    public Task StopAsync() => Restartable.StopAsync();

    public Task StartAsync() => Restartable.StartAsync();

    /// <summary>SIGSTOP: the store keeps its connections open and never answers; <see cref="ResumeAsync"/> keeps its data.</summary>
    public Task PauseAsync() => Restartable.PauseAsync();

    public Task ResumeAsync() => Restartable.ResumeAsync();

    /// <summary>Starts the store again if a test left it stopped.</summary>
    public async Task EnsureUpAsync()
    {
        if (CanRestart && !await IsUpAsync())
        {
            await Store.StartAsync();
        }
    }

    /// <summary>A connection of the test's own, with the client's default timeouts (not the product's fail-fast ones).</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    private async Task<bool> IsUpAsync()
    {
        try
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",abortConnect=false,connectTimeout=500");
            return mux.IsConnected;
        }
        catch (RedisException)
        {
            return false;
        }
    }
}
