using System.Net;
using AuthBench.Core;

namespace AuthBench.Api.Tests;

/// <summary>
/// What the jwt-denylist arm adds to its contract (<see cref="JwtDenylistHs256ContractTests"/>): how long the
/// revocation marker lives, and that only a token that authenticates can revoke anything.
/// </summary>
public sealed class JwtDenylistArmTests(JwtDenylistHs256ContractTests.Api api) : IClassFixture<JwtDenylistHs256ContractTests.Api>
{
    [Fact]
    public async Task Logout_marker_lives_for_the_token_lifetime_plus_skew_not_forever()
    {
        await api.LogoutAsync(await api.LoginAsync("user31"));
        Assert.Equal(HttpStatusCode.Unauthorized, await api.MeStatusAsync(await api.LoginAsync("user31")));

        await using var mux = await api.Store!.ConnectAsync();
        var ttl = await mux.GetDatabase().KeyTimeToLiveAsync(RevocationList.KeyPrefix + "user31");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(15), JwtTokens.DefaultLifetime + JwtTokens.ClockSkew + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Bad_tokens_get_401_and_a_logout_without_a_valid_token_revokes_nothing()
    {
        var token = await api.LoginAsync("user51");
        var tampered = token![..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");
        foreach (var authorization in new string?[] { null, "Bearer", "Bearer garbage", "Bearer " + tampered, "Basic dXNlcjUxOng=" })
        {
            using var me = await api.Client.GetWithAuthorizationAsync("/api/me", authorization);
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
        // A token signed with another key names user51 but proves nothing: logging out with it must not revoke user51.
        using var otherKeys = JwtKeySet.Generate(JwtAlgorithm.HS256);
        var forged = new JwtTokens(otherKeys, ClaimProfile.Typical).Issue(new UserDirectory(100, Http.Password).Find("user51")!);
        await api.LogoutAsync(forged);
        await using var mux = await api.Store!.ConnectAsync();
        Assert.False(await mux.GetDatabase().KeyExistsAsync(RevocationList.KeyPrefix + "user51"));
        Assert.Equal(HttpStatusCode.OK, await api.MeStatusAsync(token));
    }
}
