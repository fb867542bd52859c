using StackExchange.Redis;

namespace AuthBench.Store.Tests;

/// <summary>What every provisioned store must do for AuthBench: the session commands, and INFO.</summary>
internal static class StoreAssertions
{
    public static async Task RoundTripAsync(IProvisionedStore store)
    {
        Assert.StartsWith("127.0.0.1:", store.Endpoint, StringComparison.Ordinal);
        Assert.Contains("allowAdmin=true", store.ConnectionString, StringComparison.OrdinalIgnoreCase);

        await using var mux = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString);
        var db = mux.GetDatabase();
        var key = "sess:" + Guid.NewGuid().ToString("N");
        var before = await RedisInfo.ReadStatsAsync(store, mux);

        Assert.True(await db.StringSetAsync(key, "user-42"));
        Assert.Equal("user-42", (string?)await db.StringGetAsync(key));
        Assert.True(await db.KeyExpireAsync(key, TimeSpan.FromSeconds(120)));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(120));
        Assert.True(await db.KeyDeleteAsync(key));
        Assert.True((await db.StringGetAsync(key)).IsNull);

        if (store.Version.StartsWith("garnet", StringComparison.Ordinal))
        {
            // Garnet's metrics monitor samples its counters once a second.
            await Task.Delay(TimeSpan.FromSeconds(1.2));
        }

        var after = await RedisInfo.ReadStatsAsync(store, mux);
        var delta = after.Minus(before);
        Assert.True(delta.TotalCommands >= 6, $"expected >= 6 commands, INFO says {delta.TotalCommands}");
        Assert.True(after.CommandStats.TryGetValue("set", out var set) && set.Calls >= 1, "commandstats has no SET");
        Assert.True(after.CommandStats.ContainsKey("get"), "commandstats has no GET");
        Assert.True(delta.NetInputBytes > 0);
        Assert.True(delta.KeyspaceHits >= 1);
    }

    /// <summary>True when the store answers PING within a few seconds.</summary>
    public static async Task<bool> AnswersAsync(IProvisionedStore store)
    {
        try
        {
            var options = ConfigurationOptions.Parse(store.ConnectionString);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 2000;
            options.ConnectRetry = 1;
            await using var mux = await ConnectionMultiplexer.ConnectAsync(options);
            await mux.GetDatabase().PingAsync();
            return true;
        }
        catch (RedisConnectionException)
        {
            return false;
        }
    }
}
