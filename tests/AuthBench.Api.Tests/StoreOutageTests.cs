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
        var jwtClient = _jwt.CreateClient();
        var id = await sessionClient.LoginSessionAsync("user11");
        var token = await jwtClient.LoginTokenAsync("user11");

        await redis.Store.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            using var me = await sessionClient.GetWithCookieAsync("/api/me", id);
            output.WriteLine($"503 after {clock.ElapsedMilliseconds} ms (store stopped)");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, me.StatusCode);
            Assert.Equal("1", me.Headers.GetValues("Retry-After").Single());
            Assert.Equal("store_unavailable", (await me.JsonAsync()).GetProperty("error").GetString());

            using var login = await sessionClient.LoginAsync("user12");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
            Assert.False(login.Headers.Contains("Set-Cookie"));

            using var jwtMe = await jwtClient.GetWithAuthorizationAsync("/api/me", "Bearer " + token);
            Assert.Equal(HttpStatusCode.OK, jwtMe.StatusCode);
        }
        finally
        {
            await redis.Store.StartAsync();
        }

        // Recovery without a restart of the API (bounded wait; how fast is a load-test figure, not a test).
        var recovered = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var again = await sessionClient.LoginAsync("user13");
            status = again.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }
        while (status != HttpStatusCode.OK && recovered.Elapsed < TimeSpan.FromSeconds(15));
        output.WriteLine($"session arm recovered after {recovered.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Store_paused_gives_503_in_session_and_200_in_jwt_and_the_same_session_works_after_resume()
    {
        var sessionClient = _session.CreateClient();
        var jwtClient = _jwt.CreateClient();
        var id = await sessionClient.LoginSessionAsync("user21");
        var token = await jwtClient.LoginTokenAsync("user21");

        await redis.Store.PauseAsync(); // SIGSTOP: the store holds the connection open and never answers
        try
        {
            var clock = Stopwatch.StartNew();
            using var me = await sessionClient.GetWithCookieAsync("/api/me", id);
            output.WriteLine($"503 after {clock.ElapsedMilliseconds} ms (store paused)");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, me.StatusCode);
            Assert.Equal("1", me.Headers.GetValues("Retry-After").Single());

            using var login = await sessionClient.LoginAsync("user22");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
            Assert.False(login.Headers.Contains("Set-Cookie"));

            using var jwtMe = await jwtClient.GetWithAuthorizationAsync("/api/me", "Bearer " + token);
            Assert.Equal(HttpStatusCode.OK, jwtMe.StatusCode);
        }
        finally
        {
            await redis.Store.ResumeAsync();
        }

        // A paused store keeps its data: the session that existed before the pause works again.
        var recovered = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var again = await sessionClient.GetWithCookieAsync("/api/me", id);
            status = again.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }
        while (status != HttpStatusCode.OK && recovered.Elapsed < TimeSpan.FromSeconds(15));
        output.WriteLine($"session arm answered 200 again {recovered.ElapsedMilliseconds} ms after resume");
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
