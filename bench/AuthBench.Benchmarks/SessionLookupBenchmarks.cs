using AuthBench.Core;
using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace AuthBench.Benchmarks;

/// <summary>
/// One session lookup per invocation against the run's store, beside a PING round trip (the floor: the network and
/// the client library with no data). Steps up from PING: raw GET, raw GETEX, then the API's lookup (GETEX + parse).
/// </summary>
[BenchmarkCategory(Categories.Session, Categories.Floor)]
public class SessionLookupBenchmarks
{
    private StoreLease _lease = null!;
    private IDatabase _db = null!;
    private RedisSessionStore _sessions = null!;
    private SessionRing _ring = null!;
    private RedisKey[] _keys = null!;
    private int _next;

    [Params(ClaimProfile.Small, ClaimProfile.Typical, ClaimProfile.Large)]
    public ClaimProfile Claims { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _lease = await StoreLease.OpenAsync();
        _db = _lease.Multiplexer.GetDatabase();
        _sessions = new RedisSessionStore(_lease.Multiplexer);
        _ring = await SessionRing.CreateAsync(_sessions, Claims);
        _keys = _ring.Keys;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _ring.DeleteAsync(_db);
        await _lease.DisposeAsync();
    }

    private int Next()
    {
        var i = _next;
        _next = (i + 1) & Ring.Mask;
        return i;
    }

    /// <summary>One round trip that carries no data: the floor of any store lookup.</summary>
    [Benchmark(Baseline = true)]
    public Task<TimeSpan> Floor_PingAsync() => _db.PingAsync();

    /// <summary>The synchronous round trip: the floor of <see cref="SessionStore_Get"/>.</summary>
    [Benchmark]
    public TimeSpan PingSync() => _db.Ping();

    /// <summary>Plain GET of the stored session value, no expiry change, no parsing.</summary>
    [Benchmark]
    public async Task<RedisValue> StringGetAsync()
    {
        var value = await _db.StringGetAsync(_keys[Next()]);
        return value.IsNull ? throw new InvalidOperationException("a ring session is missing") : value;
    }

    /// <summary>GETEX with the idle timeout (sliding expiry), no parsing.</summary>
    [Benchmark]
    public async Task<RedisValue> StringGetSetExpiryAsync()
    {
        var value = await _db.StringGetSetExpiryAsync(_keys[Next()], _sessions.IdleTimeout);
        return value.IsNull ? throw new InvalidOperationException("a ring session is missing") : value;
    }

    /// <summary>The API's per-request lookup: <see cref="RedisSessionStore.GetAsync"/> (id check, GETEX, parse, lifetime check).</summary>
    [Benchmark]
    public async Task<SessionData> SessionStore_GetAsync() =>
        await _sessions.GetAsync(_ring.Ids[Next()]) ?? throw new InvalidOperationException("a ring session is missing");

    /// <summary>The same lookup, synchronous (<see cref="RedisSessionStore.Get"/>).</summary>
    [Benchmark]
    public SessionData SessionStore_Get() =>
        _sessions.Get(_ring.Ids[Next()]) ?? throw new InvalidOperationException("a ring session is missing");
}
