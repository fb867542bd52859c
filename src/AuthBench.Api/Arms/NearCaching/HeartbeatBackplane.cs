using AuthBench.Core;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane;

namespace AuthBench.Api.Arms.NearCaching;

/// <summary>
/// FusionCache's Redis backplane with two additions on its incoming path: this instance's heartbeats renew the
/// <see cref="NearCacheLease"/> (they travel the very subscription that carries the invalidations, so a live lease
/// proves that subscription live), and every other message is counted before FusionCache applies it (so a read that
/// raced with an invalidation can undo what it cached). Hand-written decorator; the backplane itself is the library's.
/// </summary>
internal sealed class HeartbeatBackplane(IFusionCacheBackplane inner, IConnectionMultiplexer redis, NearCacheLease lease, TimeProvider time, Action onInvalidation)
    : IFusionCacheBackplane
{
    /// <summary>The cache key heartbeats carry; no entry ever has it.</summary>
    public const string BeatKey = "__authbench:heartbeat";

    private static readonly FusionCacheEntryOptions BeatOptions = new();

    private readonly string _beatSource = "beat-" + Guid.NewGuid().ToString("N");
    private BackplaneSubscriptionOptions? _subscription;
    private volatile bool _subscribed;

    public void Subscribe(BackplaneSubscriptionOptions options)
    {
        _subscription = Observe(options);
        try
        {
            inner.Subscribe(_subscription);
            _subscribed = true;
        }
        catch (Exception e) when (RedisFailure(e))
        {
            // The store is down at start: BeatAsync subscribes again; until then no heartbeat comes back, so nothing is served from memory.
        }
    }

    public async ValueTask SubscribeAsync(BackplaneSubscriptionOptions options)
    {
        _subscription = Observe(options);
        await SubscribeAgainAsync().ConfigureAwait(false);
    }

    // Neither is passed on: RedisBackplane disposes its multiplexer on unsubscribe, and this one is the API's store connection.
    public void Unsubscribe()
    {
        if (_subscription?.ChannelName is { } channel)
        {
            try
            {
                redis.GetSubscriber().Unsubscribe(RedisChannel.Literal(channel));
            }
            catch (Exception e) when (RedisFailure(e))
            {
                // Shutting down with the store gone: nothing left to unsubscribe from.
            }
        }
    }

    public ValueTask UnsubscribeAsync()
    {
        Unsubscribe();
        return ValueTask.CompletedTask;
    }

    public ValueTask PublishAsync(BackplaneMessage message, FusionCacheEntryOptions options, CancellationToken token = default) =>
        inner.PublishAsync(message, options, token);

    public void Publish(BackplaneMessage message, FusionCacheEntryOptions options, CancellationToken token = default) =>
        inner.Publish(message, options, token);

    /// <summary>Publishes one heartbeat (and subscribes first if that failed before); a store that does not answer only means no lease.</summary>
    public async Task BeatAsync(CancellationToken ct)
    {
        try
        {
            if (!_subscribed)
            {
                await SubscribeAgainAsync().ConfigureAwait(false);
            }
            await inner.PublishAsync(BackplaneMessage.CreateForEntryRemove(_beatSource, BeatKey, time.GetTimestamp()), BeatOptions, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailure(e))
        {
            // No heartbeat this time: the lease runs out by itself.
        }
    }

    private async Task SubscribeAgainAsync()
    {
        if (_subscription is null)
        {
            return;
        }
        try
        {
            await inner.SubscribeAsync(_subscription).ConfigureAwait(false);
            _subscribed = true;
        }
        catch (Exception e) when (RedisFailure(e))
        {
            // Tried again on the next heartbeat.
        }
    }

    /// <summary>The same subscription with both message handlers seeing each message first.</summary>
    private BackplaneSubscriptionOptions Observe(BackplaneSubscriptionOptions options)
    {
        var handler = options.IncomingMessageHandler;
        var handlerAsync = options.IncomingMessageHandlerAsync;
        return new BackplaneSubscriptionOptions(
            options.CacheName,
            options.CacheInstanceId,
            options.ChannelName,
            options.ConnectHandler,
            message =>
            {
                if (Passes(message))
                {
                    handler?.Invoke(message);
                }
            },
            options.ConnectHandlerAsync,
            message => Passes(message) && handlerAsync is not null ? handlerAsync(message) : ValueTask.CompletedTask);
    }

    /// <summary>Takes this instance's heartbeats (and drops the others'); counts and passes on everything else.</summary>
    private bool Passes(BackplaneMessage message)
    {
        if (message.CacheKey == BeatKey)
        {
            if (message.SourceId == _beatSource)
            {
                lease.OnBeat(message.Timestamp);
            }
            return false;
        }
        onInvalidation();
        return true;
    }

    private static bool RedisFailure(Exception e) =>
        e is RedisException or TimeoutException or FusionCacheBackplaneException or StoreUnavailableException;
}
