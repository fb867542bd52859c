using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace AuthBench.Core;

/// <summary>What presenting a refresh token to <see cref="RefreshTokenStore.RotateAsync"/> did.</summary>
public enum RefreshOutcome
{
    /// <summary>The family's current token: it is now used, and <see cref="RefreshResult.Token"/> is its successor.</summary>
    Rotated,
    /// <summary>Malformed, never issued, or of a family that no longer exists (logged out, revoked, expired).</summary>
    Unknown,
    /// <summary>A token of the family that was already used: the whole family, its newest token included, is deleted.</summary>
    Reused,
    /// <summary>The family's absolute lifetime is over: the family is deleted.</summary>
    Expired,
}

/// <summary>The outcome of a rotation; on <see cref="RefreshOutcome.Rotated"/> the user and the new token with its expiry.</summary>
public sealed record RefreshResult(RefreshOutcome Outcome, string? Subject = null, string? Token = null, DateTimeOffset? ExpiresAt = null);

/// <summary>A freshly issued refresh token (the first of a new family).</summary>
public sealed record IssuedRefreshToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Rotating refresh tokens in Redis with reuse detection (the OAuth 2.0 Security BCP's refresh token rotation).
/// A token is <c>&lt;family&gt;.&lt;secret&gt;</c>: a 128-bit family handle and a 256-bit secret, both from the CSPRNG,
/// base64url. One hash per login, <c>rt:{family}</c>, holds the user, the family's absolute expiry, the SHA-256 of the
/// current secret and one marker per used secret; the store never holds a usable token. Every operation on a family is
/// one Lua script on that one key, so rotation is atomic: of N concurrent refreshes with one token exactly one rotates
/// and the others find it used, which is reuse and deletes the family. The family's key lives for the absolute
/// lifetime (a TTL relative to the store's clock, so that a test clock cannot expire it early); the expiry itself is
/// checked against <see cref="TimeProvider"/>. A per-user set <c>rtu:&lt;sub&gt;</c> lists the families for the admin revoke.
/// </summary>
/// <remarks>
/// Keys: the family key carries a hash tag (<c>{family}</c>), so each script touches one slot and runs on Redis
/// Cluster; the user index is a separate single-key command. Needs EVAL/EVALSHA (Redis, or Garnet with Lua enabled).
/// Memory per family grows by one field (~70 bytes) per rotation until the family ends.
/// </remarks>
public sealed class RefreshTokenStore
{
    public const string FamilyKeyPrefix = "rt:";
    public const string UserIndexPrefix = "rtu:";
    public const int FamilyBytes = 16;
    /// <summary>256 bits from the CSPRNG, as the session id.</summary>
    public const int SecretBytes = 32;
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);

    private static readonly int FamilyLength = Base64UrlEncoder.Encode(new byte[FamilyBytes]).Length;
    private static readonly int SecretLength = Base64UrlEncoder.Encode(new byte[SecretBytes]).Length;

    /// <summary>Length of a well-formed token: family, dot, secret.</summary>
    public static readonly int TokenLength = FamilyLength + 1 + SecretLength;

    // KEYS[1] family; ARGV: sub, expiry (Unix ms), hash of the first secret, TTL (ms).
    private const string CreateScript = """
        redis.call('HSET', KEYS[1], 'sub', ARGV[1], 'exp', ARGV[2], 'cur', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    // KEYS[1] family; ARGV: hash of the presented secret, hash of the successor, now (Unix ms).
    // Returns {1, sub, exp} rotated, {0} unknown, {2, sub} reused (family deleted), {3, sub} expired (family deleted).
    private const string RotateScript = """
        local f = redis.call('HMGET', KEYS[1], 'sub', 'exp', 'cur')
        if not f[1] then return {0} end
        if tonumber(f[2]) <= tonumber(ARGV[3]) then
          redis.call('DEL', KEYS[1])
          return {3, f[1]}
        end
        if f[3] == ARGV[1] then
          redis.call('HSET', KEYS[1], 'cur', ARGV[2], 'u:' .. ARGV[1], '1')
          return {1, f[1], f[2]}
        end
        if redis.call('HEXISTS', KEYS[1], 'u:' .. ARGV[1]) == 1 then
          redis.call('DEL', KEYS[1])
          return {2, f[1]}
        end
        return {0}
        """;

    // KEYS[1] family; ARGV: hash of the presented secret. Ends the family when the secret is or was one of its tokens.
    // Returns {1, sub} ended, {0} not a token of this family.
    private const string EndScript = """
        local f = redis.call('HMGET', KEYS[1], 'sub', 'cur')
        if not f[1] then return {0} end
        if f[2] == ARGV[1] or redis.call('HEXISTS', KEYS[1], 'u:' .. ARGV[1]) == 1 then
          redis.call('DEL', KEYS[1])
          return {1, f[1]}
        end
        return {0}
        """;

    // KEYS[1] user index; ARGV: family, TTL (ms). The index lives as long as the user's newest family.
    private const string IndexScript = """
        redis.call('SADD', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    private readonly RedisDatabases _dbs;
    private readonly TimeProvider _time;

    public RefreshTokenStore(IConnectionMultiplexer redis, TimeSpan? lifetime = null, TimeProvider? time = null)
        : this(RedisDatabases.Single(redis), lifetime, time)
    {
    }

    /// <summary>Over several store connections (<c>--store-connections</c>): each command takes the next one in turn.</summary>
    public RefreshTokenStore(RedisDatabases redis, TimeSpan? lifetime = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _dbs = redis;
        Lifetime = lifetime ?? DefaultLifetime;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A family's absolute lifetime from its login: rotation hands out new tokens, never more time.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>A cheap syntactic check before any store round trip: family, dot, secret, all base64url.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? token)
    {
        if (token is null || token.Length != TokenLength || token[FamilyLength] != '.')
        {
            return false;
        }
        for (var i = 0; i < token.Length; i++)
        {
            if (i != FamilyLength && JwsPolicy.ValueOf(token[i]) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The store key of the token's family ("rt:{family}"), for tests and probes.</summary>
    public static string FamilyKey(string token) => FamilyKeyPrefix + "{" + token[..FamilyLength] + "}";

    /// <summary>Starts a new family for <paramref name="sub"/> (one login) and returns its first token.</summary>
    public async Task<IssuedRefreshToken> IssueAsync(string sub)
    {
        var family = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(FamilyBytes));
        var secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(SecretBytes));
        var token = family + "." + secret;
        var expires = _time.GetUtcNow() + Lifetime;
        var ttl = Milliseconds(Lifetime);
        try
        {
            // Pipelined on one connection: one round trip for both scripts.
            var db = _dbs.Next();
            var create = db.ScriptEvaluateAsync(CreateScript, new RedisKey[] { FamilyKey(token) },
                new RedisValue[] { sub, expires.ToUnixTimeMilliseconds(), Hash(secret), ttl });
            var index = db.ScriptEvaluateAsync(IndexScript, new RedisKey[] { UserIndexPrefix + sub }, new RedisValue[] { family, ttl });
            await Task.WhenAll(create, index).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisSessionStore.IsStoreFailure(e))
        {
            throw RedisSessionStore.Unavailable("refresh token store", e);
        }
        return new IssuedRefreshToken(token, expires);
    }

    /// <summary>
    /// Presents <paramref name="token"/>: rotates it when it is its family's current token, deletes the family when
    /// it was already used or the family has expired. One script, one round trip. Throws
    /// <see cref="StoreUnavailableException"/> when the store does not answer: the caller fails closed.
    /// </summary>
    public async Task<RefreshResult> RotateAsync(string? token)
    {
        if (!IsWellFormed(token))
        {
            return new RefreshResult(RefreshOutcome.Unknown);
        }
        var successor = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(SecretBytes));
        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await _dbs.Next().ScriptEvaluateAsync(RotateScript, new RedisKey[] { FamilyKey(token) },
                new RedisValue[] { Hash(token[(FamilyLength + 1)..]), Hash(successor), _time.GetUtcNow().ToUnixTimeMilliseconds() }).ConfigureAwait(false))!;
        }
        catch (Exception e) when (RedisSessionStore.IsStoreFailure(e))
        {
            throw RedisSessionStore.Unavailable("refresh token store", e);
        }
        return (int)reply[0] switch
        {
            1 => new RefreshResult(RefreshOutcome.Rotated, (string?)reply[1], token[..(FamilyLength + 1)] + successor,
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string?)reply[2] ?? "0", NumberStyles.None, CultureInfo.InvariantCulture))),
            2 => new RefreshResult(RefreshOutcome.Reused, (string?)reply[1]),
            3 => new RefreshResult(RefreshOutcome.Expired, (string?)reply[1]),
            _ => new RefreshResult(RefreshOutcome.Unknown),
        };
    }

    /// <summary>Logout: deletes the token's family when the token is, or was, one of its tokens; returns whether it did.</summary>
    public async Task<bool> EndFamilyAsync(string? token)
    {
        if (!IsWellFormed(token))
        {
            return false;
        }
        try
        {
            var reply = (RedisResult[])(await _dbs.Next().ScriptEvaluateAsync(EndScript, new RedisKey[] { FamilyKey(token) },
                new RedisValue[] { Hash(token[(FamilyLength + 1)..]) }).ConfigureAwait(false))!;
            if ((int)reply[0] != 1)
            {
                return false;
            }
            await _dbs.Next().SetRemoveAsync(UserIndexPrefix + (string?)reply[1], token[..FamilyLength]).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (RedisSessionStore.IsStoreFailure(e))
        {
            throw RedisSessionStore.Unavailable("refresh token store", e);
        }
    }

    /// <summary>The admin revoke: deletes every family of <paramref name="sub"/>; returns how many still existed.</summary>
    public async Task<long> RevokeUserAsync(string sub)
    {
        try
        {
            var db = _dbs.Next();
            var families = await db.SetMembersAsync(UserIndexPrefix + sub).ConfigureAwait(false);
            // One key per command: the families sit in different cluster slots.
            var deletes = families.Select(f => db.KeyDeleteAsync(FamilyKeyPrefix + "{" + (string?)f + "}")).ToArray();
            var deleted = (await Task.WhenAll(deletes).ConfigureAwait(false)).LongCount(d => d);
            await db.KeyDeleteAsync(UserIndexPrefix + sub).ConfigureAwait(false);
            return deleted;
        }
        catch (Exception e) when (RedisSessionStore.IsStoreFailure(e))
        {
            throw RedisSessionStore.Unavailable("refresh token store", e);
        }
    }

    /// <summary>What the store keeps of a secret: its SHA-256, base64url (a store dump yields no usable token).</summary>
    public static string Hash(string secret) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    private static long Milliseconds(TimeSpan t) => (long)Math.Ceiling(t.TotalMilliseconds);
}
