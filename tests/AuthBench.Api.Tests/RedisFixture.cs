using AuthBench.Store;

namespace AuthBench.Api.Tests;

/// <summary>
/// A store from the product's own resolver (AUTHBENCH_TEST_STORE picks a mode; default auto), so a fresh machine
/// without Redis still runs the tests. Each fixture owns its store: an outage in one class never touches another.
/// </summary>
public class RedisFixture : IAsyncLifetime
{
    private IProvisionedStore? _store;

    public IProvisionedStore Store => _store ?? throw new InvalidOperationException("store not started");

    public string ConnectionString => Store.ConnectionString;

    public virtual async Task InitializeAsync()
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
}

/// <summary>A store the tests may stop and start: a private redis-server (or Garnet) that AuthBench owns.</summary>
public sealed class RestartableRedisFixture : RedisFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Store.CanRestart)
        {
            throw new InvalidOperationException($"outage tests need a store AuthBench owns; got {Store.Describe()}");
        }
    }
}
