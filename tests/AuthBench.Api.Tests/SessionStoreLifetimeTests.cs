using AuthBench.Core;
using StackExchange.Redis;

namespace AuthBench.Api.Tests;

/// <summary>
/// RedisSessionStore's timeouts at the Core level, with a clock the test moves: the absolute lifetime holds however
/// active the session is, and near its end the store's TTL is capped so the key does not outlive it.
/// </summary>
public sealed class SessionStoreLifetimeTests(StoreFixture redis) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private ConnectionMultiplexer _mux = null!;

    // Default client timeouts, not the product's 500 ms fail-fast ones: these tests are about lifetimes, and a busy
    // test machine must not turn a slow reply into a failure.
    public async Task InitializeAsync() => _mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _mux.DisposeAsync();

    private static Dictionary<string, object> Claims(string sub) => new() { [ClaimProfiles.Sub] = sub };

    [Fact]
    public async Task Absolute_lifetime_ends_an_active_session()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var store = new RedisSessionStore(_mux, TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), clock);
        var id = await store.CreateAsync(Claims("user51"));

        // Active every 20 minutes: the idle timeout never fires, the absolute lifetime does.
        for (var minutes = 20; minutes < 60; minutes += 20)
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            Assert.NotNull(await store.GetAsync(id));
        }
        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Null(await store.GetAsync(id));
        Assert.Null(store.Get(id));
        // The expired session is deleted, not merely ignored (fire-and-forget: wait for it, bounded).
        for (var i = 0; i < 100 && await _mux.GetDatabase().KeyExistsAsync(RedisSessionStore.KeyPrefix + id); i++)
        {
            await Task.Delay(10);
        }
        Assert.False(await _mux.GetDatabase().KeyExistsAsync(RedisSessionStore.KeyPrefix + id));
    }

    [Fact]
    public async Task Exactly_at_the_absolute_expiry_the_session_is_over()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var store = new RedisSessionStore(_mux, TimeSpan.FromHours(2), TimeSpan.FromHours(1), clock);
        var id = await store.CreateAsync(Claims("user52"));
        clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await store.GetAsync(id));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetAsync(id));
    }

    [Fact]
    public async Task Store_ttl_never_outlives_the_absolute_lifetime()
    {
        // Real clock, a 20-second absolute lifetime under a 30-minute idle timeout.
        var store = new RedisSessionStore(_mux, TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(20));
        var id = await store.CreateAsync(Claims("user53"));
        Assert.NotNull(await store.GetAsync(id));
        var key = RedisSessionStore.KeyPrefix + id;
        TimeSpan? ttl = null;
        for (var i = 0; i < 100; i++)
        {
            ttl = await _mux.GetDatabase().KeyTimeToLiveAsync(key);
            if (ttl <= TimeSpan.FromSeconds(21))
            {
                break;
            }
            await Task.Delay(10);
        }
        Assert.NotNull(ttl);
        Assert.True(ttl <= TimeSpan.FromSeconds(21), $"TTL {ttl} outlives the 20 s absolute lifetime");
    }

    [Fact]
    public async Task New_session_ttl_is_the_idle_timeout()
    {
        var store = new RedisSessionStore(_mux, TimeSpan.FromMinutes(7), TimeSpan.FromHours(8));
        var id = await store.CreateAsync(Claims("user54"));
        var ttl = await _mux.GetDatabase().KeyTimeToLiveAsync(RedisSessionStore.KeyPrefix + id);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(7));
    }

    [Fact]
    public async Task Delete_then_get_never_resurrects_the_session()
    {
        var store = new RedisSessionStore(_mux);
        var id = await store.CreateAsync(Claims("user55"));
        Assert.True(await store.DeleteAsync(id));
        Assert.Null(await store.GetAsync(id));
        Assert.False(await _mux.GetDatabase().KeyExistsAsync(RedisSessionStore.KeyPrefix + id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"iat\":1,\"abs\":\"x\",\"c\":{\"sub\":\"user1\"}}")]
    [InlineData("{\"iat\":1,\"abs\":99999999999,\"c\":{}}")]
    [InlineData("{\"iat\":1,\"c\":{\"sub\":\"user1\"}}")]
    public async Task Foreign_or_corrupt_store_value_reads_as_no_session(string value)
    {
        var store = new RedisSessionStore(_mux);
        var id = RedisSessionStore.NewId();
        await _mux.GetDatabase().StringSetAsync(RedisSessionStore.KeyPrefix + id, value, TimeSpan.FromMinutes(1));
        Assert.Null(await store.GetAsync(id));
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
