using AuthBench.Contracts.Arms;
using AuthBench.Core;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;

namespace AuthBench.Api.Arms.NearCaching;

/// <summary>What a near cache did so far: for tests, benchmarks and (through a metrics endpoint, later) the load tool.</summary>
/// <param name="Hits">Reads answered from memory.</param>
/// <param name="Misses">Reads that went to the store (absent, expired, or not servable: no lease, older epoch).</param>
/// <param name="InvalidationsPublished">Invalidations this instance published (logout, revoke, plan change).</param>
/// <param name="InvalidationsReceived">Invalidations other instances published that reached this one.</param>
/// <param name="PopulationsUndone">Store reads whose result was dropped again because an invalidation arrived meanwhile.</param>
/// <param name="LeaseFresh">Whether this instance may serve from memory right now.</param>
/// <param name="Epoch">How many times the lease was gained (first heartbeat) or regained after running out.</param>
public readonly record struct NearCacheCounters(
    long Hits, long Misses, long InvalidationsPublished, long InvalidationsReceived, long PopulationsUndone, bool LeaseFresh, long Epoch);

/// <summary>
/// A near cache in front of one store lookup: FusionCache in process memory (no distributed level: the store stays
/// the arm's own code) with FusionCache's StackExchange.Redis backplane, on the API's store connection. Reads are
/// served from memory only under the <see cref="NearCacheLease"/>; otherwise they read the store, which fails
/// closed (<see cref="StoreUnavailableException"/>) when it is down. Invalidations are published before they return,
/// and a publish that fails is a <see cref="StoreUnavailableException"/> too, never a silent success.
/// </summary>
public sealed class NearCache<TValue> : IAsyncDisposable
{
    private readonly FusionCache _cache;
    private readonly HeartbeatBackplane _backplane;
    private readonly NearCacheLease _lease;
    private readonly FusionCacheEntryOptions _populate;
    private readonly FusionCacheEntryOptions _dropLocally;
    private readonly FusionCacheEntryOptions _invalidate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;
    private long _changes;
    private long _hits;
    private long _misses;
    private long _published;
    private long _received;
    private long _undone;

    /// <param name="name">The cache's name: its backplane channel, shared by every instance of the arm.</param>
    /// <param name="redis">The API's store connection; the backplane publishes and subscribes on it.</param>
    /// <param name="spec">Lease and heartbeat interval, from the catalogue.</param>
    /// <param name="ttl">How long an entry lives in memory.</param>
    /// <param name="time">The clock of the lease and the heartbeats (FusionCache keeps its own for the TTL).</param>
    public NearCache(string name, IConnectionMultiplexer redis, NearCacheSpec spec, TimeSpan ttl, TimeProvider? time = null)
    {
        Ttl = ttl;
        var clock = time ?? TimeProvider.System;
        _lease = new NearCacheLease(spec.Lease, clock);
        _populate = new FusionCacheEntryOptions
        {
            Duration = ttl,
            IsFailSafeEnabled = false,
            // Filling memory from the store is not a change: the other instances need not hear of it.
            SkipBackplaneNotifications = true,
        };
        _dropLocally = _populate.Duplicate();
        _invalidate = new FusionCacheEntryOptions
        {
            Duration = ttl,
            IsFailSafeEnabled = false,
            // The revoke answers only once the store has taken the message, and says so when it has not.
            AllowBackgroundBackplaneOperations = false,
            ReThrowBackplaneExceptions = true,
        };
        _cache = new FusionCache(new FusionCacheOptions
        {
            CacheName = name,
            DefaultEntryOptions = _populate,
            // A lost message is covered by the lease and the epoch, not replayed later: no auto-recovery queue, and
            // no circuit breaker that would turn a failed publish into a quiet success.
            EnableAutoRecovery = false,
            BackplaneCircuitBreakerDuration = TimeSpan.Zero,
            WaitForInitialBackplaneSubscribe = true,
        });
        var backplane = new RedisBackplane(new RedisBackplaneOptions { ConnectionMultiplexerFactory = () => Task.FromResult(redis) });
        _backplane = new HeartbeatBackplane(backplane, redis, _lease, clock, () =>
        {
            Interlocked.Increment(ref _received);
            Interlocked.Increment(ref _changes);
        });
        _cache.SetupBackplane(_backplane);
        _beating = BeatAsync(spec.HeartbeatInterval, clock, _stop.Token);
    }

    /// <summary>How long an entry lives in memory.</summary>
    public TimeSpan Ttl { get; }

    public NearCacheCounters Counters => new(
        Volatile.Read(ref _hits), Volatile.Read(ref _misses), Volatile.Read(ref _published), Volatile.Read(ref _received),
        Volatile.Read(ref _undone), _lease.IsFresh(), _lease.Epoch);

    /// <summary>
    /// The value for <paramref name="key"/>: from memory when this instance holds the lease and a copy of the current
    /// epoch, else from <paramref name="load"/> (the arm's own store lookup), kept for <paramref name="keepFor"/> of
    /// the value (zero: not kept; capped at <see cref="Ttl"/>).
    /// </summary>
    public async ValueTask<TValue> GetAsync(string key, Func<string, Task<TValue>> load, Func<TValue, TimeSpan> keepFor)
    {
        if (_lease.IsFresh())
        {
            var epoch = _lease.Epoch;
            var cached = _cache.TryGet<Entry>(key, _populate);
            if (cached.HasValue && cached.Value.Epoch == epoch)
            {
                Interlocked.Increment(ref _hits);
                return cached.Value.Value;
            }
        }
        Interlocked.Increment(ref _misses);
        var changes = Volatile.Read(ref _changes);
        var epochBefore = _lease.Epoch;
        var value = await load(key).ConfigureAwait(false);
        var keep = keepFor(value);
        if (keep > TimeSpan.Zero)
        {
            _cache.Set(key, new Entry(value, epochBefore), keep >= Ttl ? _populate : _populate.Duplicate(keep));
            // An invalidation that arrived while the store was read may be older or newer than what it returned:
            // drop the copy rather than guess (the next read goes to the store again).
            if (Volatile.Read(ref _changes) != changes)
            {
                _cache.Remove(key, _dropLocally);
                Interlocked.Increment(ref _undone);
            }
        }
        return value;
    }

    /// <summary>
    /// Drops <paramref name="key"/> here and, through the backplane, on every other instance. Call it after the store
    /// was changed. Throws <see cref="StoreUnavailableException"/> when the message did not reach the store.
    /// </summary>
    public async Task InvalidateAsync(string key)
    {
        Interlocked.Increment(ref _changes);
        try
        {
            await _cache.RemoveAsync(key, _invalidate).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FusionCacheBackplaneException or RedisException or TimeoutException)
        {
            throw new StoreUnavailableException($"near cache backplane unavailable: {(e.InnerException ?? e).GetType().Name}", e);
        }
        Interlocked.Increment(ref _published);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _beating.ConfigureAwait(false);
        _cache.Dispose();
        _stop.Dispose();
    }

    private async Task BeatAsync(TimeSpan interval, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(interval, clock);
            do
            {
                await _backplane.BeatAsync(ct).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>A cached value and the lease epoch it was read under.</summary>
    private sealed record Entry(TValue Value, long Epoch);
}
