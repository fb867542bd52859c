using StackExchange.Redis;

namespace AuthBench.Core;

/// <summary>
/// The store connections of one API process (<c>--store-connections N</c>): N multiplexers, handed out round robin,
/// one per call (lock-free), so that N client connections carry the lookups as N API servers would. Also knows
/// whether the store is a Redis Cluster, where a multi-key command must stay within one slot.
/// </summary>
public sealed class RedisDatabases
{
    private readonly IDatabase[] _databases;
    private int _next = -1;

    public RedisDatabases(IReadOnlyList<IConnectionMultiplexer> multiplexers)
    {
        ArgumentNullException.ThrowIfNull(multiplexers);
        if (multiplexers.Count == 0)
        {
            throw new ArgumentException("at least one store connection is needed", nameof(multiplexers));
        }
        Multiplexers = multiplexers;
        _databases = [.. multiplexers.Select(m => m.GetDatabase())];
    }

    /// <summary>One multiplexer: what every arm used before <c>--store-connections</c>.</summary>
    public static RedisDatabases Single(IConnectionMultiplexer multiplexer) => new([multiplexer]);

    public IReadOnlyList<IConnectionMultiplexer> Multiplexers { get; }

    /// <summary>The first multiplexer: for libraries that take one (FusionCache, IDistributedCache) and for pub/sub.</summary>
    public IConnectionMultiplexer First => Multiplexers[0];

    public int Count => _databases.Length;

    /// <summary>
    /// True when the store is a Redis Cluster: keys of one multi-key command must share a slot. Asked on each use (the
    /// multi-key paths are admin operations, not per request), so a store that was down at start-up is seen as it is.
    /// </summary>
    public bool IsCluster => Multiplexers[0].GetServers().Any(s => s.ServerType == ServerType.Cluster);

    /// <summary>The database of the next connection in turn.</summary>
    public IDatabase Next() =>
        _databases.Length == 1 ? _databases[0] : _databases[(uint)Interlocked.Increment(ref _next) % (uint)_databases.Length];

    /// <summary>
    /// Deletes <paramref name="keys"/>: one <c>DEL</c> on a standalone store; on a cluster, whose keys sit in many
    /// slots, one <c>DEL</c> per key, pipelined (one round trip all the same). Returns how many existed.
    /// </summary>
    public async Task<long> DeleteAsync(IDatabase db, RedisKey[] keys)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keys);
        if (!IsCluster || keys.Length <= 1)
        {
            return await db.KeyDeleteAsync(keys).ConfigureAwait(false);
        }
        var deletes = keys.Select(k => db.KeyDeleteAsync(k)).ToArray();
        return (await Task.WhenAll(deletes).ConfigureAwait(false)).LongCount(d => d);
    }

    /// <summary>Reads <paramref name="keys"/>: one <c>MGET</c> on a standalone store; on a cluster one pipelined <c>GET</c> per key.</summary>
    public async Task<RedisValue[]> GetAsync(IDatabase db, RedisKey[] keys)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keys);
        if (!IsCluster || keys.Length <= 1)
        {
            return await db.StringGetAsync(keys).ConfigureAwait(false);
        }
        return await Task.WhenAll(keys.Select(k => db.StringGetAsync(k))).ConfigureAwait(false);
    }
}
