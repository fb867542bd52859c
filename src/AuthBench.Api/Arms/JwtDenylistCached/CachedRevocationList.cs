using AuthBench.Api.Arms.NearCaching;
using AuthBench.Core;

namespace AuthBench.Api.Arms.JwtDenylistCached;

/// <summary>
/// The jwt-denylist arm's <see cref="RevocationList"/> with each user's marker (or its absence, the common case) in a
/// near cache: a store GET only on a local miss. A revocation writes the marker, then drops every instance's copy.
/// Only users whose token passed the signature reach it, so forged tokens cannot fill the memory.
/// </summary>
public sealed class CachedRevocationList(RevocationList store, NearCache<long?> cache) : IRevocationList, IAsyncDisposable
{
    public NearCache<long?> Cache => cache;

    public async Task RevokeUserAsync(string sub)
    {
        await store.RevokeUserAsync(sub);
        await cache.InvalidateAsync(sub);
    }

    public async Task<bool> IsRevokedAsync(string sub, long issuedAt) =>
        RevocationList.Covers(await cache.GetAsync(sub, store.RevokedUpToAsync, _ => cache.Ttl), issuedAt);

    public ValueTask DisposeAsync() => cache.DisposeAsync();
}
