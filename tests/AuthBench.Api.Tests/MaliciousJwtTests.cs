using System.Net;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Tests;

/// <summary>
/// Hostile bearer tokens against the running jwt arm, for each algorithm: every case gets 401 with an empty
/// body and a bare <c>WWW-Authenticate: Bearer</c> (no claims, no error details), never 200 and never 5xx.
/// </summary>
public abstract class MaliciousJwtTests(JwtApiFixture api)
{
    public static TheoryData<string> Cases => MaliciousTokens.Names();

    private async Task AssertRejectedAsync(IEnumerable<string> authorization, string path = "/api/me")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var value in authorization)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("Authorization", value));
        }
        using var response = await api.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("", body);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.False(api.Trap.Pending(), "the API opened a connection to a URL named by a token");
    }

    private async Task AssertAcceptedAsync(string token)
    {
        using var response = await api.Client.GetWithAuthorizationAsync("/api/me", "Bearer " + token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Jws.User, (await response.JsonAsync()).GetProperty("sub").GetString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_token_gets_401_without_claims(string name) =>
        await AssertRejectedAsync(MaliciousTokens.Build(name, api));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_token_gets_401_on_every_protected_endpoint(string name) =>
        await AssertRejectedAsync(MaliciousTokens.Build(name, api), "/api/items");

    // Positive controls: the crafter builds tokens the API accepts, so every 401 above is a near miss, not noise.

    [Fact]
    public async Task Control_token_crafted_by_hand_is_accepted() => await AssertAcceptedAsync(Jws.Valid(api.Keys));

    [Fact]
    public async Task Exp_just_inside_the_skew_is_accepted() =>
        await AssertAcceptedAsync(Jws.Token(Jws.Header(api.Keys), Jws.Payload(exp: (Jws.Now - 20).ToString(System.Globalization.CultureInfo.InvariantCulture)), Jws.With(api.Keys)));

    [Fact]
    public async Task Nbf_just_inside_the_skew_is_accepted() =>
        await AssertAcceptedAsync(Jws.Token(Jws.Header(api.Keys), Jws.Payload(extra: $",\"nbf\":{Jws.Now + 20}"), Jws.With(api.Keys)));

    [Fact]
    public async Task Aud_array_that_includes_us_is_accepted() =>
        await AssertAcceptedAsync(Jws.Token(Jws.Header(api.Keys), Jws.Payload(aud: $"[\"other-api\",\"{JwtTokens.Audience}\"]"), Jws.With(api.Keys)));

    [Fact]
    public async Task Token_of_exactly_the_size_limit_is_accepted()
    {
        var token = MaliciousTokens.AtMost(api, JwtTokens.MaximumTokenBytes);
        Assert.InRange(token.Length, JwtTokens.MaximumTokenBytes - 3, JwtTokens.MaximumTokenBytes);
        await AssertAcceptedAsync(token);
    }

    [Fact]
    public async Task Token_just_over_the_size_limit_gets_401()
    {
        // Signed with the server's key and otherwise valid: only its length can make the API refuse it.
        var token = MaliciousTokens.OfLength(api, JwtTokens.MaximumTokenBytes + 1);
        Assert.InRange(token.Length, JwtTokens.MaximumTokenBytes + 1, JwtTokens.MaximumTokenBytes + 4);
        await AssertRejectedAsync(["Bearer " + token]);
    }

    // Where else a token may not come from.

    [Theory]
    [InlineData("/api/me?access_token={0}")]
    [InlineData("/api/me?token={0}")]
    [InlineData("/api/me?authorization=Bearer%20{0}")]
    public async Task Token_in_the_query_string_is_ignored(string pathFormat) =>
        await AssertRejectedAsync([], string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, Jws.Valid(api.Keys)));

    [Fact]
    public async Task Token_in_a_cookie_or_another_header_is_ignored()
    {
        var token = Jws.Valid(api.Keys);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", $"access_token={token}; {ArmCatalogue.SessionCookieName}={token}");
        request.Headers.Add("X-Access-Token", token);
        request.Headers.Add("Proxy-Authorization", "Bearer " + token);
        using var response = await api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Token_in_a_form_body_is_ignored()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout")
        {
            Content = new FormUrlEncodedContent([new("access_token", Jws.Valid(api.Keys))]),
        };
        using var response = await api.Client.SendAsync(request);
        // Logout is anonymous; what matters is that /api/me with the same form is still refused.
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        var me = new HttpRequestMessage(HttpMethod.Get, "/api/me")
        {
            Content = new FormUrlEncodedContent([new("access_token", Jws.Valid(api.Keys))]),
        };
        using var meResponse = await api.Client.SendAsync(me);
        Assert.Equal(HttpStatusCode.Unauthorized, meResponse.StatusCode);
    }

    [Fact]
    public async Task Jku_and_x5u_never_make_the_api_connect_out()
    {
        foreach (var name in new[] { "jku pointing at a loopback listener", "x5u pointing at a loopback listener" })
        {
            await AssertRejectedAsync(MaliciousTokens.Build(name, api));
        }
        Assert.False(api.Trap.Pending());
    }
}

public sealed class MaliciousJwtHs256Tests(Hs256ApiFixture api) : MaliciousJwtTests(api), IClassFixture<Hs256ApiFixture>;

public sealed class MaliciousJwtRs256Tests(Rs256ApiFixture api) : MaliciousJwtTests(api), IClassFixture<Rs256ApiFixture>;

public sealed class MaliciousJwtEs256Tests(Es256ApiFixture api) : MaliciousJwtTests(api), IClassFixture<Es256ApiFixture>;

public sealed class MaliciousJwtDenylistHs256Tests(Hs256DenylistApiFixture api) : MaliciousJwtTests(api), IClassFixture<Hs256DenylistApiFixture>;

public sealed class MaliciousJwtDenylistCachedHs256Tests(Hs256DenylistCachedApiFixture api) : MaliciousJwtTests(api), IClassFixture<Hs256DenylistCachedApiFixture>;

public sealed class MaliciousJwtHybridHs256Tests(Hs256HybridApiFixture api) : MaliciousJwtTests(api), IClassFixture<Hs256HybridApiFixture>;
