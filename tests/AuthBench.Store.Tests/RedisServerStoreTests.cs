using System.Diagnostics;

using StackExchange.Redis;

namespace AuthBench.Store.Tests;

public class RedisServerStoreTests
{
    private static readonly StoreOptions Options = new() { Mode = StoreMode.RedisServer, StartTimeout = TimeSpan.FromSeconds(20) };

    [SkippableFact]
    public async Task Starts_a_private_redis_server_that_serves_session_commands()
    {
        Requirements.RedisServer();
        await using var store = await StoreResolver.ProvisionAsync(Options);

        Assert.Equal(StoreKind.RedisServer, store.Kind);
        Assert.StartsWith("redis 7", store.Version, StringComparison.Ordinal);
        Assert.Equal("standalone", store.Topology);
        Assert.NotNull(store.ProcessId);
        Assert.True(store.CanRestart);
        Assert.StartsWith($"redis-server {store.Version} standalone @127.0.0.1:", store.Describe(), StringComparison.Ordinal);
        await StoreAssertions.RoundTripAsync(store);
    }

    [SkippableFact]
    public async Task Requires_the_random_password()
    {
        Requirements.RedisServer();
        await using var store = await StoreResolver.ProvisionAsync(Options);
        var withoutPassword = ConfigurationOptions.Parse(store.Endpoint);
        withoutPassword.AbortOnConnectFail = true;
        withoutPassword.ConnectRetry = 1;

        var ex = await Record.ExceptionAsync(async () =>
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync(withoutPassword);
            await mux.GetDatabase().StringGetAsync("k");
        });

        Assert.True(ex is RedisConnectionException or RedisServerException, $"expected an authentication failure, got {ex?.GetType().Name ?? "none"}");
    }

    [SkippableFact]
    public async Task Stop_and_start_restart_on_the_same_endpoint()
    {
        Requirements.RedisServer();
        await using var store = await StoreResolver.ProvisionAsync(Options);
        var endpoint = store.Endpoint;
        var firstPid = store.ProcessId!.Value;

        await store.StopAsync();
        Assert.False(await StoreAssertions.AnswersAsync(store));
        Assert.Null(store.ProcessId);
        Assert.True(HasExited(firstPid));

        await store.StartAsync();
        Assert.Equal(endpoint, store.Endpoint);
        Assert.NotEqual(firstPid, store.ProcessId);
        await StoreAssertions.RoundTripAsync(store);
    }

    [SkippableFact]
    public async Task Pause_freezes_the_server_until_resumed()
    {
        Requirements.RedisServer();
        await using var store = await StoreResolver.ProvisionAsync(Options);
        var options = ConfigurationOptions.Parse(store.ConnectionString);
        options.SyncTimeout = options.AsyncTimeout = 500;
        await using var mux = await ConnectionMultiplexer.ConnectAsync(options);

        await store.PauseAsync();
        await Assert.ThrowsAnyAsync<TimeoutException>(() => mux.GetDatabase().PingAsync());
        await store.ResumeAsync();

        await mux.GetDatabase().PingAsync();
    }

    [SkippableFact]
    public async Task Dispose_stops_the_process()
    {
        Requirements.RedisServer();
        var store = await StoreResolver.ProvisionAsync(Options);
        var pid = store.ProcessId!.Value;

        await store.DisposeAsync();

        Assert.True(HasExited(pid));
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
