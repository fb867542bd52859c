using System.Net;
using System.Net.Http.Json;
using AuthBench.Contracts.Arms;

namespace AuthBench.Api.Tests;

/// <summary>
/// The jwt arm's cookie transport beyond the arm contract: the cookie's attributes, a body without the token, one
/// transport only (never the cookie and the header together), the exact cookie name, and logout dropping the cookie.
/// </summary>
public sealed class JwtCookieTransportTests(JwtCookieHs256ContractTests.Api cookie, JwtHs256ContractTests.Api bearer)
    : IClassFixture<JwtCookieHs256ContractTests.Api>, IClassFixture<JwtHs256ContractTests.Api>
{
    private static string Name => ArmCatalogue.TokenCookieName;

    [Fact]
    public async Task Login_sets_a_host_prefixed_httponly_strict_cookie_for_the_token_lifetime_and_keeps_the_token_out_of_the_body()
    {
        using var response = await cookie.Client.LoginAsync("user11");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(Name + "=", setCookie, StringComparison.Ordinal);
        var attributes = setCookie.Split("; ").Skip(1).Select(a => a.ToLowerInvariant()).ToHashSet();
        Assert.Superset(new HashSet<string> { "path=/", "secure", "httponly", "samesite=strict", "max-age=900" }, attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal));
        var token = Http.CookieFrom(response, Name)!;
        Assert.Equal(3, token.Split('.').Length);
        var body = await response.JsonAsync();
        Assert.Equal("user11", body.GetProperty("sub").GetString());
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32());
        Assert.False(body.TryGetProperty("access_token", out _));
        Assert.DoesNotContain(token, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cookie and header")]
    [InlineData("header only")]
    [InlineData("name in other case")]
    [InlineData("name without prefix")]
    [InlineData("value quoted")]
    public async Task A_token_outside_exactly_one_exactly_named_cookie_gets_401(string kind)
    {
        var token = await cookie.LoginAsync("user12");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        switch (kind)
        {
            case "cookie and header":
                request.Headers.TryAddWithoutValidation("Cookie", $"{Name}={token}");
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
                break;
            case "header only":
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
                break;
            case "name in other case":
                request.Headers.TryAddWithoutValidation("Cookie", $"{Name.ToUpperInvariant()}={token}");
                break;
            case "name without prefix":
                request.Headers.TryAddWithoutValidation("Cookie", $"{Name["__Host-".Length..]}={token}");
                break;
            case "value quoted":
                request.Headers.TryAddWithoutValidation("Cookie", $"{Name}=\"{token}\"");
                break;
        }
        using var response = await cookie.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await cookie.MeStatusAsync(token));
    }

    [Fact]
    public async Task Other_cookies_beside_the_token_cookie_do_not_matter()
    {
        var token = await cookie.LoginAsync("user13");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.TryAddWithoutValidation("Cookie", $"theme=dark; {Name}={token}; {ArmCatalogue.SessionCookieName}=x");
        using var response = await cookie.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Logout_tells_the_browser_to_drop_the_cookie_with_the_same_attributes()
    {
        using var response = await cookie.SendAsync(HttpMethod.Post, "/auth/logout", await cookie.LoginAsync("user14"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(Name + "=;", setCookie, StringComparison.Ordinal);
        var attributes = setCookie.Split("; ").Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("expires=thu, 01 jan 1970 00:00:00 gmt", attributes);
        Assert.Superset(new HashSet<string> { "path=/", "secure", "httponly", "samesite=strict" }, attributes.ToHashSet());
    }

    [Fact]
    public async Task The_bearer_transport_ignores_a_token_cookie()
    {
        var token = await bearer.LoginAsync("user15");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.TryAddWithoutValidation("Cookie", $"{Name}={token}");
        using var response = await bearer.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_same_token_works_in_the_transport_it_was_issued_for_only()
    {
        // Both fixtures sign with keys of their own, so each one's token is a forgery to the other.
        var fromCookie = await cookie.LoginAsync("user16");
        var fromBearer = await bearer.LoginAsync("user16");
        Assert.Equal(HttpStatusCode.OK, await cookie.MeStatusAsync(fromCookie));
        Assert.Equal(HttpStatusCode.OK, await bearer.MeStatusAsync(fromBearer));
        Assert.Equal(HttpStatusCode.Unauthorized, await cookie.MeStatusAsync(fromBearer));
    }

    [Fact]
    public async Task A_cross_site_post_is_refused_before_authentication_even_with_a_good_cookie()
    {
        var token = await cookie.LoginAsync("user17");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login") { Content = JsonContent.Create(new { username = "user17", password = Http.Password }) };
        request.Headers.TryAddWithoutValidation("Cookie", $"{Name}={token}");
        request.Headers.TryAddWithoutValidation("Origin", "https://attacker.example");
        using var response = await cookie.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }
}
