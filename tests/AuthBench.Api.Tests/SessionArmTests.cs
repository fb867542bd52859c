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
}
