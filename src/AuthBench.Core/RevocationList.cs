using System.Globalization;
using StackExchange.Redis;

namespace AuthBench.Core;

/// <summary>
/// The revocable bearer arm's store (the catalogue's JwtDenylist): per user, the second up to which every token issued is revoked. Key
/// <c>revoked:&lt;sub&gt;</c> holds Unix seconds; it expires when no token it covers can still be valid (token lifetime
/// plus clock skew), so the store holds one small key per recently revoked user, not one per token.
/// One <c>GET</c> per request, after the signature: a forged token costs no store round trip.
/// </summary>
/// <remarks>
/// Tokens carry <c>iat</c> in whole seconds, so a token issued in the same second as a revocation is revoked too
/// (fail closed): a user who logs out and in again within one second must log in once more.
/// AuthBench's tokens have no <c>jti</c>, so that they are byte for byte the jwt arm's; revocation is per user.
/// </remarks>
public sealed class RevocationList : IRevocationList
{
    public const string KeyPrefix = "revoked:";

    private readonly RedisDatabases _dbs;
    private readonly TimeProvider _time;

    public RevocationList(IConnectionMultiplexer redis, TimeSpan tokenLifetime, TimeProvider? time = null)
        : this(RedisDatabases.Single(redis), tokenLifetime, time)
    {
    }

    /// <summary>Over several store connections (<c>--store-connections</c>): each command takes the next one in turn.</summary>
    public RevocationList(RedisDatabases redis, TimeSpan tokenLifetime, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _dbs = redis;
        // A marker must outlive every token it covers: lifetime, the validator's clock skew, and a minute of margin.
        Retention = tokenLifetime + JwtTokens.ClockSkew + TimeSpan.FromMinutes(1);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long a revocation marker stays in the store.</summary>
    public TimeSpan Retention { get; }

    /// <summary>Revokes every token of <paramref name="sub"/> issued up to now.</summary>
    public async Task RevokeUserAsync(string sub)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            await _dbs.Next().StringSetAsync(KeyPrefix + sub, now.ToString(CultureInfo.InvariantCulture), Retention).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisSessionStore.IsStoreFailure(e))
        {
            throw RedisSessionStore.Unavailable("revocation list", e);
        }
    }

    /// <summary>
    /// True when a token of <paramref name="sub"/> issued at <paramref name="issuedAt"/> (Unix seconds) is revoked.
    /// Throws <see cref="StoreUnavailableException"/> when the store does not answer: the caller fails closed.
    /// </summary>
    public async Task<bool> IsRevokedAsync(string sub, long issuedAt) => Covers(await RevokedUpToAsync(sub).ConfigureAwait(false), issuedAt);

    /// <summary>
    /// The user's marker: the second up to which every token is revoked, null when there is none (one <c>GET</c>).
    /// A marker that does not parse reads as <see cref="long.MaxValue"/> (everything revoked): nothing but this class
    /// writes these keys. Throws <see cref="StoreUnavailableException"/> when the store does not answer.
    /// </summary>
    public async Task<long?> RevokedUpToAsync(string sub)
    {
        RedisValue value;
        try
        {
            value = await _dbs.Next().StringGetAsync(KeyPrefix + sub).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisSessionStore.IsStoreFailure(e))
        {
            throw RedisSessionStore.Unavailable("revocation list", e);
        }
        if (value.IsNull)
        {
            return null;
        }
        return long.TryParse((string?)value, NumberStyles.None, CultureInfo.InvariantCulture, out var revokedUpTo) ? revokedUpTo : long.MaxValue;
    }

    /// <summary>Whether a marker (<see cref="RevokedUpToAsync"/>) revokes a token issued at <paramref name="issuedAt"/>.</summary>
    public static bool Covers(long? revokedUpTo, long issuedAt) => revokedUpTo is { } upTo && issuedAt <= upTo;
}

/// <summary>What the revocable bearer arms need of a revocation list: the store's own, or one behind a near cache.</summary>
public interface IRevocationList
{
    /// <summary>Revokes every token of <paramref name="sub"/> issued up to now.</summary>
    Task RevokeUserAsync(string sub);

    /// <summary>True when a token of <paramref name="sub"/> issued at <paramref name="issuedAt"/> is revoked; throws <see cref="StoreUnavailableException"/> when that cannot be known.</summary>
    Task<bool> IsRevokedAsync(string sub, long issuedAt);
}
