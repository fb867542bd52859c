namespace AuthBench.Store.Tests;

public class ExternalStoreTests
{
    [Fact]
    public async Task A_connection_string_is_used_as_it_is_and_identified()
    {
        await using var owned = await StoreResolver.ProvisionAsync(Requirements.AnyLocalStore());
        var options = StoreOptions.Parse(owned.ConnectionString);

        await using var store = await StoreResolver.ProvisionAsync(options);

        Assert.Equal(StoreKind.External, store.Kind);
        Assert.Equal(owned.Version, store.Version);
        Assert.Equal("standalone", store.Topology);
        Assert.Equal(owned.Endpoint, store.Endpoint);
        Assert.Null(store.ProcessId);
        Assert.False(store.CanRestart);
        await Assert.ThrowsAsync<NotSupportedException>(() => store.StopAsync());
        Assert.StartsWith($"external {owned.Version} standalone @{owned.Endpoint}", store.Describe(), StringComparison.Ordinal);
        await StoreAssertions.RoundTripAsync(store);
    }

    [Fact]
    public async Task Wrong_password_is_a_clear_error_naming_the_endpoint()
    {
        await using var owned = await StoreResolver.ProvisionAsync(Requirements.AnyLocalStore());
        var options = StoreOptions.Parse($"{owned.Endpoint},password=wrong-password");

        var ex = await Assert.ThrowsAsync<StoreConfigurationException>(() => StoreResolver.ProvisionAsync(options with { StartTimeout = TimeSpan.FromSeconds(5) }));

        Assert.Contains(owned.Endpoint, ex.Message, StringComparison.Ordinal);
        Assert.Contains("authentication", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("wrong-password", ex.Message, StringComparison.Ordinal);
        AssertOneLineWithoutStackTrace(ex.Message);
    }

    [Fact]
    public async Task Unreachable_endpoint_is_a_clear_error_naming_it()
    {
        var port = FreePort();
        var options = StoreOptions.Parse($"127.0.0.1:{port}") with { StartTimeout = TimeSpan.FromSeconds(3) };

        var ex = await Assert.ThrowsAsync<StoreConfigurationException>(() => StoreResolver.ProvisionAsync(options));

        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        AssertOneLineWithoutStackTrace(ex.Message);
    }

    [Fact]
    public async Task Auto_takes_a_working_store()
    {
        await using var store = await StoreResolver.ProvisionAsync(new StoreOptions());

        // Which one depends on the machine (AUTHBENCH_REDIS, redis-server on PATH, Docker, Garnet).
        Assert.Contains(store.Kind, Enum.GetValues<StoreKind>());
        await StoreAssertions.RoundTripAsync(store);
    }

    private static void AssertOneLineWithoutStackTrace(string message)
    {
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain(" at StackExchange", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
