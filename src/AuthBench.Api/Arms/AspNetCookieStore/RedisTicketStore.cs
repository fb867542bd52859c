using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthBench.Api.Arms.AspNetCookieStore;

/// <summary>
/// The aspnet-cookie-store arm's <see cref="ITicketStore"/>: the ticket, serialised by the stock
/// <see cref="TicketSerializer"/>, in <see cref="RedisCache"/> (Microsoft.Extensions.Caching.StackExchangeRedis) on
/// the API's own store connection, so its fail-fast timeouts apply. The entry expires with the ticket (absolute
/// expiry only: the handler's sliding expiration renews the ticket, so the cache's own sliding refresh, one more
/// EXPIRE per request, would add nothing). Beside the cache, one Redis set per user indexes the user's tickets for
/// the admin revoke; that part is raw StackExchange.Redis, as <see cref="IDistributedCache"/> has no sets.
/// A store that does not answer throws <see cref="StoreUnavailableException"/>.
/// </summary>
public sealed class RedisTicketStore : ITicketStore
{
    /// <summary>The cache's instance name: every ticket key starts with it.</summary>
    public const string KeyPrefix = "aspnet-ticket:";
    /// <summary>The per-user index: a set of the user's ticket keys (without <see cref="KeyPrefix"/>).</summary>
    public const string UserIndexPrefix = "aspnet-ticket-user:";

    /// <summary>Where a retrieved ticket's key is left for the login (<see cref="HttpContext.Items"/>), which ends it.</summary>
    internal static readonly object PresentedKeyItem = new();

    private readonly RedisCache[] _caches;
    private int _nextCache = -1;
    private readonly RedisDatabases _dbs;
    private readonly TimeProvider _time;

    public RedisTicketStore(IConnectionMultiplexer redis, TimeProvider time)
        : this(RedisDatabases.Single(redis), time)
    {
    }

    /// <summary>
    /// Over several store connections: <see cref="RedisCache"/> takes one multiplexer, so there is one cache per
    /// multiplexer, taken in turn per ticket operation as the user index's commands take the connections.
    /// </summary>
    public RedisTicketStore(RedisDatabases redis, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _caches = [.. redis.Multiplexers.Select(mux => new RedisCache(Options.Create(new RedisCacheOptions
        {
            InstanceName = KeyPrefix,
            ConnectionMultiplexerFactory = () => Task.FromResult(mux),
        })))];
        _dbs = redis;
        _time = time;
    }

    /// <summary>The cache of the next connection in turn.</summary>
    private RedisCache NextCache() => _caches.Length == 1 ? _caches[0] : _caches[(uint)Interlocked.Increment(ref _nextCache) % (uint)_caches.Length];

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        // The session arm's id: 256 bits from the CSPRNG, base64url; never a key the client chose.
        var key = RedisSessionStore.NewId();
        await WriteAsync(key, ticket, cancellationToken).ConfigureAwait(false);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    /// <summary>
    /// The handler's sliding renewal. A ticket deleted since this request read it (logout, admin revoke) is not
    /// written back: the check narrows the window in which a renewal could resurrect it to one round trip.
    /// </summary>
    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        try
        {
            if (!await _dbs.Next().KeyExistsAsync(KeyPrefix + key).ConfigureAwait(false))
            {
                return;
            }
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
        await WriteAsync(key, ticket, cancellationToken).ConfigureAwait(false);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var ticket = await RetrieveAsync(key, cancellationToken).ConfigureAwait(false);
        if (ticket is not null)
        {
            httpContext.Items[PresentedKeyItem] = key;
        }
        return ticket;
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        if (!RedisSessionStore.IsWellFormedId(key))
        {
            return null;
        }
        byte[]? bytes;
        try
        {
            bytes = await NextCache().GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
        return bytes is null ? null : TicketSerializer.Default.Deserialize(bytes);
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await NextCache().RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// Deletes every ticket of the user indexed so far; returns how many still existed. Members are removed from the
    /// index one by one (not the whole set), so a login racing the revoke keeps its entry.
    /// </summary>
    public async Task<long> RevokeUserAsync(string sub)
    {
        try
        {
            var db = _dbs.Next();
            var keys = await db.SetMembersAsync(UserIndexPrefix + sub).ConfigureAwait(false);
            if (keys.Length == 0)
            {
                return 0;
            }
            // One DEL of every ticket; on a Redis Cluster, where they sit in many slots, one DEL each, pipelined.
            var deleted = await _dbs.DeleteAsync(db, [.. keys.Select(k => (RedisKey)(KeyPrefix + k))]).ConfigureAwait(false);
            await db.SetRemoveAsync(UserIndexPrefix + sub, keys).ConfigureAwait(false);
            return deleted;
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// One cache write (the ticket, expiring with it) and the user's index entry. Every write carries a full
    /// lifetime from now, so the index's TTL set here is never shorter than any indexed ticket's.
    /// </summary>
    private async Task WriteAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var lifetime = ticket.Properties.ExpiresUtc is { } expires ? expires - _time.GetUtcNow() : (TimeSpan?)null;
        if (lifetime <= TimeSpan.Zero)
        {
            // The handler never writes an expired ticket; one would be refused on its next read anyway.
            return;
        }
        var entry = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime };
        var sub = ticket.Principal.FindFirst(ClaimProfiles.Sub)?.Value;
        try
        {
            var write = NextCache().SetAsync(key, TicketSerializer.Default.Serialize(ticket), entry, cancellationToken);
            if (sub is null)
            {
                await write.ConfigureAwait(false);
                return;
            }
            var batch = _dbs.Next().CreateBatch();
            var add = batch.SetAddAsync(UserIndexPrefix + sub, key);
            var expire = lifetime is { } l ? batch.KeyExpireAsync(UserIndexPrefix + sub, l) : Task.FromResult(true);
            batch.Execute();
            await Task.WhenAll(write, add, expire).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    // RedisTimeoutException is a TimeoutException, not a RedisException: both mean the store did not answer.
    private static bool IsStoreFailure(Exception e) => e is RedisException or TimeoutException;

    private static StoreUnavailableException Unavailable(Exception e) => new($"ticket store unavailable: {e.GetType().Name}", e);
}
