using System.Buffers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace AuthBench.Core;

/// <summary>The store could not answer in time; the API maps it to 503 with Retry-After, never to 200 or 500.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A session read back from the store.</summary>
public sealed record SessionData(string Id, IReadOnlyList<Claim> Claims, DateTimeOffset Created, DateTimeOffset AbsoluteExpiry)
{
    public string? Subject => Claims.FirstOrDefault(c => c.Type == ClaimProfiles.Sub)?.Value;
}

/// <summary>
/// Server-side sessions in Redis: key <c>sess:&lt;id&gt;</c> holds the user's claims as JSON; sliding idle expiry
/// through <c>GETEX … EX</c> (one round trip per request) and an absolute lifetime checked on every read.
/// </summary>
public sealed class RedisSessionStore
{
    public const string KeyPrefix = "sess:";
    public const string UserIndexPrefix = "usess:";
    /// <summary>256 bits from the CSPRNG: above the 128-bit minimum, so the cookie is not flattered.</summary>
    public const int IdBytes = 32;
    /// <summary>Length of the base64url id (no padding).</summary>
    public static readonly int IdLength = Base64UrlEncoder.Encode(new byte[IdBytes]).Length;
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan DefaultAbsoluteLifetime = TimeSpan.FromHours(8);

    private readonly RedisDatabases _dbs;
    private readonly TimeProvider _time;

    public RedisSessionStore(IConnectionMultiplexer redis, TimeSpan? idleTimeout = null, TimeSpan? absoluteLifetime = null, TimeProvider? time = null)
        : this(RedisDatabases.Single(redis), idleTimeout, absoluteLifetime, time)
    {
    }

    /// <summary>Over several store connections (<c>--store-connections</c>): each command takes the next one in turn.</summary>
    public RedisSessionStore(RedisDatabases redis, TimeSpan? idleTimeout = null, TimeSpan? absoluteLifetime = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _dbs = redis;
        IdleTimeout = idleTimeout ?? DefaultIdleTimeout;
        AbsoluteLifetime = absoluteLifetime ?? DefaultAbsoluteLifetime;
        _time = time ?? TimeProvider.System;
    }

    public TimeSpan IdleTimeout { get; }
    public TimeSpan AbsoluteLifetime { get; }

    public static string NewId() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(IdBytes));

    /// <summary>A cheap syntactic check before any store round trip: exactly <see cref="IdLength"/> base64url characters.</summary>
    public static bool IsWellFormedId(string? id)
    {
        if (id is null || id.Length != IdLength)
        {
            return false;
        }
        foreach (var c in id)
        {
            if (JwsPolicy.ValueOf(c) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Creates a session under a fresh id (never reusing one: no fixation) and indexes it under its user.</summary>
    public async Task<string> CreateAsync(IDictionary<string, object> claims)
    {
        var now = _time.GetUtcNow();
        var value = Serialize(claims, now, now + AbsoluteLifetime);
        var sub = claims.TryGetValue(ClaimProfiles.Sub, out var s) ? s as string : null;
        try
        {
            while (true)
            {
                var id = NewId();
                var db = _dbs.Next();
                if (await db.StringSetAsync(KeyPrefix + id, value, IdleTimeout, When.NotExists).ConfigureAwait(false))
                {
                    if (sub is not null)
                    {
                        // Index for "revoke every session of this user"; it lives as long as the longest session can.
                        var batch = db.CreateBatch();
                        var add = batch.SetAddAsync(UserIndexPrefix + sub, id);
                        var expire = batch.KeyExpireAsync(UserIndexPrefix + sub, AbsoluteLifetime);
                        batch.Execute();
                        await Task.WhenAll(add, expire).ConfigureAwait(false);
                    }
                    return id;
                }
            }
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// The per-request lookup: one <c>GETEX</c> that reads the session and slides its idle expiry.
    /// Returns null for unknown, expired or malformed sessions; throws <see cref="StoreUnavailableException"/> when the store does not answer.
    /// </summary>
    public async Task<SessionData?> GetAsync(string id)
    {
        if (!IsWellFormedId(id))
        {
            return null;
        }
        RedisValue value;
        try
        {
            value = await _dbs.Next().StringGetSetExpiryAsync(KeyPrefix + id, IdleTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
        return Evaluate(id, value);
    }

    /// <summary>The synchronous variant of <see cref="GetAsync"/> (benchmarked beside it).</summary>
    public SessionData? Get(string id)
    {
        if (!IsWellFormedId(id))
        {
            return null;
        }
        RedisValue value;
        try
        {
            value = _dbs.Next().StringGetSetExpiry(KeyPrefix + id, IdleTimeout);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
        return Evaluate(id, value);
    }

    public async Task<bool> DeleteAsync(string id)
    {
        if (!IsWellFormedId(id))
        {
            return false;
        }
        try
        {
            return await _dbs.Next().KeyDeleteAsync(KeyPrefix + id).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>The ids of a user's sessions, from the per-user index (one <c>SMEMBERS</c>): what a near cache must drop when they are revoked or changed.</summary>
    public async Task<string[]> UserSessionIdsAsync(string sub)
    {
        try
        {
            var ids = await _dbs.Next().SetMembersAsync(UserIndexPrefix + sub).ConfigureAwait(false);
            return [.. ids.Select(i => (string)i!)];
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>Deletes every session of a user; returns how many existed.</summary>
    public async Task<long> DeleteUserSessionsAsync(string sub)
    {
        try
        {
            var db = _dbs.Next();
            var ids = await db.SetMembersAsync(UserIndexPrefix + sub).ConfigureAwait(false);
            var keys = ids.Select(i => (RedisKey)(KeyPrefix + i)).Append(UserIndexPrefix + sub).ToArray();
            var deleted = await _dbs.DeleteAsync(db, keys).ConfigureAwait(false);
            return Math.Max(0, deleted - 1);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// Rewrites one claim in every live session of a user, so that the next request of each sees the new value (the
    /// per-request read stays one <c>GETEX</c>). Store commands for a user with k indexed sessions: <c>SMEMBERS</c>,
    /// one <c>MGET</c> of the k keys (on a Redis Cluster, whose session keys sit in many slots, k pipelined <c>GET</c>s), then pipelined in one round trip a <c>SET … XX KEEPTTL</c> per session that
    /// carries the claim and one <c>SREM</c> of the ids that no longer exist (logged out, expired): three round trips.
    /// <c>XX</c> never recreates a session deleted meanwhile; <c>KEEPTTL</c> keeps its idle expiry. Returns how many
    /// sessions were rewritten (a session whose claims lack <paramref name="claim"/>, the small profile, needs none).
    /// </summary>
    public async Task<long> SetClaimInUserSessionsAsync(string sub, string claim, string value)
    {
        try
        {
            var db = _dbs.Next();
            var ids = await db.SetMembersAsync(UserIndexPrefix + sub).ConfigureAwait(false);
            if (ids.Length == 0)
            {
                return 0;
            }
            var keys = ids.Select(i => (RedisKey)(KeyPrefix + i)).ToArray();
            var values = await _dbs.GetAsync(db, keys).ConfigureAwait(false);
            var batch = db.CreateBatch();
            var writes = new List<Task<bool>>(ids.Length);
            var gone = new List<RedisValue>();
            for (var i = 0; i < ids.Length; i++)
            {
                if (values[i].IsNull)
                {
                    gone.Add(ids[i]);
                }
                else if (WithClaim(values[i], claim, value) is { } rewritten)
                {
                    writes.Add(batch.StringSetAsync(keys[i], rewritten, Expiration.KeepTtl, ValueCondition.Exists));
                }
            }
            var prune = gone.Count > 0 ? batch.SetRemoveAsync(UserIndexPrefix + sub, [.. gone]) : Task.FromResult(0L);
            batch.Execute();
            await prune.ConfigureAwait(false);
            var rewrittenCount = 0L;
            foreach (var write in writes)
            {
                rewrittenCount += await write.ConfigureAwait(false) ? 1 : 0;
            }
            return rewrittenCount;
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>The stored value with claim <paramref name="claim"/> set to <paramref name="value"/>; null when the value is not ours or has no such claim.</summary>
    public static byte[]? WithClaim(ReadOnlySpan<byte> json, string claim, string value)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
        if (root is not JsonObject session || session["c"] is not JsonObject claims || !claims.ContainsKey(claim))
        {
            return null;
        }
        claims[claim] = JsonValue.Create(value);
        var buffer = new ArrayBufferWriter<byte>(json.Length + value.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            session.WriteTo(w);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private SessionData? Evaluate(string id, RedisValue value)
    {
        if (value.IsNull)
        {
            return null;
        }
        var session = Deserialize(id, value);
        if (session is null)
        {
            return null;
        }
        var now = _time.GetUtcNow();
        if (now >= session.AbsoluteExpiry)
        {
            _dbs.Next().KeyDelete(KeyPrefix + id, CommandFlags.FireAndForget);
            return null;
        }
        if (session.AbsoluteExpiry < now + IdleTimeout)
        {
            // Near the end of the absolute lifetime the sliding expiry must not outlive it: cap the store's TTL too.
            _dbs.Next().KeyExpire(KeyPrefix + id, session.AbsoluteExpiry.UtcDateTime, CommandFlags.FireAndForget);
        }
        return session;
    }

    // RedisTimeoutException is a TimeoutException, not a RedisException: both mean the store did not answer.
    internal static bool IsStoreFailure(Exception e) => e is RedisException or TimeoutException;

    private static StoreUnavailableException Unavailable(Exception e) => Unavailable("session store", e);

    internal static StoreUnavailableException Unavailable(string what, Exception e) =>
        new($"{what} unavailable: {e.GetType().Name}", e);

    /// <summary>The stored value: <c>{"iat":…,"abs":…,"c":{claims}}</c>, UTF-8 JSON.</summary>
    public static byte[] Serialize(IDictionary<string, object> claims, DateTimeOffset created, DateTimeOffset absoluteExpiry)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("iat", created.ToUnixTimeSeconds());
            w.WriteNumber("abs", absoluteExpiry.ToUnixTimeSeconds());
            w.WriteStartObject("c");
            foreach (var (name, v) in claims)
            {
                switch (v)
                {
                    case string s:
                        w.WriteString(name, s);
                        break;
                    case bool b:
                        w.WriteBoolean(name, b);
                        break;
                    case IEnumerable<string> list:
                        w.WriteStartArray(name);
                        foreach (var item in list)
                        {
                            w.WriteStringValue(item);
                        }
                        w.WriteEndArray();
                        break;
                    default:
                        throw new ArgumentException($"claim '{name}' has an unsupported value type {v?.GetType().Name}");
                }
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses a stored value; null (never an exception) for anything that is not ours.</summary>
    public static SessionData? Deserialize(string id, ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            long iat = 0, abs = 0;
            var claims = new List<Claim>(12);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("iat"u8))
                {
                    reader.Read();
                    iat = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("abs"u8))
                {
                    reader.Read();
                    abs = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("c"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return null;
                    }
                    ReadClaims(ref reader, claims);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (abs == 0 || claims.Count == 0)
            {
                return null;
            }
            return new SessionData(id, claims, DateTimeOffset.FromUnixTimeSeconds(iat), DateTimeOffset.FromUnixTimeSeconds(abs));
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static void ReadClaims(ref Utf8JsonReader reader, List<Claim> claims)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    claims.Add(new Claim(name, reader.GetString()!));
                    break;
                case JsonTokenType.True:
                case JsonTokenType.False:
                    claims.Add(new Claim(name, reader.GetBoolean() ? "true" : "false", ClaimValueTypes.Boolean));
                    break;
                case JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        claims.Add(new Claim(name, reader.GetString()!));
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }
}
