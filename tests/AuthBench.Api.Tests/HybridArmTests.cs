using System.Net;
using System.Net.Http.Json;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AuthBench.Api.Tests;

/// <summary>
/// What the hybrid arm adds to its contract (<see cref="HybridHs256ContractTests"/>): the refresh token's transport,
/// rotation, reuse detection, logout and revoke of families, races between refreshes of one token, the store rule
/// (refresh fails closed, API requests do not need the store) and the family lifetime on a fake clock.
/// </summary>
public sealed class HybridArmTests(HybridHs256ContractTests.Api api) : IClassFixture<HybridHs256ContractTests.Api>, IAsyncLifetime
{
    private const string Cookie = ArmCatalogue.RefreshCookieName;

    public Task InitializeAsync() => api.Store!.EnsureUpAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed record Tokens(string Access, string Refresh);

    private async Task<Tokens> LoginAsync(string user)
    {
        using var response = await api.Client.LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TokensFromAsync(response);
    }

    private static async Task<Tokens> TokensFromAsync(HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        return new Tokens(body.GetProperty("access_token").GetString()!, Http.CookieFrom(response, Cookie)!);
    }

    private static HttpRequestMessage RefreshRequest(string? cookieHeader, string? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/refresh");
        if (cookieHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookieHeader);
        }
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return request;
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken, HttpClient? client = null) =>
        (client ?? api.Client).SendAsync(RefreshRequest($"{Cookie}={refreshToken}"));

    private async Task<HttpStatusCode> RefreshStatusAsync(string refreshToken)
    {
        using var response = await RefreshAsync(refreshToken);
        return response.StatusCode;
    }

    private static string SetCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Cookie + "=", StringComparison.Ordinal));

    [Fact]
    public async Task Login_carries_the_access_token_and_both_expiries_in_the_body_and_the_refresh_token_only_in_an_HttpOnly_cookie_on_auth()
    {
        using var response = await api.Client.LoginAsync("user11");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = await response.JsonAsync();
        Assert.Equal(["access_token", "token_type", "expires_in", "refresh_expires_in"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32());
        Assert.InRange(body.GetProperty("refresh_expires_in").GetInt64(), (30 * 86400) - 5, 30 * 86400);

        var cookie = SetCookie(response);
        var refresh = Http.CookieFrom(response, Cookie)!;
        Assert.Equal(RefreshTokenStore.TokenLength, refresh.Length);
        Assert.True(RefreshTokenStore.IsWellFormed(refresh));
        Assert.DoesNotContain(refresh, text, StringComparison.Ordinal);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("path=/auth", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Single(attributes, a => a.StartsWith("max-age=", StringComparison.Ordinal));
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_hands_out_a_working_access_token()
    {
        var first = await LoginAsync("user12");
        using var response = await RefreshAsync(first.Refresh);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var second = await TokensFromAsync(response);
        Assert.NotEqual(first.Refresh, second.Refresh);
        // Same family, new secret.
        Assert.Equal(RefreshTokenStore.FamilyKey(first.Refresh), RefreshTokenStore.FamilyKey(second.Refresh));
        var body = await response.JsonAsync();
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(HttpStatusCode.OK, await api.MeStatusAsync(second.Access));

        // And again: rotation on every use.
        using var third = await RefreshAsync(second.Refresh);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task A_reused_refresh_token_gets_401_and_revokes_its_family_the_newest_token_included()
    {
        var login = await LoginAsync("user13");
        using var rotated = await RefreshAsync(login.Refresh);
        var newest = await TokensFromAsync(rotated);

        using var reuse = await RefreshAsync(login.Refresh);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        Assert.Equal("""{"error":"invalid_grant"}""", await reuse.Content.ReadAsStringAsync());
        Assert.Contains("expires=thu, 01 jan 1970", SetCookie(reuse).ToLowerInvariant(), StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(Http.CookieFrom(reuse, Cookie)));

        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(newest.Refresh));
        await using var mux = await api.Store!.ConnectAsync();
        Assert.False(await mux.GetDatabase().KeyExistsAsync(RefreshTokenStore.FamilyKey(login.Refresh)));
        // The access token is self-contained: it stays valid until exp (the arm's revocation window).
        Assert.Equal(HttpStatusCode.OK, await api.MeStatusAsync(newest.Access));
    }

    [Fact]
    public async Task An_access_token_sent_to_refresh_gets_401_as_bearer_or_as_the_cookie()
    {
        var login = await LoginAsync("user14");
        using (var bearer = await api.Client.SendAsync(RefreshRequest(null, "Bearer " + login.Access)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bearer.StatusCode);
            Assert.False(bearer.Headers.Contains("Set-Cookie"));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(login.Access));
        // Neither attempt touched the family.
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(login.Refresh));
    }

    public static TheoryData<string> BadRefreshCookies() => new()
    {
        "",
        "garbage",
        "AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // well-formed, never issued
        "AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*", // one character outside base64url
        "AAAAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // no separator
    };

    [Theory]
    [MemberData(nameof(BadRefreshCookies))]
    public async Task An_unknown_or_malformed_refresh_token_gets_401(string value)
    {
        using var response = await api.Client.SendAsync(RefreshRequest($"{Cookie}={value}"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"invalid_grant"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task No_refresh_cookie_two_of_them_or_one_in_another_letter_case_gets_401()
    {
        var login = await LoginAsync("user15");
        var other = await LoginAsync("user16");
        foreach (var header in new string?[]
        {
            null,
            $"{Cookie}={login.Refresh}; {Cookie}={other.Refresh}",
            $"{Cookie.ToUpperInvariant()}={login.Refresh}",
            $"{ArmCatalogue.SessionCookieName}={login.Refresh}",
        })
        {
            using var response = await api.Client.SendAsync(RefreshRequest(header));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        // Refused before the store was asked: both families are intact.
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(login.Refresh));
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(other.Refresh));
    }

    [Fact]
    public async Task A_wrong_secret_in_a_known_family_gets_401_and_does_not_end_the_family()
    {
        var login = await LoginAsync("user17");
        var family = login.Refresh[..(login.Refresh.IndexOf('.', StringComparison.Ordinal) + 1)];
        var forged = family + RedisSessionStore.NewId();
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(forged));
        // Only someone who held a token of the family can end it: a guessed secret is unknown, not reuse.
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(login.Refresh));
    }

    [Fact]
    public async Task The_refresh_token_is_not_an_api_credential()
    {
        var login = await LoginAsync("user18");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.TryAddWithoutValidation("Cookie", $"{Cookie}={login.Refresh}");
        using (var response = await api.Client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await api.MeStatusAsync(login.Refresh));
    }

    /// <summary>
    /// The refresh cookie is a credential a browser attaches by itself (to <c>/auth</c>), so the arm needs the cookie
    /// arms' CSRF guard although its API requests carry a bearer token: SameSite=Strict does not separate a sibling
    /// subdomain, which could otherwise end the family (logout), rotate it (refresh) or plant a refresh cookie of its
    /// own account (login). Each is refused with 403 before it does anything; the family still works.
    /// </summary>
    [Theory]
    [InlineData("/auth/refresh", "Sec-Fetch-Site", "same-site")]
    [InlineData("/auth/refresh", "Sec-Fetch-Site", "cross-site")]
    [InlineData("/auth/logout", "Sec-Fetch-Site", "same-site")]
    [InlineData("/auth/logout", "Origin", "https://evil.example")]
    [InlineData("/auth/login", "Sec-Fetch-Site", "same-site")]
    public async Task A_cross_origin_request_to_auth_gets_403_and_leaves_the_family_alone(string path, string header, string value)
    {
        var login = await LoginAsync("user28");
        using var request = path == "/auth/login"
            ? new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { username = "user29", password = Http.Password }) }
            : RefreshRequest($"{Cookie}={login.Refresh}");
        request.RequestUri = new Uri(path, UriKind.Relative);
        request.Headers.TryAddWithoutValidation(header, value);
        using (var response = await api.Client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("cross_origin_request", (await response.JsonAsync()).GetProperty("error").GetString());
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
        // Nothing happened: the presented token is still the family's current one.
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(login.Refresh));
    }

    [Fact]
    public async Task Logout_with_the_refresh_cookie_ends_the_family_and_clears_the_cookie()
    {
        var login = await LoginAsync("user19");
        using var rotated = await RefreshAsync(login.Refresh);
        var newest = await TokensFromAsync(rotated);
        var other = await LoginAsync("user19");

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.TryAddWithoutValidation("Cookie", $"{Cookie}={newest.Refresh}");
        using (var response = await api.Client.SendAsync(logout))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Contains("expires=thu, 01 jan 1970", SetCookie(response).ToLowerInvariant(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(newest.Refresh));
        // The user's other login is another family; the access token lives until exp.
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(other.Refresh));
        Assert.Equal(HttpStatusCode.OK, await api.MeStatusAsync(newest.Access));
        await using var mux = await api.Store!.ConnectAsync();
        Assert.False(await mux.GetDatabase().SetContainsAsync(RefreshTokenStore.UserIndexPrefix + "user19",
            newest.Refresh[..newest.Refresh.IndexOf('.', StringComparison.Ordinal)]));
    }

    /// <summary>
    /// CSRF: a browser attaches the refresh cookie (Path=/auth) by itself, so a cross-origin refresh or logout is
    /// refused with 403 before the store is asked: the token is neither rotated nor ended, and still works.
    /// </summary>
    [Theory]
    [InlineData("/auth/refresh", "Sec-Fetch-Site", "cross-site")]
    [InlineData("/auth/refresh", "Sec-Fetch-Site", "same-site")]
    [InlineData("/auth/refresh", "Origin", "https://evil.example")]
    [InlineData("/auth/logout", "Sec-Fetch-Site", "cross-site")]
    [InlineData("/auth/logout", "Origin", "null")]
    public async Task Cross_origin_refresh_or_logout_with_the_refresh_cookie_gets_403_and_leaves_the_family_alone(string path, string header, string value)
    {
        var login = await LoginAsync("user28");
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.TryAddWithoutValidation("Cookie", $"{Cookie}={login.Refresh}");
        request.Headers.TryAddWithoutValidation(header, value);
        using (var response = await api.Client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("cross_origin_request", (await response.JsonAsync()).GetProperty("error").GetString());
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(login.Refresh));
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Sec-Fetch-Site", "none")]
    [InlineData("Origin", "http://localhost")]
    public async Task Same_origin_refresh_and_logout_with_the_refresh_cookie_pass(string header, string value)
    {
        var login = await LoginAsync("user29");
        using var refresh = RefreshRequest($"{Cookie}={login.Refresh}");
        refresh.Headers.TryAddWithoutValidation(header, value);
        using var rotated = await api.Client.SendAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var next = await TokensFromAsync(rotated);

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.TryAddWithoutValidation("Cookie", $"{Cookie}={next.Refresh}");
        logout.Headers.TryAddWithoutValidation(header, value);
        using (var response = await api.Client.SendAsync(logout))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(next.Refresh));
    }

    [Fact]
    public async Task The_guard_covers_only_the_refresh_cookies_path_so_cross_origin_api_and_admin_calls_with_a_bearer_token_are_not_refused()
    {
        var login = await LoginAsync("user30");
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        me.Headers.TryAddWithoutValidation("Authorization", $"Bearer {login.Access}");
        me.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        using (var response = await api.Client.SendAsync(me))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var admin = new HttpRequestMessage(HttpMethod.Post, "/admin/users/user30/revoke");
        admin.Headers.Add("X-Admin-Key", ArmFixture.AdminKey);
        admin.Headers.Add("Sec-Fetch-Site", "cross-site");
        using (var response = await api.Client.SendAsync(admin))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Admin_revoke_ends_every_family_of_the_user_and_no_other()
    {
        var first = await LoginAsync("user20");
        var second = await LoginAsync("user20");
        using var rotated = await RefreshAsync(second.Refresh);
        var secondNewest = await TokensFromAsync(rotated);
        var other = await LoginAsync("user21");

        var body = await api.AdminRevokeAsync("user20");
        Assert.Equal(2, body.GetProperty("revokedSessions").GetInt64());

        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(first.Refresh));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(secondNewest.Refresh));
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(other.Refresh));
        // A new login after the revoke starts a working family.
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync((await LoginAsync("user20")).Refresh));
    }

    [Fact]
    public async Task Concurrent_refreshes_of_one_token_rotate_it_once_and_the_rest_are_reuse()
    {
        var login = await LoginAsync("user22");
        const int parallel = 16;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            using var response = await RefreshAsync(login.Refresh);
            return (response.StatusCode, Token: response.StatusCode == HttpStatusCode.OK ? Http.CookieFrom(response, Cookie) : null);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(attempts);

        // The Lua script runs atomically: exactly one rotation, never two children of one token.
        var winners = results.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        Assert.Equal(parallel - 1, results.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        // The losers presented a used token: reuse, so the family is gone, the winner's new token with it.
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(winners[0].Token!));
    }

    [Fact]
    public async Task A_plan_change_reaches_the_access_token_at_the_next_refresh()
    {
        var login = await LoginAsync("user23");
        using (var plan = new HttpRequestMessage(HttpMethod.Post, "/admin/users/user23/plan") { Content = JsonContent.Create(new { plan = "gold" }) })
        {
            plan.Headers.Add("X-Admin-Key", ArmFixture.AdminKey);
            using var response = await api.Client.SendAsync(plan);
            // The plan endpoint answers 200 with a body (sub, plan, rewritten, note) since the transport branch.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.NotEqual("gold", await PlanAsync(login.Access));
        using var refreshed = await RefreshAsync(login.Refresh);
        Assert.Equal("gold", await PlanAsync((await TokensFromAsync(refreshed)).Access));
    }

    private async Task<string?> PlanAsync(string access)
    {
        using var me = await api.SendAsync(HttpMethod.Get, "/api/me", access);
        return (await me.JsonAsync()).GetProperty("plan").GetString();
    }

    [Fact]
    public async Task An_expired_access_token_gets_401_while_its_refresh_token_still_works()
    {
        var login = await LoginAsync("user24");
        var tokens = new JwtTokens(api.Keys, ClaimProfile.Typical);
        var expired = tokens.Issue(ClaimProfiles.ForUser(new UserDirectory().Find("user24")!, ClaimProfile.Typical),
            now: DateTimeOffset.UtcNow - TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.Unauthorized, await api.MeStatusAsync(expired));
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(login.Refresh));
    }

    [Fact]
    public async Task With_the_store_stopped_refresh_and_a_family_logout_get_503_and_api_requests_still_work()
    {
        var login = await LoginAsync("user25");
        await api.Store!.StopAsync();
        try
        {
            await AssertRefreshAndFamilyLogoutFailClosedAsync(login.Refresh);
            // The access token is self-contained: no store per request.
            Assert.Equal(HttpStatusCode.OK, await api.MeStatusAsync(login.Access));
            // Bad input stays 401 without the store: it is refused before any round trip.
            Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync("garbage"));
        }
        finally
        {
            await api.Store.StartAsync();
        }
        // The store came back empty: the old family is gone (401, not 5xx), and a new login works.
        HttpStatusCode status;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((status = await RefreshStatusAsync(login.Refresh)) == HttpStatusCode.ServiceUnavailable && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync((await LoginAsync("user25")).Refresh));
    }

    [Fact]
    public async Task With_the_store_paused_refresh_and_a_family_logout_get_503_within_the_timeout_and_api_requests_still_work()
    {
        var login = await LoginAsync("user26");
        await api.Store!.PauseAsync();
        try
        {
            await AssertRefreshAndFamilyLogoutFailClosedAsync(login.Refresh);
            Assert.Equal(HttpStatusCode.OK, await api.MeStatusAsync(login.Access));
        }
        finally
        {
            await api.Store.ResumeAsync();
        }
    }

    /// <summary>Refresh and a logout that must end a family answer 503 + Retry-After, uncacheable, and set no cookie.</summary>
    private async Task AssertRefreshAndFamilyLogoutFailClosedAsync(string refresh)
    {
        using (var response = await RefreshAsync(refresh))
        {
            AssertStoreUnavailable(response);
            Assert.Equal("store_unavailable", (await response.JsonAsync()).GetProperty("error").GetString());
        }
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.TryAddWithoutValidation("Cookie", $"{Cookie}={refresh}");
        using (var response = await api.Client.SendAsync(logout))
        {
            AssertStoreUnavailable(response);
        }
    }

    private static void AssertStoreUnavailable(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task On_a_fake_clock_a_family_ends_at_its_absolute_lifetime_however_often_it_rotates()
    {
        // Whole milliseconds: the store keeps expiries in Unix milliseconds.
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await using var factory = api.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("refresh-lifetime", "2h");
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
        });
        using var client = factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        using var login = await client.LoginAsync("user27");
        Assert.Equal(7200, (await login.JsonAsync()).GetProperty("refresh_expires_in").GetInt64());
        var refresh = Http.CookieFrom(login, Cookie)!;

        // Rotated every 15 minutes (as a client renewing a 15-minute access token would): each new token keeps the
        // family's expiry, so the cookie's Max-Age shrinks and the family ends two hours after the login.
        for (var elapsed = TimeSpan.FromMinutes(15); elapsed < TimeSpan.FromHours(2); elapsed += TimeSpan.FromMinutes(15))
        {
            clock.Advance(TimeSpan.FromMinutes(15));
            using var response = await RefreshAsync(refresh, client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal((long)(TimeSpan.FromHours(2) - elapsed).TotalSeconds, (await response.JsonAsync()).GetProperty("refresh_expires_in").GetInt64());
            refresh = Http.CookieFrom(response, Cookie)!;
        }
        clock.Advance(TimeSpan.FromMinutes(15));
        using var expired = await RefreshAsync(refresh, client);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        await using var mux = await api.Store!.ConnectAsync();
        Assert.False(await mux.GetDatabase().KeyExistsAsync(RefreshTokenStore.FamilyKey(refresh)));
    }
}
