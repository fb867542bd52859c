using System.Diagnostics;
using System.Net;
using AuthBench.Core;
using StackExchange.Redis;

namespace AuthBench.Api.Tests;

/// <summary>
/// The jwt-denylist arm: the jwt arm's token and validation, plus one store read per request that rejects a revoked
/// user's tokens. Logout and the admin revoke take effect on the next request; a store that does not answer fails closed.
/// </summary>
public sealed class JwtDenylistArmTests(StoreFixture redis) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private const string AdminKey = "denylist-tests-admin-key";
    private readonly string _keyFile = Path.GetTempFileName();
    private ApiFactory _api = null!;
    private ApiFactory _jwt = null!;

    public Task InitializeAsync()
    {
        using var keys = JwtKeySet.Generate(JwtAlgorithm.HS256);
        File.WriteAllText(_keyFile, keys.ExportPrivate());
        _api = ApiFactory.JwtDenylist(_keyFile, redis.ConnectionString, AdminKey);
        _jwt = ApiFactory.Jwt(_keyFile, JwtAlgorithm.HS256);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _jwt.DisposeAsync();
        File.Delete(_keyFile);
    }

    private async Task<IDatabase> StoreAsync()
    {
        var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return mux.GetDatabase();
    }

    private static Task<HttpResponseMessage> MeAsync(HttpClient client, string token) =>
        client.GetWithAuthorizationAsync("/api/me", "Bearer " + token);

    private static async Task AssertMeAsync(HttpClient client, string token, HttpStatusCode expected)
    {
        using var me = await MeAsync(client, token);
        Assert.Equal(expected, me.StatusCode);
    }

    private static async Task LogoutAsync(HttpClient client, string token)
    {
        var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await client.SendAsync(logout);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Revocation is per second of <c>iat</c>: a new login must fall in a later second than the revocation.</summary>
    private static async Task NextSecondAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromMilliseconds(1050 - now.Millisecond));
    }

    [Fact]
    public async Task Login_me_logout_then_the_same_token_gets_401_and_other_users_are_unaffected()
    {
        var client = _api.CreateClient();
        var token = await client.LoginTokenAsync("user31");
        var other = await client.LoginTokenAsync("user32");
        using (var me = await MeAsync(client, token))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal("user31", (await me.JsonAsync()).GetProperty("sub").GetString());
        }

        await LogoutAsync(client, token);

        await AssertMeAsync(client, token, HttpStatusCode.Unauthorized);
        await AssertMeAsync(client, other, HttpStatusCode.OK);
        // The marker lives in the store for the token lifetime plus skew, not forever.
        var ttl = await (await StoreAsync()).KeyTimeToLiveAsync(RevocationList.KeyPrefix + "user31");
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(15), JwtTokens.DefaultLifetime + JwtTokens.ClockSkew + TimeSpan.FromMinutes(1));

        await NextSecondAsync();
        var fresh = await client.LoginTokenAsync("user31");
        await AssertMeAsync(client, fresh, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Admin_revoke_ends_every_token_of_the_user_while_the_jwt_arm_keeps_accepting_its_token()
    {
        var client = _api.CreateClient();
        var first = await client.LoginTokenAsync("user41");
        var second = await client.LoginTokenAsync("user41");
        var jwtClient = _jwt.CreateClient();
        var plain = await jwtClient.LoginTokenAsync("user41");

        var revoke = new HttpRequestMessage(HttpMethod.Post, "/admin/users/user41/revoke");
        revoke.Headers.Add("X-Admin-Key", AdminKey);
        using (var response = await client.SendAsync(revoke))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("jwt-denylist", (await response.JsonAsync()).GetProperty("note").GetString(), StringComparison.Ordinal);
        }

        foreach (var token in new[] { first, second })
        {
            await AssertMeAsync(client, token, HttpStatusCode.Unauthorized);
        }
        // The plain jwt arm has nothing to consult: the same user's token stays valid until exp.
        await AssertMeAsync(jwtClient, plain, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bad_tokens_get_401_and_a_logout_without_a_valid_token_revokes_nothing()
    {
        var client = _api.CreateClient();
        var token = await client.LoginTokenAsync("user51");
        var tampered = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");
        foreach (var authorization in new string?[] { null, "Bearer", "Bearer garbage", "Bearer " + tampered, "Basic dXNlcjUxOng=" })
        {
            using var me = await client.GetWithAuthorizationAsync("/api/me", authorization);
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
        // A token signed with another key names user51 but proves nothing: logging out with it must not revoke user51.
        using var otherKeys = JwtKeySet.Generate(JwtAlgorithm.HS256);
        var forged = new JwtTokens(otherKeys, ClaimProfile.Typical).Issue(new UserDirectory(100, Http.Password).Find("user51")!);
        await LogoutAsync(client, forged);
        Assert.False(await (await StoreAsync()).KeyExistsAsync(RevocationList.KeyPrefix + "user51"));
        await AssertMeAsync(client, token, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Store_down_gives_503_with_retry_after_never_200_and_the_arm_recovers_by_itself()
    {
        var client = _api.CreateClient();
        var token = await client.LoginTokenAsync("user61");
        await AssertMeAsync(client, token, HttpStatusCode.OK);

        await redis.StopAsync();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                using var me = await MeAsync(client, token);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, me.StatusCode);
                Assert.Equal("1", me.Headers.GetValues("Retry-After").Single());
                Assert.Equal("store_unavailable", (await me.JsonAsync()).GetProperty("error").GetString());
            }
            // A bad token is still a 401: the store is consulted only after the signature.
            using var bad = await client.GetWithAuthorizationAsync("/api/me", "Bearer garbage");
            Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        }
        finally
        {
            await redis.StartAsync();
        }

        // Recovery without restarting the API: a bounded wait (how fast is a load-test figure, not a test).
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var me = await MeAsync(client, token);
            status = me.StatusCode;
            Assert.NotEqual(HttpStatusCode.Unauthorized, status);
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }
        while (status != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
