using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using AuthBench.Api.Arms.JwtDenylistCached;
using AuthBench.Api.Arms.NearCaching;
using AuthBench.Api.Arms.SessionCached;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AuthBench.Api.Tests;

/// <summary>
/// Two API instances of one near-cached arm on one store, as behind a load balancer: a change made through
/// instance A reaches instance B's memory only through the backplane. B's local TTL is long (10 min), so only a
/// message (or a lost lease) can make B read the store again. Delays are measured and written to the test output,
/// never asserted.
/// </summary>
public abstract class TwoNearCachedInstances : IAsyncLifetime
{
    /// <summary>Far beyond any test: a copy that goes away went away because of a message.</summary>
    public const string LongTtl = "10m";

    private readonly string? _algorithm;
    private string? _keyFile;

    protected TwoNearCachedInstances(ArmDescriptor arm, string? algorithm = null)
    {
        Arm = arm;
        _algorithm = algorithm;
    }

    public ArmDescriptor Arm { get; }

    public StoreFixture Store { get; } = new();

    public ApiFactory A { get; private set; } = null!;

    public ApiFactory B { get; private set; } = null!;

    public HttpClient ClientA { get; private set; } = null!;

    public HttpClient ClientB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Store.InitializeAsync();
        if (_algorithm is not null)
        {
            using var keys = JwtKeySet.Generate(JwtKeySet.ParseAlgorithm(_algorithm));
            _keyFile = Path.GetTempFileName();
            await File.WriteAllTextAsync(_keyFile, keys.ExportPrivate());
        }
        var settings = new Dictionary<string, string?>
        {
            ["scheme"] = Arm.Name,
            ["alg"] = _algorithm,
            ["key-file"] = _keyFile,
            ["redis"] = Store.ConnectionString,
            ["admin-key"] = ArmFixture.AdminKey,
            ["near-cache-ttl"] = LongTtl,
        };
        A = new ApiFactory(settings);
        B = new ApiFactory(settings);
        ClientA = A.CreateBareClient();
        ClientB = B.CreateBareClient();
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Store.DisposeAsync();
        if (_keyFile is not null)
        {
            File.Delete(_keyFile);
        }
    }

    /// <summary>What an instance's near cache counted so far.</summary>
    public abstract NearCacheCounters Counters(ApiFactory instance);

    /// <summary>Changes the store behind the API's back (no message): what the near cache cannot know of.</summary>
    public abstract Task ChangeStoreDirectlyAsync(string user, string credential);

    public async Task<string> LoginAsync(HttpClient client, string user)
    {
        using var response = await client.LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Arm.Transport switch
        {
            CredentialTransport.Cookie => Http.CookieFrom(response, Arm.CookieName!)!,
            CredentialTransport.BearerHeader => (await response.JsonAsync()).GetProperty("access_token").GetString()!,
            CredentialTransport.None => throw new InvalidOperationException("a near-cached arm carries a credential"),
        };
    }

    public async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string credential)
    {
        using var request = new HttpRequestMessage(method, path);
        Assert.True(Arm.Transport switch
        {
            CredentialTransport.Cookie => request.Headers.TryAddWithoutValidation("Cookie", $"{Arm.CookieName}={credential}"),
            CredentialTransport.BearerHeader => request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential),
            CredentialTransport.None => false,
        });
        return await client.SendAsync(request);
    }

    public async Task<HttpStatusCode> MeStatusAsync(HttpClient client, string credential)
    {
        using var response = await SendAsync(client, HttpMethod.Get, "/api/me", credential);
        return response.StatusCode;
    }

    /// <summary>Asks <paramref name="client"/> until one answer comes from memory (the lease needs its first heartbeat back): then it holds a copy.</summary>
    public async Task WarmAsync(ApiFactory instance, HttpClient client, string credential)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var hits = Counters(instance).Hits;
            Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(client, credential));
            if (Counters(instance).Hits > hits)
            {
                return;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the near cache never served from memory: no heartbeat came back over the backplane");
            await Task.Delay(50);
        }
    }

    public async Task<HttpResponseMessage> AdminAsync(HttpClient client, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("X-Admin-Key", ArmFixture.AdminKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return await client.SendAsync(request);
    }
}

public abstract class NearCacheArmTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : TwoNearCachedInstances
{
    private static int _nextUser = 200;

    protected TFixture Fixture => fixture;

    protected ITestOutputHelper Output => output;

    public Task InitializeAsync() => fixture.Store.EnsureUpAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected static string NewUser() => UserDirectory.UserName(Interlocked.Increment(ref _nextUser));

    [Theory]
    [InlineData("logout")]
    [InlineData("admin revoke")]
    public async Task A_revocation_through_one_instance_reaches_the_other_over_the_backplane(string how)
    {
        var user = NewUser();
        var credential = await fixture.LoginAsync(fixture.ClientA, user);
        await fixture.WarmAsync(fixture.B, fixture.ClientB, credential);
        var before = fixture.Counters(fixture.B);

        var clock = Stopwatch.StartNew();
        // The store calls fail fast (RedisConnections.TimeoutMs) and the arm then answers 503, which a busy CI machine can
        // cause; this test is about propagation, so a 503 is retried a bounded number of times (the revocation is idempotent).
        for (var attempt = 1; ; attempt++)
        {
            using var response = how == "logout"
                ? await fixture.SendAsync(fixture.ClientA, HttpMethod.Post, "/auth/logout", credential)
                : await fixture.AdminAsync(fixture.ClientA, $"/admin/users/{user}/revoke");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 5)
            {
                await Task.Delay(200);
                continue;
            }
            Assert.Equal(how == "logout" ? HttpStatusCode.NoContent : HttpStatusCode.OK, response.StatusCode);
            break;
        }
        var answered = clock.Elapsed;
        var dropped = await ElapsedUntilAsync(clock, () => fixture.Counters(fixture.B).InvalidationsReceived > before.InvalidationsReceived);
        HttpStatusCode status;
        while ((status = await fixture.MeStatusAsync(fixture.ClientB, credential)) == HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Yield();
        }
        var refused = clock.Elapsed;

        output.WriteLine($"{fixture.Arm.Name}, {how} on A: answered after {Ms(answered)}; B received the invalidation {Ms(dropped)} after the request was sent; "
            + $"B's first 401 at {Ms(refused)}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(fixture.Counters(fixture.B).InvalidationsReceived > before.InvalidationsReceived);
        // And A, which published it, refuses too.
        Assert.Equal(HttpStatusCode.Unauthorized, await fixture.MeStatusAsync(fixture.ClientA, credential));
    }

    [Fact]
    public async Task Without_a_message_the_other_instance_keeps_serving_its_copy_until_its_ttl()
    {
        // The control for the test above: B's memory really answers, so the 401 there came from the message.
        var user = NewUser();
        var credential = await fixture.LoginAsync(fixture.ClientA, user);
        await fixture.WarmAsync(fixture.B, fixture.ClientB, credential);

        await fixture.ChangeStoreDirectlyAsync(user, credential);

        var hits = fixture.Counters(fixture.B).Hits;
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(fixture.ClientB, credential));
        Assert.Equal(hits + 1, fixture.Counters(fixture.B).Hits);
        Assert.Equal(HttpStatusCode.Unauthorized, await fixture.MeStatusAsync(fixture.ClientA, credential)); // A never held a copy
    }

    [Theory]
    [InlineData("stopped")]
    [InlineData("paused")]
    public async Task A_copy_in_memory_is_not_served_once_the_store_goes_silent(string how)
    {
        var credential = await fixture.LoginAsync(fixture.ClientA, NewUser());
        await fixture.WarmAsync(fixture.B, fixture.ClientB, credential);
        var stopped = how == "stopped";
        var lease = fixture.Arm.NearCache!.Lease;

        var clock = Stopwatch.StartNew();
        await (stopped ? fixture.Store.StopAsync() : fixture.Store.PauseAsync());
        try
        {
            HttpResponseMessage? me = null;
            var servedFromMemory = 0;
            while (clock.Elapsed < lease + TimeSpan.FromSeconds(10))
            {
                me?.Dispose();
                me = await fixture.SendAsync(fixture.ClientB, HttpMethod.Get, "/api/me", credential);
                if (me.StatusCode != HttpStatusCode.OK)
                {
                    break;
                }
                servedFromMemory++;
                await Task.Delay(20);
            }
            var closed = clock.Elapsed;
            output.WriteLine($"{fixture.Arm.Name}, store {how}: B served its copy {servedFromMemory} times, then {(int?)me?.StatusCode} at {Ms(closed)} (lease {Ms(lease)})");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, me!.StatusCode);
            Assert.Equal("1", me.Headers.GetValues("Retry-After").Single());
            me.Dispose();
            // Once closed, it stays closed while the store is silent.
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, await fixture.MeStatusAsync(fixture.ClientB, credential));
            }
        }
        finally
        {
            await (stopped ? fixture.Store.StartAsync() : fixture.Store.ResumeAsync());
        }

        // Back: a paused store kept the credential; a restarted one forgot it, and so must B, though B still holds a copy.
        var expected = stopped && fixture.Arm.Lifecycle is CredentialLifecycle.LoginOnceHeldByStore ? HttpStatusCode.Unauthorized : HttpStatusCode.OK;
        var deadline = Stopwatch.StartNew();
        HttpStatusCode status;
        while ((status = await fixture.MeStatusAsync(fixture.ClientB, credential)) != expected && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }
        Assert.Equal(expected, status);
        // And the arm recovered by itself: a new credential works on both instances.
        var fresh = await WaitForLoginAsync(fixture.ClientA, NewUser());
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(fixture.ClientB, fresh));
    }

    private async Task<string> WaitForLoginAsync(HttpClient client, string user)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.LoginAsync(user);
            if (response.StatusCode == HttpStatusCode.OK || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await fixture.LoginAsync(client, user);
            }
            await Task.Delay(100);
        }
    }

    /// <summary>How long after <paramref name="clock"/> started <paramref name="condition"/> held (spinning, for sub-millisecond resolution); at most 10 s.</summary>
    protected static async Task<TimeSpan> ElapsedUntilAsync(Stopwatch clock, Func<bool> condition)
    {
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Yield();
        }
        return clock.Elapsed;
    }

    protected static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0.000} ms";
}

public sealed class SessionCachedTwoInstances() : TwoNearCachedInstances(ArmCatalogue.SessionCached)
{
    public override NearCacheCounters Counters(ApiFactory instance) => instance.Services.GetRequiredService<SessionNearCache>().Cache.Counters;

    public override async Task ChangeStoreDirectlyAsync(string user, string credential)
    {
        await using var mux = await Store.ConnectAsync();
        Assert.True(await mux.GetDatabase().KeyDeleteAsync(RedisSessionStore.KeyPrefix + credential));
    }
}

public sealed class JwtDenylistCachedTwoInstances() : TwoNearCachedInstances(ArmCatalogue.JwtDenylistCached, "HS256")
{
    public override NearCacheCounters Counters(ApiFactory instance) => instance.Services.GetRequiredService<CachedRevocationList>().Cache.Counters;

    public override async Task ChangeStoreDirectlyAsync(string user, string credential)
    {
        await using var mux = await Store.ConnectAsync();
        await new RevocationList(mux, JwtTokens.DefaultLifetime).RevokeUserAsync(user);
    }
}

public sealed class SessionCachedNearCacheTests(SessionCachedTwoInstances fixture, ITestOutputHelper output)
    : NearCacheArmTests<SessionCachedTwoInstances>(fixture, output)
{
    [Fact]
    public async Task A_plan_change_through_one_instance_drops_the_other_instances_copies()
    {
        var user = NewUser();
        var credential = await Fixture.LoginAsync(Fixture.ClientA, user);
        await Fixture.WarmAsync(Fixture.B, Fixture.ClientB, credential);
        var before = await PlanOnBAsync(credential);

        // What the session arm does with a plan change in its store (the session's claims) is its own business:
        // done here by hand, so that this test shows only what the near cache adds (every instance drops its copy).
        var plan = before + "-changed";
        await using (var mux = await Fixture.Store.ConnectAsync())
        {
            var db = mux.GetDatabase();
            var key = RedisSessionStore.KeyPrefix + credential;
            var json = (string?)await db.StringGetAsync(key) ?? throw new InvalidOperationException("no session in the store");
            Assert.Contains($"\"plan\":\"{before}\"", json, StringComparison.Ordinal);
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(await db.StringSetAsync(key, json.Replace($"\"plan\":\"{before}\"", $"\"plan\":\"{plan}\"", StringComparison.Ordinal), ttl ?? TimeSpan.FromMinutes(30)));
        }
        Assert.Equal(before, await PlanOnBAsync(credential)); // B still answers from memory

        var received = Fixture.Counters(Fixture.B).InvalidationsReceived;
        var clock = Stopwatch.StartNew();
        using (var response = await Fixture.AdminAsync(Fixture.ClientA, $"/admin/users/{user}/plan", new { plan }))
        {
            // The plan endpoint answers 200 with a body (sub, plan, rewritten, note) since the transport branch.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var answered = clock.Elapsed;
        var dropped = await ElapsedUntilAsync(clock, () => Fixture.Counters(Fixture.B).InvalidationsReceived > received);
        string shown;
        while ((shown = await PlanOnBAsync(credential)) != plan && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Yield();
        }
        Output.WriteLine($"{Fixture.Arm.Name}, plan change on A: answered after {Ms(answered)}; B received the invalidation {Ms(dropped)} after the request was sent; "
            + $"B shows the new plan at {Ms(clock.Elapsed)}");
        Assert.Equal(plan, shown);
    }

    private async Task<string> PlanOnBAsync(string credential)
    {
        using var me = await Fixture.SendAsync(Fixture.ClientB, HttpMethod.Get, "/api/me", credential);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        return (await me.JsonAsync()).GetProperty("plan").GetString()!;
    }
}

public sealed class JwtDenylistCachedNearCacheTests(JwtDenylistCachedTwoInstances fixture, ITestOutputHelper output)
    : NearCacheArmTests<JwtDenylistCachedTwoInstances>(fixture, output);
