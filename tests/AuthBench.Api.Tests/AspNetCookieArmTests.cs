using System.Net;
using AuthBench.Api.Arms.AspNetCookieStore;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using AuthBench.Store;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AuthBench.Api.Tests;

/// <summary>
/// What the two stock-cookie arms add to their contract (<see cref="AspNetCookieContractTests"/>,
/// <see cref="AspNetCookieStoreContractTests"/>): the cookie's attributes, no redirects, expiry and sliding renewal on
/// a fake clock, key rings (foreign, shared through <c>--dp-keys</c>), login without fixation, and the store arm's
/// Redis commands counted on the real store.
/// </summary>
public sealed class AspNetCookieArmTests(StoreFixture redis, ITestOutputHelper output) : IClassFixture<StoreFixture>
{
    /// <summary>The stock <c>CookieAuthenticationOptions.ExpireTimeSpan</c>, which both arms keep.</summary>
    private static readonly TimeSpan Lifetime = new CookieAuthenticationOptions().ExpireTimeSpan;

    public static TheoryData<string> Arms() => [ArmCatalogue.AspNetCookie.Name, ArmCatalogue.AspNetCookieStore.Name];

    private static ArmDescriptor Arm(string name) => ArmCatalogue.Find(name)!;

    private ApiFactory Api(ArmDescriptor arm, string? dpKeys = null, string claims = "typical") => new(new Dictionary<string, string?>
    {
        ["scheme"] = arm.Name,
        ["redis"] = arm.UsesStore ? redis.ConnectionString : null,
        ["dp-keys"] = dpKeys,
        ["claims"] = claims,
        ["admin-key"] = ArmFixture.AdminKey,
    });

    private static HttpClient Bare(WebApplicationFactory<Program> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    /// <summary>The API on a fake clock: the cookie handler and the ticket store read the DI <see cref="TimeProvider"/>.</summary>
    private static WebApplicationFactory<Program> OnClock(ApiFactory api, TimeProvider time) =>
        api.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(time)));

    private static async Task<string> LoginAsync(HttpClient client, ArmDescriptor arm, string user, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { username = user, password = Http.Password }),
        };
        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", $"{arm.CookieName}={cookie}");
        }
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Http.CookieFrom(response, arm.CookieName!) ?? throw new InvalidOperationException("no credential cookie");
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, ArmDescriptor arm, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Cookie", $"{arm.CookieName}={cookie}");
        return await client.SendAsync(request);
    }

    private static async Task<HttpStatusCode> MeAsync(HttpClient client, ArmDescriptor arm, string cookie)
    {
        using var response = await GetAsync(client, arm, "/api/me", cookie);
        return response.StatusCode;
    }

    [Theory]
    [MemberData(nameof(Arms))]
    public async Task Login_sets_a_host_prefixed_secure_http_only_strict_session_cookie(string name)
    {
        var arm = Arm(name);
        await using var api = Api(arm);
        using var client = Bare(api);
        using var response = await client.LoginAsync("user42");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("user42", (await response.JsonAsync()).GetProperty("sub").GetString());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(arm.CookieName + "=", cookie, StringComparison.Ordinal);
        Assert.StartsWith("__Host-", arm.CookieName, StringComparison.Ordinal);
        var attributes = cookie.Split("; ").Skip(1).Select(a => a.ToLowerInvariant()).ToHashSet();
        Assert.True(attributes.SetEquals(["path=/", "secure", "httponly", "samesite=strict"]), string.Join("; ", attributes));
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Theory]
    [MemberData(nameof(Arms))]
    public async Task No_or_bad_cookie_gets_401_never_a_redirect_to_a_login_page(string name)
    {
        var arm = Arm(name);
        await using var api = Api(arm);
        using var client = Bare(api);
        using var none = await client.GetAsync("/api/me");
        using var bad = await GetAsync(client, arm, "/api/items", "CfDJ8garbage");

        foreach (var response in new[] { none, bad })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Arms))]
    public async Task Expired_ticket_is_rejected_with_401(string name)
    {
        var arm = Arm(name);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var api = Api(arm);
        await using var clocked = OnClock(api, time);
        using var client = Bare(clocked);
        var cookie = await LoginAsync(client, arm, "user11");
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client, arm, cookie));

        time.Advance(Lifetime + TimeSpan.FromMinutes(1));

        using var me = await GetAsync(client, arm, "/api/me", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.False(me.Headers.Contains("Set-Cookie"));
    }

    /// <summary>
    /// Sliding expiration as shipped: a request in the second half of the lifetime gets a renewed cookie. The plain
    /// arm's renewed cookie is a new ticket (the old cookie still expires on time); the store arm renews the stored
    /// ticket, so every copy of the cookie lives on.
    /// </summary>
    [Theory]
    [MemberData(nameof(Arms))]
    public async Task Sliding_expiration_renews_the_ticket_in_the_second_half_of_its_lifetime(string name)
    {
        var arm = Arm(name);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var api = Api(arm);
        await using var clocked = OnClock(api, time);
        using var client = Bare(clocked);
        var original = await LoginAsync(client, arm, "user12");

        time.Advance(Lifetime * 0.4);
        using (var early = await GetAsync(client, arm, "/api/me", original))
        {
            Assert.Equal(HttpStatusCode.OK, early.StatusCode);
            Assert.False(early.Headers.Contains("Set-Cookie"));
        }
        time.Advance(Lifetime * 0.2);
        string renewed;
        using (var late = await GetAsync(client, arm, "/api/me", original))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
            renewed = Http.CookieFrom(late, arm.CookieName!) ?? throw new InvalidOperationException("no renewed cookie");
        }
        time.Advance(Lifetime * 0.5); // 1.1 lifetimes after the login

        Assert.Equal(HttpStatusCode.OK, await MeAsync(client, arm, renewed));
        Assert.Equal(arm.UsesStore ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, await MeAsync(client, arm, original));
    }

    [Theory]
    [MemberData(nameof(Arms))]
    public async Task A_cookie_from_another_key_ring_gets_401(string name)
    {
        var arm = Arm(name);
        await using var issuer = Api(arm);
        await using var other = Api(arm);
        using var issuerClient = Bare(issuer);
        using var otherClient = Bare(other);
        var cookie = await LoginAsync(issuerClient, arm, "user13");

        Assert.Equal(HttpStatusCode.OK, await MeAsync(issuerClient, arm, cookie));
        // Same store, same user: only the key ring differs.
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(otherClient, arm, cookie));
    }

    [Theory]
    [MemberData(nameof(Arms))]
    public async Task APIs_sharing_a_dp_keys_folder_accept_each_others_cookies_and_others_do_not(string name)
    {
        var arm = Arm(name);
        var shared = Directory.CreateTempSubdirectory("authbench-dp-");
        var foreign = Directory.CreateTempSubdirectory("authbench-dp-");
        try
        {
            await using var first = Api(arm, shared.FullName);
            await using var second = Api(arm, shared.FullName);
            await using var third = Api(arm, foreign.FullName);
            using var firstClient = Bare(first);
            var cookie = await LoginAsync(firstClient, arm, "user14");
            Assert.NotEmpty(shared.GetFiles("key-*.xml"));

            using var secondClient = Bare(second);
            using var thirdClient = Bare(third);
            Assert.Equal(HttpStatusCode.OK, await MeAsync(secondClient, arm, cookie));
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(thirdClient, arm, cookie));
        }
        finally
        {
            shared.Delete(recursive: true);
            foreign.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The two stock-cookie arms on one key ring and one store: each arm's cookie, sent to the other under the other's
    /// name, is refused with 401, never a 5xx: a full ticket is not a reference to a stored one, and a reference is
    /// not a ticket.
    /// </summary>
    [Fact]
    public async Task A_cookie_of_the_other_stock_cookie_arm_on_the_same_key_ring_gets_401()
    {
        var shared = Directory.CreateTempSubdirectory("authbench-dp-");
        try
        {
            var plain = ArmCatalogue.AspNetCookie;
            var store = ArmCatalogue.AspNetCookieStore;
            await using var plainApi = Api(plain, shared.FullName);
            await using var storeApi = Api(store, shared.FullName);
            using var plainClient = Bare(plainApi);
            using var storeClient = Bare(storeApi);
            var plainCookie = await LoginAsync(plainClient, plain, "user15");
            var storeCookie = await LoginAsync(storeClient, store, "user15");
            Assert.Equal(HttpStatusCode.OK, await MeAsync(plainClient, plain, plainCookie));
            Assert.Equal(HttpStatusCode.OK, await MeAsync(storeClient, store, storeCookie));

            using var atStore = await GetAsync(storeClient, store, "/api/me", plainCookie);
            using var atPlain = await GetAsync(plainClient, plain, "/api/me", storeCookie);
            foreach (var response in new[] { atStore, atPlain })
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("", await response.Content.ReadAsStringAsync());
                Assert.False(response.Headers.Contains("Set-Cookie"));
            }
        }
        finally
        {
            shared.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Store_arm_login_with_a_valid_cookie_issues_a_new_key_and_ends_the_presented_one()
    {
        var arm = ArmCatalogue.AspNetCookieStore;
        await using var api = Api(arm);
        using var client = Bare(api);
        var first = await LoginAsync(client, arm, "user15");
        var second = await LoginAsync(client, arm, "user15", first);
        var other = await LoginAsync(client, arm, "user16", second);

        Assert.NotEqual(StoredKey(api, arm, first), StoredKey(api, arm, second));
        Assert.NotEqual(StoredKey(api, arm, second), StoredKey(api, arm, other));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client, arm, first));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client, arm, second));
        using var me = await GetAsync(client, arm, "/api/me", other);
        Assert.Equal("user16", (await me.JsonAsync()).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Store_arm_keeps_the_ticket_and_the_users_index_for_the_ticket_lifetime()
    {
        var arm = ArmCatalogue.AspNetCookieStore;
        await using var api = Api(arm);
        using var client = Bare(api);
        var key = StoredKey(api, arm, await LoginAsync(client, arm, "user17"));

        await using var mux = await redis.ConnectAsync();
        var db = mux.GetDatabase();
        Assert.Contains((RedisValue)key, await db.SetMembersAsync(RedisTicketStore.UserIndexPrefix + "user17"));
        foreach (var stored in new RedisKey[] { RedisTicketStore.KeyPrefix + key, RedisTicketStore.UserIndexPrefix + "user17" })
        {
            var ttl = await db.KeyTimeToLiveAsync(stored);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, Lifetime - TimeSpan.FromMinutes(1), Lifetime);
        }
    }

    /// <summary>
    /// The store arm's real commands, counted by the store itself (INFO commandstats deltas): the figures the report
    /// quotes per request, login, renewal, logout and revoke. Printed, and pinned where the design fixes them.
    /// </summary>
    [Fact]
    public async Task Store_arm_commands_per_request_login_renewal_logout_and_revoke()
    {
        var arm = ArmCatalogue.AspNetCookieStore;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var api = Api(arm);
        await using var clocked = OnClock(api, time);
        using var client = Bare(clocked);
        await using var mux = await redis.ConnectAsync();
        const int Requests = 20;

        var login = await CountAsync(mux, async () => await LoginAsync(client, arm, "user18"));
        var cookie = await LoginAsync(client, arm, "user19");
        var requests = await CountAsync(mux, async () =>
        {
            for (var i = 0; i < Requests; i++)
            {
                Assert.Equal(HttpStatusCode.OK, await MeAsync(client, arm, cookie));
            }
        });
        var hostile = await CountAsync(mux, async () =>
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client, arm, cookie[..^2]));
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client, arm, Tamper(cookie)));
        });
        time.Advance(Lifetime * 0.6);
        var renewal = await CountAsync(mux, async () =>
        {
            using var response = await GetAsync(client, arm, "/api/me", cookie);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(Http.CookieFrom(response, arm.CookieName!));
        });
        var logout = await CountAsync(mux, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
            request.Headers.TryAddWithoutValidation("Cookie", $"{arm.CookieName}={cookie}");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        });
        await LoginAsync(client, arm, "user20");
        await LoginAsync(client, arm, "user20");
        var revoke = await CountAsync(mux, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/users/user20/revoke");
            request.Headers.Add("X-Admin-Key", ArmFixture.AdminKey);
            using var response = await client.SendAsync(request);
            Assert.Equal(2, (await response.JsonAsync()).GetProperty("revokedSessions").GetInt64());
        });

        output.WriteLine($"store: {redis.Store.Describe()}");
        output.WriteLine($"login: {Show(login)}");
        output.WriteLine($"per request (x{Requests}): {Show(requests)}");
        output.WriteLine($"malformed and tampered cookies (2 requests): {Show(hostile)}");
        output.WriteLine($"request with sliding renewal: {Show(renewal)}");
        output.WriteLine($"logout: {Show(logout)}");
        output.WriteLine($"admin revoke of 2 tickets: {Show(revoke)}");

        // One HMGET per request and nothing else: the entry has no sliding window, so RedisCache sends no EXPIRE.
        Assert.Equal(new Dictionary<string, long> { ["hmget"] = Requests }, requests);
        Assert.Empty(hostile);
        Assert.Equal(1, renewal.GetValueOrDefault("hmget"));
        Assert.Equal(1, renewal.GetValueOrDefault("exists"));
        // StackExchange.Redis 3 deletes with UNLINK where the server has it.
        Assert.Equal(1, logout.GetValueOrDefault("del") + logout.GetValueOrDefault("unlink"));
        Assert.Equal(1, login.GetValueOrDefault("sadd"));
        Assert.Equal(1, revoke.GetValueOrDefault("smembers"));
    }

    /// <summary>
    /// Both cookies' sizes per claim profile: below the stock chunking threshold (4050 characters), so each is one
    /// cookie the load tool and the size report can read; printed for the size table.
    /// </summary>
    [Theory]
    [InlineData("aspnet-cookie", "small")]
    [InlineData("aspnet-cookie", "typical")]
    [InlineData("aspnet-cookie", "large")]
    [InlineData("aspnet-cookie-store", "small")]
    [InlineData("aspnet-cookie-store", "typical")]
    [InlineData("aspnet-cookie-store", "large")]
    public async Task Cookie_is_one_unchunked_cookie_for_every_claim_profile(string name, string claims)
    {
        var arm = Arm(name);
        await using var api = Api(arm, claims: claims);
        using var client = Bare(api);
        using var response = await client.LoginAsync(UserDirectory.UserName(500));
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var value = Http.CookieFrom(response, arm.CookieName!)!;

        Assert.DoesNotContain("chunks-", value, StringComparison.Ordinal);
        Assert.InRange(value.Length, 1, 4049);
        output.WriteLine($"{arm.Name} {claims}: cookie value {value.Length} chars, request line 'Cookie: {arm.CookieName}=…\\r\\n' "
            + $"{"Cookie: ".Length + arm.CookieName!.Length + 1 + value.Length + 2} B, Set-Cookie value {setCookie.Length} chars");
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client, arm, value));
    }

    /// <summary>One character changed in the middle, inside the ciphertext, as the contract's hostile case does.</summary>
    private static string Tamper(string cookie)
    {
        var i = cookie.Length / 2;
        return cookie[..i] + (cookie[i] == 'A' ? 'B' : 'A') + cookie[(i + 1)..];
    }

    /// <summary>The ticket-store key a store-arm cookie names (the cookie's own ticket holds nothing else).</summary>
    private static string StoredKey(ApiFactory api, ArmDescriptor arm, string cookie)
    {
        var options = api.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(arm.Name);
        var ticket = options.TicketDataFormat.Unprotect(cookie) ?? throw new InvalidOperationException("cookie does not unprotect");
        return Assert.Single(ticket.Principal.Claims).Value;
    }

    private static readonly HashSet<string> Housekeeping = new(StringComparer.Ordinal) { "info", "ping", "echo", "client", "config", "cluster", "subscribe", "hello", "command", "select" };

    /// <summary>The store's command counts (lower-case names, housekeeping left out) while <paramref name="work"/> runs.</summary>
    private async Task<Dictionary<string, long>> CountAsync(IConnectionMultiplexer mux, Func<Task> work)
    {
        var garnet = redis.Store.Version.StartsWith("garnet", StringComparison.Ordinal);
        if (garnet)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.2));
        }
        var before = await RedisInfo.ReadStatsAsync(redis.Store, mux);
        await work();
        if (garnet)
        {
            // Garnet's metrics monitor samples its counters once a second.
            await Task.Delay(TimeSpan.FromSeconds(1.2));
        }
        var after = await RedisInfo.ReadStatsAsync(redis.Store, mux);
        return after.Minus(before).CommandStats
            .Where(c => c.Value.Calls > 0 && !Housekeeping.Contains(c.Key.Split('|')[0]))
            .ToDictionary(c => c.Key, c => c.Value.Calls, StringComparer.Ordinal);
    }

    private static string Show(Dictionary<string, long> commands) =>
        commands.Count == 0 ? "no command" : string.Join(", ", commands.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key.ToUpperInvariant()} {c.Value}"));
}
