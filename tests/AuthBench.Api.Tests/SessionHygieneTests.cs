using System.Net;
using System.Numerics;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace AuthBench.Api.Tests;

/// <summary>
/// Session hygiene of the session arm: cookie attributes, id generation, hostile cookie values, fixation, logout
/// (also under concurrency), server-side idle expiry, and the id accepted only from the exactly named cookie.
/// </summary>
public sealed class SessionHygieneTests(StoreFixture redis) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;
    private ConnectionMultiplexer _mux = null!;

    private IDatabase Db => _mux.GetDatabase();

    public async Task InitializeAsync()
    {
        _factory = ApiFactory.Session(redis.ConnectionString);
        _client = _factory.CreateClient();
        _mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _mux.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private static string Cookie(string value) => $"{ArmCatalogue.SessionCookieName}={value}";

    private Task<HttpResponseMessage> GetWithCookieHeaderAsync(string path, string cookieHeader)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        Assert.True(request.Headers.TryAddWithoutValidation("Cookie", cookieHeader));
        return _client.SendAsync(request);
    }

    private static async Task AssertUnauthorizedWithoutClaimsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    // Cookie and caching.

    [Fact]
    public async Task Login_cookie_is_host_prefixed_secure_httponly_strict_path_root_without_domain()
    {
        using var response = await _client.LoginAsync("user21");
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var parts = cookie.Split(';', StringSplitOptions.TrimEntries);
        Assert.StartsWith("__Host-", parts[0], StringComparison.Ordinal);
        var attributes = parts.Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal));
        // A browser-session cookie: the lifetime is enforced by the server, not promised to the browser.
        Assert.DoesNotContain(attributes, a => a.StartsWith("max-age", StringComparison.Ordinal) || a.StartsWith("expires", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logout_clears_the_cookie_with_attributes_a_browser_accepts_for_a_host_prefix()
    {
        var id = await _client.LoginSessionAsync("user22");
        using var logout = await _client.PostWithCookieAsync("/auth/logout", id);
        var cookie = Assert.Single(logout.Headers.GetValues("Set-Cookie"));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Equal($"{ArmCatalogue.SessionCookieName.ToLowerInvariant()}=", attributes[0]);
        Assert.Contains("secure", attributes);
        Assert.Contains("path=/", attributes);
        Assert.Contains(attributes, a => a.StartsWith("expires=thu, 01 jan 1970", StringComparison.Ordinal));
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_success_failure_and_logout_all_say_no_store()
    {
        using var ok = await _client.LoginAsync("user23");
        using var bad = await _client.LoginAsync("user23", "wrong");
        using var logout = await _client.PostAsync("/auth/logout", null);
        Assert.Equal("no-store", ok.Headers.CacheControl?.ToString());
        Assert.Equal("no-store", bad.Headers.CacheControl?.ToString());
        Assert.Equal("no-store", logout.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "username=user39&password=authbench-demo")]
    [InlineData("text/plain", "{\"username\":\"user39\",\"password\":\"authbench-demo\"}")]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nuser39\r\n--x--\r\n")]
    public async Task Login_accepts_only_json_so_a_cross_site_form_cannot_log_in(string contentType, string body)
    {
        // CSRF posture: an HTML form can send these three content types without a CORS preflight; JSON it cannot.
        var content = new StringContent(body);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await _client.PostAsync("/auth/login", content);
        Assert.True(response.StatusCode is HttpStatusCode.UnsupportedMediaType or HttpStatusCode.BadRequest, $"got {response.StatusCode}");
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    // Ids.

    [Fact]
    public void Hundred_thousand_generated_ids_are_unique_256_bit_and_unbiased()
    {
        const int count = 100_000;
        var ids = new HashSet<string>(count, StringComparer.Ordinal);
        long ones = 0;
        for (var i = 0; i < count; i++)
        {
            var id = RedisSessionStore.NewId();
            Assert.True(RedisSessionStore.IsWellFormedId(id));
            Assert.True(ids.Add(id), "a generated session id repeated");
            var bytes = Base64UrlEncoder.DecodeBytes(id);
            Assert.Equal(32, bytes.Length);
            for (var j = 0; j < bytes.Length; j += 8)
            {
                ones += BitOperations.PopCount(BitConverter.ToUInt64(bytes, j));
            }
        }
        // Monobit sanity check over 25.6 million bits: a CSPRNG lands within 6 standard deviations (about 10,700);
        // a counter, a timestamp or a fixed byte does not. (NewId draws 32 bytes from RandomNumberGenerator.)
        const double bits = count * 256.0;
        Assert.InRange(ones, bits / 2 - 6 * Math.Sqrt(bits) / 2, bits / 2 + 6 * Math.Sqrt(bits) / 2);
    }

    // Hostile cookie values.

    public static TheoryData<string> BadCookieHeaders() => new()
    {
        Cookie(""),
        Cookie("x"),
        Cookie(new string('A', RedisSessionStore.IdLength)),          // well formed, unknown
        Cookie(new string('A', RedisSessionStore.IdLength - 1)),
        Cookie(new string('A', RedisSessionStore.IdLength + 1)),
        Cookie(new string('A', 4096)),
        Cookie(new string('A', 16 * 1024)),
        Cookie(new string('A', 20) + ";" + new string('A', RedisSessionStore.IdLength - 21)),
        Cookie(new string('A', 42) + "="),
        Cookie(new string('A', 41) + "é"),                             // unicode
        Cookie(new string('A', 40) + "%C3%A9"),
        Cookie(new string('A', 39) + "\u202E"),                        // right-to-left override
        Cookie("%0d%0aSet-Cookie:%20x=1"),
        Cookie("%0D%0A" + new string('A', RedisSessionStore.IdLength)),
        Cookie(new string('A', 42) + "\t"),
        Cookie("../../../" + new string('A', 34)),
        Cookie("*"),
        Cookie("sess:*"),
        "sid=" + new string('A', RedisSessionStore.IdLength),
        "__Host-sid",
        "; ; ;",
    };

    [Theory]
    [MemberData(nameof(BadCookieHeaders))]
    public async Task Unknown_malformed_oversized_or_injected_cookie_gets_401(string cookieHeader)
    {
        using var response = await GetWithCookieHeaderAsync("/api/me", cookieHeader);
        await AssertUnauthorizedWithoutClaimsAsync(response);
    }

    [Theory]
    [InlineData("__HOST-sid")]
    [InlineData("__host-sid")]
    [InlineData("__Host-SID")]
    public async Task Session_cookie_name_is_matched_exactly(string name)
    {
        // An attacker who can plant a cookie (a sibling subdomain, plain HTTP) cannot use the __Host- name, but
        // old browsers compared the prefix case-sensitively: a server that matches names case-insensitively
        // would let such a cookie fixate a session.
        var id = await _client.LoginSessionAsync("user24");
        using var response = await GetWithCookieHeaderAsync("/api/me", $"{name}={id}");
        await AssertUnauthorizedWithoutClaimsAsync(response);
    }

    [Fact]
    public async Task Two_session_cookies_in_one_request_get_401()
    {
        var mine = await _client.LoginSessionAsync("user25");
        var planted = await _client.LoginSessionAsync("user26");
        using var response = await GetWithCookieHeaderAsync("/api/me", $"{Cookie(planted)}; {Cookie(mine)}");
        await AssertUnauthorizedWithoutClaimsAsync(response);
        using var caseVariant = await GetWithCookieHeaderAsync("/api/me", $"__HOST-sid={planted}; {Cookie(mine)}");
        await AssertUnauthorizedWithoutClaimsAsync(caseVariant);
    }

    [Fact]
    public async Task Other_cookies_next_to_the_session_cookie_are_fine()
    {
        var id = await _client.LoginSessionAsync("user27");
        using var response = await GetWithCookieHeaderAsync("/api/me", $"theme=dark; {Cookie(id)}; lang=en");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // Fixation.

    [Fact]
    public async Task Login_never_adopts_an_id_the_client_brought()
    {
        var planted = RedisSessionStore.NewId();
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { username = "user28", password = Http.Password }),
        };
        request.Headers.Add("Cookie", Cookie(planted));
        using var login = await _client.SendAsync(request);

        var issued = Http.SessionIdFrom(login);
        Assert.NotNull(issued);
        Assert.NotEqual(planted, issued);
        Assert.False(await Db.KeyExistsAsync(RedisSessionStore.KeyPrefix + planted));
        using var withPlanted = await _client.GetWithCookieAsync("/api/me", planted);
        await AssertUnauthorizedWithoutClaimsAsync(withPlanted);
    }

    [Fact]
    public async Task Login_over_a_live_session_kills_the_old_id_in_the_store()
    {
        var before = await _client.LoginSessionAsync("user29");
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { username = "user30", password = Http.Password }),
        };
        request.Headers.Add("Cookie", Cookie(before));
        using var login = await _client.SendAsync(request);
        var after = Http.SessionIdFrom(login)!;

        Assert.NotEqual(before, after);
        Assert.False(await Db.KeyExistsAsync(RedisSessionStore.KeyPrefix + before));
        using var old = await _client.GetWithCookieAsync("/api/me", before);
        await AssertUnauthorizedWithoutClaimsAsync(old);
        using var fresh = await _client.GetWithCookieAsync("/api/me", after);
        Assert.Equal("user30", (await fresh.JsonAsync()).GetProperty("sub").GetString());
    }

    // Logout.

    [Fact]
    public async Task Logout_deletes_the_server_side_session()
    {
        var id = await _client.LoginSessionAsync("user31");
        Assert.True(await Db.KeyExistsAsync(RedisSessionStore.KeyPrefix + id));
        using var logout = await _client.PostWithCookieAsync("/auth/logout", id);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.False(await Db.KeyExistsAsync(RedisSessionStore.KeyPrefix + id));
        using var after = await _client.GetWithCookieAsync("/api/me", id);
        await AssertUnauthorizedWithoutClaimsAsync(after);
    }

    [Fact]
    public async Task Logout_under_concurrent_requests_with_the_same_cookie_leaves_no_session()
    {
        var id = await _client.LoginSessionAsync("user32");
        var readers = Enumerable.Range(0, 64).Select(async _ =>
        {
            using var r = await _client.GetWithCookieAsync("/api/me", id);
            return r.StatusCode;
        }).ToList();
        var logouts = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var r = await _client.PostWithCookieAsync("/auth/logout", id);
            return r.StatusCode;
        }).ToList();
        var more = Enumerable.Range(0, 64).Select(async _ =>
        {
            using var r = await _client.GetWithCookieAsync("/api/items", id);
            return r.StatusCode;
        }).ToList();

        var statuses = await Task.WhenAll(readers.Concat(more));
        var logoutStatuses = await Task.WhenAll(logouts);

        // During the race a request may still see the session (200) or not (401); a store too slow for the API's
        // 500 ms budget on a busy test machine is a 503 (fail closed). Nothing else: no 500.
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable, $"got {s}"));
        Assert.All(logoutStatuses, s => Assert.Equal(HttpStatusCode.NoContent, s));
        // Afterwards the session is gone for good: no GETEX racing the DEL brought it back.
        Assert.False(await Db.KeyExistsAsync(RedisSessionStore.KeyPrefix + id));
        using var after = await _client.GetWithCookieAsync("/api/me", id);
        await AssertUnauthorizedWithoutClaimsAsync(after);
    }

    // Timeouts enforced by the server.

    [Fact]
    public async Task Store_ttl_is_the_idle_timeout_and_each_request_slides_it()
    {
        var id = await _client.LoginSessionAsync("user33");
        var key = RedisSessionStore.KeyPrefix + id;
        var ttl = await Db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, RedisSessionStore.DefaultIdleTimeout - TimeSpan.FromMinutes(1), RedisSessionStore.DefaultIdleTimeout);

        await Db.KeyExpireAsync(key, TimeSpan.FromMinutes(2));
        using var me = await _client.GetWithCookieAsync("/api/me", id);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var slid = await Db.KeyTimeToLiveAsync(key);
        Assert.NotNull(slid);
        Assert.InRange(slid.Value, RedisSessionStore.DefaultIdleTimeout - TimeSpan.FromMinutes(1), RedisSessionStore.DefaultIdleTimeout);
    }

    [Fact]
    public async Task Session_whose_idle_ttl_ran_out_gets_401()
    {
        var id = await _client.LoginSessionAsync("user34");
        var key = RedisSessionStore.KeyPrefix + id;
        await Db.KeyExpireAsync(key, TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < 200 && await Db.KeyExistsAsync(key); i++)
        {
            await Task.Delay(10);
        }
        Assert.False(await Db.KeyExistsAsync(key));
        using var response = await _client.GetWithCookieAsync("/api/me", id);
        await AssertUnauthorizedWithoutClaimsAsync(response);
    }

    [Fact]
    public async Task Session_past_its_absolute_lifetime_gets_401_even_with_ttl_left()
    {
        // Rewrite the stored value as if the session had been created 9 hours ago; the TTL stays fresh.
        var id = await _client.LoginSessionAsync("user35");
        var key = RedisSessionStore.KeyPrefix + id;
        var claims = new Dictionary<string, object> { [ClaimProfiles.Sub] = "user35" };
        var created = DateTimeOffset.UtcNow.AddHours(-9);
        await Db.StringSetAsync(key, RedisSessionStore.Serialize(claims, created, created + RedisSessionStore.DefaultAbsoluteLifetime), TimeSpan.FromMinutes(30));

        using var response = await _client.GetWithCookieAsync("/api/me", id);
        await AssertUnauthorizedWithoutClaimsAsync(response);
    }

    // Where the id may come from.

    [Fact]
    public async Task Session_id_is_accepted_only_from_the_cookie()
    {
        var id = await _client.LoginSessionAsync("user36");
        string[] paths =
        [
            $"/api/me?{ArmCatalogue.SessionCookieName}={id}",
            $"/api/me?sid={id}",
            $"/api/me?session={id}",
            $"/api/me;jsessionid={id}",
            $"/api/me/{id}",
        ];
        foreach (var path in paths)
        {
            using var r = await _client.GetAsync(path);
            Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"{path}: {r.StatusCode}");
        }
        foreach (var (name, value) in new[]
        {
            ("Authorization", "Bearer " + id),
            ("Authorization", "Session " + id),
            ("Authorization", id),
            ("X-Session-Id", id),
            ("Session-Id", id),
            ("X-Auth-Token", id),
            ("Set-Cookie", Cookie(id)),
        })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
            request.Headers.TryAddWithoutValidation(name, value);
            using var r = await _client.SendAsync(request);
            await AssertUnauthorizedWithoutClaimsAsync(r);
        }
        var form = new HttpRequestMessage(HttpMethod.Get, "/api/me")
        {
            Content = new FormUrlEncodedContent([new(ArmCatalogue.SessionCookieName, id)]),
        };
        using var formResponse = await _client.SendAsync(form);
        await AssertUnauthorizedWithoutClaimsAsync(formResponse);
    }

    // Bytes HttpClient will not send, over a real Kestrel on loopback.

    [Theory]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\0")]
    [InlineData("\r\n")]
    public async Task Control_characters_in_the_cookie_over_kestrel_never_get_200_or_5xx(string control)
    {
        await using var kestrel = ApiFactory.Session(redis.ConnectionString);
        var server = kestrel.StartOnKestrel();
        var id = await kestrel.CreateClient().LoginSessionAsync("user37");

        var status = await RawHttp.SendAsync(server, "GET", "/api/me", RawHttp.Line($"Cookie: {Cookie(id[..21] + control + id[21..])}"));
        Assert.True(status is 400 or 401, $"got {status}");
        // Control: the same id without the injected bytes works over the same server.
        Assert.Equal(200, await RawHttp.SendAsync(server, "GET", "/api/me", RawHttp.Line($"Cookie: {Cookie(id)}")));
    }

    [Fact]
    public async Task Non_ascii_and_oversized_cookies_over_kestrel_get_4xx()
    {
        await using var kestrel = ApiFactory.Session(redis.ConnectionString);
        var server = kestrel.StartOnKestrel();
        var id = await kestrel.CreateClient().LoginSessionAsync("user38");

        var nonAscii = await RawHttp.SendAsync(server, "GET", "/api/me", [.. RawHttp.Line($"Cookie: {Cookie(id[..21])}"), 0xC3, 0xA9, .. RawHttp.Line(id[23..])]);
        Assert.True(nonAscii is 400 or 401, $"got {nonAscii}");
        Assert.Equal(431, await RawHttp.SendAsync(server, "GET", "/api/me", RawHttp.Line($"Cookie: {Cookie(new string('A', 40 * 1024))}")));
    }
}
