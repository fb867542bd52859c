using System.Diagnostics;
using AuthBench.Api.Arms.NearCaching;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.Extensions.Time.Testing;

namespace AuthBench.Api.Tests;

/// <summary>
/// The near cache itself (<see cref="NearCache{TValue}"/>, with its heartbeat backplane on a real store) with the
/// lease and the heartbeats on a fake clock: a copy is served while the lease holds, never once it ran out with the
/// store silent, and not again after the store came back (the epoch moved). The wall clock only bounds waits for the
/// store's round trips; what the test asserts is decided by the fake clock.
/// </summary>
public sealed class NearCacheFakeClockTests(StoreFixture redis) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private static readonly NearCacheSpec Spec = ArmCatalogue.SessionCached.NearCache!;

    private static readonly TimeSpan LongTtl = TimeSpan.FromMinutes(10);

    public Task InitializeAsync() => redis.EnsureUpAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("stopped")]
    [InlineData("paused")]
    public async Task With_the_store_silent_no_copy_is_served_after_the_lease_nor_after_the_store_returns(string how)
    {
        var stopped = how == "stopped";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // The product's connection, with its fail-fast timeouts, as the API's near cache uses it.
        await using var mux = await RedisConnections.ConnectAsync(redis.ConnectionString);
        await using var cache = new NearCache<string?>("fake-clock-" + Guid.NewGuid().ToString("N"), mux, Spec, LongTtl, time);
        var loads = 0;
        var storeDown = false;
        var value = "v1";
        Task<string?> Load(string key)
        {
            Interlocked.Increment(ref loads);
            // What the arm's own store lookup does while the store is down: fail closed.
            return storeDown ? throw new StoreUnavailableException("store down (test)") : Task.FromResult<string?>(value);
        }
        TimeSpan Keep(string? v) => LongTtl;

        // The first heartbeat is published at construction and comes back over the real store.
        await BeatUntilFreshAsync(cache, time, "the first heartbeat never came back");
        var epoch = cache.Counters.Epoch;
        Assert.Equal("v1", await cache.GetAsync("user1", Load, Keep));
        Assert.Equal("v1", await cache.GetAsync("user1", Load, Keep));
        Assert.Equal(1, loads);

        await (stopped ? redis.StopAsync() : redis.PauseAsync());
        storeDown = true;
        try
        {
            // Just inside the lease (counted from the last heartbeat's send time): the copy is still served. The
            // heartbeats the timer publishes meanwhile cannot come back.
            time.Advance(Spec.Lease - TimeSpan.FromMilliseconds(1));
            Assert.True(cache.Counters.LeaseFresh);
            Assert.Equal("v1", await cache.GetAsync("user1", Load, Keep));
            Assert.Equal(1, loads);

            // Past it: every read goes to the store, which fails closed; no copy is served, however often asked.
            time.Advance(TimeSpan.FromMilliseconds(2));
            Assert.False(cache.Counters.LeaseFresh);
            for (var i = 0; i < 3; i++)
            {
                await Assert.ThrowsAsync<StoreUnavailableException>(async () => await cache.GetAsync("user1", Load, Keep));
            }
            Assert.Equal(4, loads);

            // Still silent much later (the TTL has not run out: only the lease keeps the copy from being served).
            time.Advance(TimeSpan.FromSeconds(30));
            await Assert.ThrowsAsync<StoreUnavailableException>(async () => await cache.GetAsync("user1", Load, Keep));
            Assert.Equal(5, loads);
        }
        finally
        {
            await (stopped ? redis.StartAsync() : redis.ResumeAsync());
        }

        // The store is back and heartbeats come back again (each fake interval publishes one): the lease holds again
        // under a new epoch, so the copy from before the gap is never served; the store's current value is.
        storeDown = false;
        value = "v2";
        await BeatUntilFreshAsync(cache, time, "no heartbeat came back after the store returned");
        Assert.True(cache.Counters.Epoch > epoch);
        var before = loads;
        Assert.Equal("v2", await cache.GetAsync("user1", Load, Keep));
        Assert.Equal(before + 1, loads);
    }

    /// <summary>
    /// Waits (wall clock, up to 15 s: store round trips and a reconnect are real) until the lease holds, moving the fake
    /// clock one heartbeat interval on (so the timer publishes the next heartbeat) only after a wait of 300 ms, so a
    /// heartbeat on its way is never made older than the lease by the test itself.
    /// </summary>
    private static async Task BeatUntilFreshAsync(NearCache<string?> cache, FakeTimeProvider time, string failure)
    {
        var clock = Stopwatch.StartNew();
        var waited = Stopwatch.StartNew();
        while (!cache.Counters.LeaseFresh)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), failure);
            if (waited.Elapsed > TimeSpan.FromMilliseconds(300))
            {
                time.Advance(Spec.HeartbeatInterval);
                waited.Restart();
            }
            await Task.Delay(10);
        }
    }
}
