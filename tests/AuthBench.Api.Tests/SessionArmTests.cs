using System.Net;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using StackExchange.Redis;

namespace AuthBench.Api.Tests;

public sealed class SessionArmTests(StoreFixture redis) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = ApiFactory.Session(redis.ConnectionString);
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Login_sets_a_host_prefixed_secure_cookie_and_says_no_store()
    {
        using var response = await _client.LoginAsync("user42");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("user42", (await response.JsonAsync()).GetProperty("sub").GetString());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-sid=", cookie, StringComparison.Ordinal);
        var attributes = cookie.Split("; ").Skip(1).Select(a => a.ToLowerInvariant()).ToHashSet();
        Assert.Superset(new HashSet<string> { "path=/", "secure", "httponly", "samesite=strict" }, attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var id = Http.SessionIdFrom(response)!;
        Assert.True(RedisSessionStore.IsWellFormedId(id));
    }

    [Fact]
    public async Task Login_me_logout_me_gives_200_then_401()
    {
        var id = await _client.LoginSessionAsync("user42");

        using var me = await _client.GetWithCookieAsync("/api/me", id);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.JsonAsync();
        Assert.Equal("user42", body.GetProperty("sub").GetString());
        Assert.Equal("Demo User 42", body.GetProperty("name").GetString());
        Assert.Equal("user42@example.test", body.GetProperty("email").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("role").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("plan").GetString()));

        using var items = await _client.GetWithCookieAsync("/api/items", id);
        Assert.Equal(HttpStatusCode.OK, items.StatusCode);
        Assert.Equal(8, (await items.JsonAsync()).GetArrayLength());

        using var logout = await _client.PostWithCookieAsync("/auth/logout", id);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        using var after = await _client.GetWithCookieAsync("/api/me", id);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Session_lives_in_the_store_with_the_idle_timeout_as_ttl()
    {
        var id = await _client.LoginSessionAsync("user7");
        await using var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var ttl = await mux.GetDatabase().KeyTimeToLiveAsync(RedisSessionStore.KeyPrefix + id);

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));
    }

    [Fact]
    public async Task Login_always_issues_a_new_id_and_ends_the_previous_one()
    {
        var first = await _client.LoginSessionAsync("user3");
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { username = "user3", password = Http.Password }),
        };
        request.Headers.Add("Cookie", $"{ArmCatalogue.SessionCookieName}={first}");
        using var second = await _client.SendAsync(request);
        var secondId = Http.SessionIdFrom(second);

        Assert.NotNull(secondId);
        Assert.NotEqual(first, secondId);
        using var old = await _client.GetWithCookieAsync("/api/me", first);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // well formed, unknown
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*")]
    [InlineData("%0d%0aSet-Cookie:%20x=1")]
    public async Task Bad_session_cookie_is_rejected_with_401(string value)
    {
        using var response = await _client.GetWithCookieAsync("/api/me", value);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Tampered_session_id_is_rejected_with_401()
    {
        var id = await _client.LoginSessionAsync("user5");
        var tampered = (id[0] == 'A' ? 'B' : 'A') + id[1..];
        using var response = await _client.GetWithCookieAsync("/api/me", tampered);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Missing_credential_is_rejected_with_401()
    {
        using var response = await _client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Session_id_in_a_query_string_or_bearer_header_is_ignored()
    {
        var id = await _client.LoginSessionAsync("user9");
        using var query = await _client.GetAsync($"/api/me?{ArmCatalogue.SessionCookieName}={id}");
        using var bearer = await _client.GetWithAuthorizationAsync("/api/me", "Bearer " + id);
        Assert.Equal(HttpStatusCode.Unauthorized, query.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bearer.StatusCode);
    }

    [Theory]
    [InlineData("user42", "wrong")]
    [InlineData("nobody", Http.Password)]
    [InlineData("user0", Http.Password)]
    [InlineData("user99999", Http.Password)]
    public async Task Wrong_password_and_unknown_user_get_the_same_401(string user, string password)
    {
        using var response = await _client.LoginAsync(user, password);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"invalid_credentials"}""", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Health_is_anonymous()
    {
        using var response = await _client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
