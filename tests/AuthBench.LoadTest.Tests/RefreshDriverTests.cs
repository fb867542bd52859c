using System.Net;
using System.Text;
using AuthBench.Contracts.Arms;
using AuthBench.LoadTest.Clients;
using AuthBench.LoadTest.Engine;

namespace AuthBench.LoadTest.Tests;

/// <summary>
/// The refresh-only driver: each request presents one user's current refresh token, the rotated token replaces it,
/// no user has two refreshes in flight (reuse would end the family), and what cannot be trusted is dropped and counted.
/// </summary>
public sealed class RefreshDriverTests
{
    private const string Cookie = ArmCatalogue.RefreshCookieName;

    private static string Text(ReadOnlyMemory<byte> request) => Encoding.ASCII.GetString(request.Span);

    private static byte[] Head(string setCookie) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nset-cookie: {setCookie}\r\nCache-Control: no-store");

    private static string? TokenOf(string request) =>
        request.Split("\r\n").FirstOrDefault(l => l.StartsWith("Cookie: ", StringComparison.Ordinal))?[$"Cookie: {Cookie}=".Length..];

    [Fact]
    public void A_request_is_a_post_to_refresh_with_the_users_cookie_and_no_body()
    {
        var driver = new RefreshDriver(["rt-a"], "127.0.0.1:5000");

        Assert.Equal($"POST /auth/refresh HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nCookie: {Cookie}=rt-a\r\nContent-Length: 0\r\n\r\n", Text(driver.RequestFor(0)));
    }

    [Fact]
    public void The_rotated_token_replaces_the_users_token_and_no_user_has_two_refreshes_in_flight()
    {
        var driver = new RefreshDriver(["rt-a", null, "rt-b"], "h");
        Assert.Equal(2, driver.UsersWithToken);

        Assert.Equal("rt-a", TokenOf(Text(driver.RequestFor(0))));
        Assert.Equal("rt-b", TokenOf(Text(driver.RequestFor(1))));
        // Both users are in flight: the third request carries no token, and says so.
        Assert.Null(TokenOf(Text(driver.RequestFor(2))));
        driver.OnEnded(2, 401, null, TimeSpan.FromMilliseconds(1));

        driver.OnHead(0, 200, Head($"{Cookie}=rt-a2; max-age=2592000; path=/auth; secure; samesite=strict; httponly"));
        driver.OnEnded(0, 200, null, TimeSpan.FromMilliseconds(2));
        Assert.Equal("rt-a2", TokenOf(Text(driver.RequestFor(3))));

        var stats = driver.Stats.Snapshot();
        Assert.Equal(1, stats.Succeeded);
        Assert.Equal(1, stats.NoFreeUser);
        Assert.Equal(1, stats.Rejected);
        Assert.Equal(0, stats.UsersLost);
    }

    [Theory]
    [InlineData(503, null, true)]
    [InlineData(0, "connection_refused", true)]
    [InlineData(401, null, false)]
    [InlineData(0, "no_answer", false)]
    [InlineData(500, null, false)]
    public void A_token_is_kept_only_where_the_server_cannot_have_rotated_it(int status, string? error, bool kept)
    {
        var driver = new RefreshDriver(["rt-a"], "h");
        _ = driver.RequestFor(0);

        driver.OnEnded(0, status, error, TimeSpan.FromMilliseconds(1));

        var next = TokenOf(Text(driver.RequestFor(1)));
        Assert.Equal(kept ? "rt-a" : null, next);
        Assert.Equal(kept ? 1 : 0, driver.UsersWithToken);
        Assert.Equal(kept ? 0 : 1, driver.Stats.Snapshot().UsersLost);
    }

    [Fact]
    public void An_answer_that_rotated_the_token_counts_even_when_the_body_was_lost()
    {
        var driver = new RefreshDriver(["rt-a"], "h");
        _ = driver.RequestFor(0);
        driver.OnHead(0, 200, Head($"{Cookie}=rt-a2; path=/auth"));
        driver.OnEnded(0, 200, "no_answer", TimeSpan.FromMilliseconds(1));

        Assert.Equal("rt-a2", TokenOf(Text(driver.RequestFor(1))));
    }

    [Theory]
    [InlineData("__Secure-refresh=abc.def; path=/auth", "abc.def")]
    [InlineData("__Secure-refresh=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/auth", null)]
    [InlineData("__Host-sid=abc; path=/", null)]
    public void The_refresh_cookie_is_read_from_the_response_head(string setCookie, string? expected) =>
        Assert.Equal(expected, RefreshDriver.SetCookieValue(Head(setCookie)));

    /// <summary>
    /// End to end over sockets: a fake API that rotates tokens and answers a reused one with 401 (ending nothing else),
    /// the pool's logins handed over, the engine open loop at 200 req/s: every refresh rotates, none is a reuse.
    /// </summary>
    [Fact]
    public async Task Open_loop_refreshes_rotate_every_token_without_a_reuse()
    {
        const int users = 20;
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        var reused = 0;
        var next = 0;
        LoginAnswer Tokens(string refresh) => new(200, $"{Cookie}={refresh}; max-age=2592000; path=/auth; secure; samesite=strict; httponly",
            """{"access_token":"a","token_type":"Bearer","expires_in":900,"refresh_expires_in":2592000}""");
        using var server = new FakeLoginServer((n, user) =>
        {
            lock (current)
            {
                current[user] = $"rt-{user}-0";
                return Tokens(current[user]);
            }
        }, (n, cookie) =>
        {
            lock (current)
            {
                var token = cookie?[(Cookie.Length + 1)..];
                var user = current.FirstOrDefault(c => c.Value == token).Key;
                if (user is null)
                {
                    reused++;
                    return new LoginAnswer(401, null, """{"error":"invalid_grant"}""");
                }
                current[user] = $"rt-{user}-{++next}";
                return Tokens(current[user]);
            }
        });
        var arm = ArmCatalogue.All.First(a => a.Lifecycle is CredentialLifecycle.RefreshedThroughStore);
        await using var pool = await CredentialPool.LoginAllAsync(new RefreshTokenCredentialSource(arm, TimeProvider.System), arm.Label("HS256"),
            server.BaseUri, "/api/me", users, "pw", parallelism: 4, TimeProvider.System, log: null, CancellationToken.None);
        var driver = new RefreshDriver(await pool.HandOverRefreshTokensAsync(), server.BaseUri.Authority);
        var engine = new LoadEngine(new EngineOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, server.BaseUri.Port),
            RequestFor = driver.RequestFor,
            Tracker = driver,
            Connections = 4,
            RealtimePacing = false,
        });

        var m = await engine.RunOpenLoopAsync(rate: 200, duration: TimeSpan.FromSeconds(1));

        Assert.Equal(200, m.Recorder.Responses);
        Assert.Equal(0, reused);
        Assert.Equal(200, server.Refreshes);
        var stats = driver.Stats.Snapshot();
        Assert.Equal(200, stats.Succeeded);
        Assert.Equal(0, stats.Failures + stats.UsersLost + stats.NoFreeUser);
        Assert.Equal(users, driver.UsersWithToken);
        lock (current)
        {
            // Every user was refreshed (round-robin), ten times each.
            Assert.All(current.Values, t => Assert.False(t.EndsWith("-0", StringComparison.Ordinal)));
        }
    }
}
