using System.Diagnostics;
using System.Net;
using AuthBench.Core;
using Xunit.Abstractions;

namespace AuthBench.Api.Tests;

/// <summary>Fail closed: with the store down the session arm answers 503 + Retry-After, never 200; the jwt arm is unaffected.</summary>
public sealed class StoreOutageTests(RestartableRedisFixture redis, ITestOutputHelper output) : IClassFixture<RestartableRedisFixture>, IAsyncLifetime
{
    private readonly string _keyFile = Path.GetTempFileName();
    private ApiFactory _session = null!;
    private ApiFactory _jwt = null!;

    public Task InitializeAsync()
    {
        using var keys = JwtKeySet.Generate(JwtAlgorithm.HS256);
        File.WriteAllText(_keyFile, keys.ExportPrivate());
        _session = ApiFactory.Session(redis.ConnectionString);
        _jwt = ApiFactory.Jwt(_keyFile, JwtAlgorithm.HS256);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _jwt.DisposeAsync();
        File.Delete(_keyFile);
        if (!await IsUpAsync())
        {
            await redis.Store.StartAsync();
        }
    }

    private async Task<bool> IsUpAsync()
    {
        try
        {
            await using var mux = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",abortConnect=false,connectTimeout=500");
            return mux.IsConnected;
        }
        catch (StackExchange.Redis.RedisException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Store_down_gives_503_with_retry_after_in_session_and_200_in_jwt_then_session_recovers()
    {
        var sessionClient = _session.CreateClient();
        await OutageAsync("stopped", redis.Store.StopAsync, redis.Store.StartAsync, "user11", "user12");

        // A restarted store without persistence has forgotten every session: recovery means a login works again.
        await WaitForOkAsync("a login", () => sessionClient.LoginAsync("user13"));
    }

    [Fact]
    public async Task Store_paused_gives_503_in_session_and_200_in_jwt_and_the_same_session_works_after_resume()
    {
        // SIGSTOP: the store keeps the connection open and never answers, so only the timeouts can end the wait.
        var id = await OutageAsync("paused", redis.Store.PauseAsync, redis.Store.ResumeAsync, "user21", "user22");

        // A paused store keeps its data: the session that existed before the pause works again.
        var sessionClient = _session.CreateClient();
        await WaitForOkAsync("the old session", () => sessionClient.GetWithCookieAsync("/api/me", id));
    }

    /// <summary>
    /// Logs a user in to both arms, takes the store away, and checks the arms during the outage: the session arm fails
    /// closed (503 + Retry-After, login sets no cookie), the jwt arm keeps answering. Returns the session id.
    /// </summary>
    private async Task<string> OutageAsync(string how, Func<CancellationToken, Task> takeAway, Func<CancellationToken, Task> giveBack, string user, string otherUser)
    {
        var sessionClient = _session.CreateClient();
        var jwtClient = _jwt.CreateClient();
        var id = await sessionClient.LoginSessionAsync(user);
        var token = await jwtClient.LoginTokenAsync(user);

        await takeAway(CancellationToken.None);
        try
        {
            var clock = Stopwatch.StartNew();
            using var me = await sessionClient.GetWithCookieAsync("/api/me", id);
            output.WriteLine($"503 after {clock.ElapsedMilliseconds} ms (store {how})");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, me.StatusCode);
            Assert.Equal("1", me.Headers.GetValues("Retry-After").Single());
            Assert.Equal("store_unavailable", (await me.JsonAsync()).GetProperty("error").GetString());

            using var login = await sessionClient.LoginAsync(otherUser);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
            Assert.False(login.Headers.Contains("Set-Cookie"));

            using var jwtMe = await jwtClient.GetWithAuthorizationAsync("/api/me", "Bearer " + token);
            Assert.Equal(HttpStatusCode.OK, jwtMe.StatusCode);
        }
        finally
        {
            await giveBack(CancellationToken.None);
        }
        return id;
    }

    /// <summary>Recovery without a restart of the API: a bounded wait (how fast is a load-test figure, not a test).</summary>
    private async Task WaitForOkAsync(string what, Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var response = await send();
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }
        while (status != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(15));
        output.WriteLine($"{what} answered 200 again {clock.ElapsedMilliseconds} ms after the store returned");
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
