using AuthBench.Api.Arms.NearCaching;
using AuthBench.Core;

namespace AuthBench.Api.Arms.SessionCached;

/// <summary>
/// Sessions by id in a near cache in front of <see cref="RedisSessionStore.GetAsync"/> (the session arm's GETEX,
/// which also slides the idle expiry: with a near cache it slides once per local miss, at least once per TTL while
/// the user is active). Unknown ids are not kept, so forged ids cannot fill the memory; a session is never kept past
/// its absolute expiry.
/// </summary>
public sealed class SessionNearCache(NearCache<SessionData?> cache, RedisSessionStore sessions, TimeProvider time) : IAsyncDisposable
{
    public NearCache<SessionData?> Cache => cache;

    public ValueTask<SessionData?> GetAsync(string id) => cache.GetAsync(id, sessions.GetAsync, KeepFor);

    /// <summary>Drops these sessions on every instance; call it after they were deleted or changed in the store.</summary>
    public async Task InvalidateAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            if (RedisSessionStore.IsWellFormedId(id))
            {
                await cache.InvalidateAsync(id);
            }
        }
    }

    public ValueTask DisposeAsync() => cache.DisposeAsync();

    private TimeSpan KeepFor(SessionData? session)
    {
        if (session is null)
        {
            return TimeSpan.Zero;
        }
        var left = session.AbsoluteExpiry - time.GetUtcNow();
        return left < cache.Ttl ? left : cache.Ttl;
    }
}
