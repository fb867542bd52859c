namespace AuthBench.Store.Tests;

/// <summary>
/// Docker-backed stores. With no daemon these report "skipped" with the reason, never "passed";
/// with AUTHBENCH_REQUIRE_DOCKER=1 (CI, after scripts/ci-docker.sh) a missing daemon fails them.
/// </summary>
public class DockerStoreTests
{
    private static readonly StoreOptions HostNetwork = new() { Mode = StoreMode.DockerHost, StartTimeout = TimeSpan.FromSeconds(30) };

    [SkippableFact]
    public async Task Host_network_container_serves_session_commands()
    {
        await Requirements.DockerDaemonAsync();
        await using var store = await StoreResolver.ProvisionAsync(HostNetwork);

        Assert.Equal(StoreKind.Docker, store.Kind);
        Assert.StartsWith("redis ", store.Version, StringComparison.Ordinal);
        Assert.StartsWith("docker redis", store.Describe(), StringComparison.Ordinal);
        await StoreAssertions.RoundTripAsync(store);
    }

    [SkippableFact]
    public async Task Host_network_container_restarts_on_the_same_endpoint()
    {
        await Requirements.DockerDaemonAsync();
        await using var store = await StoreResolver.ProvisionAsync(StoreOptions.Parse("docker-host") with { StartTimeout = TimeSpan.FromSeconds(30) });
        var endpoint = store.Endpoint;
        Assert.True(store.CanRestart);

        await store.StopAsync();
        Assert.False(await StoreAssertions.AnswersAsync(store));
        await store.StartAsync();

        Assert.Equal(endpoint, store.Endpoint);
        await StoreAssertions.RoundTripAsync(store);
    }

    [SkippableFact]
    public async Task Port_mapped_container_serves_session_commands()
    {
        var daemon = await Requirements.DockerDaemonAsync();
        // A daemon started with --bridge=none (scripts/ci-docker.sh) cannot map ports: that is a
        // property of the machine, so this skips even when Docker is required.
        Skip.IfNot(daemon.HasBridge, "the Docker daemon has no bridge network (--bridge=none), so port mapping cannot work here; the host-network tests cover docker mode");
        await using var store = await StoreResolver.ProvisionAsync(new StoreOptions { Mode = StoreMode.Docker, StartTimeout = TimeSpan.FromSeconds(30) });

        Assert.Equal(StoreKind.Docker, store.Kind);
        Assert.False(store.CanRestart);
        await StoreAssertions.RoundTripAsync(store);
    }

    [SkippableFact]
    public async Task Port_mapping_without_a_bridge_network_is_a_clear_error()
    {
        var daemon = await Requirements.DockerDaemonAsync();
        Skip.If(daemon.HasBridge, "this daemon has a bridge network");

        var ex = await Assert.ThrowsAsync<StoreConfigurationException>(() => StoreResolver.ProvisionAsync(new StoreOptions { Mode = StoreMode.Docker }));

        Assert.Contains("docker-host", ex.Message, StringComparison.Ordinal);
    }
}
