namespace AuthBench.Store.Tests;

public class GarnetStoreTests
{
    private static readonly StoreOptions Options = new() { Mode = StoreMode.Garnet, StartTimeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public void The_garnet_host_is_copied_next_to_every_referencing_project()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "garnet");

        Assert.True(File.Exists(Path.Combine(dir, "AuthBench.GarnetHost.dll")));
        Assert.True(File.Exists(Path.Combine(dir, "AuthBench.GarnetHost.runtimeconfig.json")));
        Assert.True(File.Exists(Path.Combine(dir, "AuthBench.GarnetHost.deps.json")));
        Assert.True(File.Exists(Path.Combine(dir, "Garnet.server.dll")));
    }

    [Fact]
    public async Task Starts_garnet_in_its_own_process_and_serves_session_commands()
    {
        await using var store = await StoreResolver.ProvisionAsync(Options);

        Assert.Equal(StoreKind.Garnet, store.Kind);
        Assert.Equal("garnet 2.2.8", store.Version);
        Assert.NotNull(store.ProcessId);
        Assert.NotEqual(Environment.ProcessId, store.ProcessId);
        Assert.StartsWith("garnet garnet 2.2.8 standalone @127.0.0.1:", store.Describe(), StringComparison.Ordinal);
        await StoreAssertions.RoundTripAsync(store);
    }

    [Fact]
    public async Task Stop_and_start_restart_on_the_same_endpoint()
    {
        await using var store = await StoreResolver.ProvisionAsync(Options);
        var endpoint = store.Endpoint;

        await store.StopAsync();
        Assert.False(await StoreAssertions.AnswersAsync(store));
        await store.StartAsync();

        Assert.Equal(endpoint, store.Endpoint);
        await StoreAssertions.RoundTripAsync(store);
    }
}
