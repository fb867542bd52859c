using System.Net;
using System.Security.Claims;
using System.Text.Json;
using AuthBench.Api.Fanout;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Fanout;
using AuthBench.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthBench.Api.Tests;

/// <summary>
/// Fan-out through a chain of in-process hosts: the edge publishes its public key, a downstream service fetches it at
/// start and trusts nothing else, and <see cref="FanoutModes.ChainPath"/> passes the user's credential (or the edge's
/// internal token) on.
/// </summary>
public sealed class FanoutTests(StoreFixture redis) : IClassFixture<StoreFixture>
{
    private const string EdgeAddress = "http://edge.test";
    private const string DownstreamAddress = "http://downstream.test";

    /// <summary>Calls a host that is created after the one holding this handler (the edge needs the downstream, the downstream the edge's keys).</summary>
    private sealed class Forward(Func<HttpMessageHandler> target) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new HttpMessageInvoker(target(), disposeHandler: false).SendAsync(request, cancellationToken);
    }

    private sealed record Chain(WebApplicationFactory<Program> Edge, WebApplicationFactory<Program> Downstream) : IAsyncDisposable
    {
        public HttpClient EdgeClient() => Edge.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        public HttpClient DownstreamClient() => Downstream.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        public async ValueTask DisposeAsync()
        {
            await Downstream.DisposeAsync();
            await Edge.DisposeAsync();
        }
    }

    private static WebApplicationFactory<Program> Host(ApiFactory factory, Func<HttpMessageHandler> next, params (string Key, string Value)[] settings) =>
        factory.WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
            b.ConfigureTestServices(s => s.AddKeyedSingleton<HttpMessageHandler>(FanoutHttp.HandlerKey, new Forward(next)));
        });

    /// <summary>
    /// An edge and one downstream service of the same arm; the edge is started first (the downstream fetches its keys
    /// at start, unless <paramref name="trustsEdgeKey"/> is false: a session looked up in each service needs no key).
    /// </summary>
    private static Chain Start(Func<ApiFactory> arm, bool trustsEdgeKey, params (string Key, string Value)[] settings)
    {
        WebApplicationFactory<Program>? downstream = null;
        var edge = Host(arm(), () => downstream!.Server.CreateHandler(), [("downstream", DownstreamAddress), .. settings]);
        _ = edge.Server;
        downstream = Host(arm(), () => edge.Server.CreateHandler(), trustsEdgeKey ? [("jwks-from", EdgeAddress + FanoutModes.JwksPath), .. settings] : settings);
        _ = downstream.Server;
        return new Chain(edge, downstream);
    }

    private static async Task<(HttpStatusCode Status, int Services)> ChainAsync(HttpClient client, string? authorization = null, string? sessionId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, FanoutModes.ChainPath);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        if (sessionId is not null)
        {
            request.Headers.Add("Cookie", $"{ArmCatalogue.SessionCookieName}={sessionId}");
        }
        using var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, 0);
        }
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.GetProperty("services").GetInt32());
    }

    [Theory]
    [InlineData(JwtAlgorithm.ES256, "EC")]
    [InlineData(JwtAlgorithm.RS256, "RSA")]
    public async Task Jwks_publishes_the_public_key_under_its_kid_and_nothing_private(JwtAlgorithm alg, string kty)
    {
        await using var api = ApiFactory.For(ArmCatalogue.Jwt, alg.ToString());
        using var client = api.CreateBareClient();
        using var response = await client.GetAsync(FanoutModes.JwksPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(json);
        var key = Assert.Single(doc.RootElement.GetProperty("keys").EnumerateArray());
        var keys = api.Services.GetRequiredService<JwtTokens>().Keys;
        Assert.Equal(kty, key.GetProperty("kty").GetString());
        Assert.Equal(keys.KeyId, key.GetProperty("kid").GetString());
        Assert.Equal(alg.ToString(), key.GetProperty("alg").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi", "k", "oth" })
        {
            Assert.False(key.TryGetProperty(secret, out _), $"private member '{secret}' published");
        }
        // IdentityModel reads it back into a key that verifies the server's own tokens.
        var trusted = Assert.Single(JsonWebKeys.Read(json, alg.ToString(), "test"));
        var token = api.Services.GetRequiredService<JwtTokens>().Issue(new UserDirectory(3, UserDirectory.DefaultPassword).Find("user1")!);
        var parameters = JwtTokens.CreateValidationParameters(keys);
        parameters.IssuerSigningKey = null;
        parameters.IssuerSigningKeys = [trusted];
        Assert.True((await JwtTokens.CreateHandler().ValidateTokenAsync(token, parameters)).IsValid);
    }

    [Fact]
    public async Task Jwks_is_not_served_for_HS256_which_has_no_public_key()
    {
        await using var api = ApiFactory.For(ArmCatalogue.Jwt, nameof(JwtAlgorithm.HS256));
        using var client = api.CreateBareClient();
        using var response = await client.GetAsync(FanoutModes.JwksPath);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(JwtAlgorithm.ES256)]
    [InlineData(JwtAlgorithm.RS256)]
    public async Task Jwt_chain_of_two_verifies_in_each_service_with_the_edge_key_only(JwtAlgorithm alg)
    {
        await using var chain = Start(() => ApiFactory.For(ArmCatalogue.Jwt, alg.ToString()), trustsEdgeKey: true);
        using var edge = chain.EdgeClient();
        using var downstream = chain.DownstreamClient();
        var token = await edge.LoginTokenAsync("user1");

        Assert.Equal((HttpStatusCode.OK, 2), await ChainAsync(edge, $"Bearer {token}"));
        Assert.Equal((HttpStatusCode.OK, 1), await ChainAsync(downstream, $"Bearer {token}"));

        // The downstream service's own key (it has one, for its unused login) is not trusted, nor is any other key.
        var own = await downstream.LoginTokenAsync("user1");
        Assert.Equal(HttpStatusCode.Unauthorized, (await ChainAsync(downstream, $"Bearer {own}")).Status);
        using var otherKeys = JwtKeySet.Generate(alg);
        var forged = new JwtTokens(otherKeys, ClaimProfile.Typical).Issue(new UserDirectory(3, UserDirectory.DefaultPassword).Find("user1")!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ChainAsync(downstream, $"Bearer {forged}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ChainAsync(edge, $"Bearer {forged}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ChainAsync(edge)).Status);
    }

    [Fact]
    public async Task Baseline_chain_carries_no_credential_and_answers_every_request()
    {
        await using var chain = Start(ApiFactory.None, trustsEdgeKey: false);
        using var edge = chain.EdgeClient();
        for (var i = 0; i < 5; i++)
        {
            // Each service answers for its own next demo user: there is no user to agree on, and that is no 502.
            Assert.Equal((HttpStatusCode.OK, 2), await ChainAsync(edge));
        }
    }

    [Fact]
    public async Task Session_chain_per_service_looks_the_session_up_in_each_service()
    {
        await using var chain = Start(() => ApiFactory.Session(redis.ConnectionString), trustsEdgeKey: false);
        using var edge = chain.EdgeClient();
        using var downstream = chain.DownstreamClient();
        var id = await edge.LoginSessionAsync("user2");
        Assert.Equal((HttpStatusCode.OK, 2), await ChainAsync(edge, sessionId: id));
        Assert.Equal((HttpStatusCode.OK, 1), await ChainAsync(downstream, sessionId: id));
        await edge.PostWithCookieAsync("/auth/logout", id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ChainAsync(edge, sessionId: id)).Status);
    }

    [Fact]
    public async Task Session_chain_edge_token_translates_once_and_downstream_takes_only_the_edge_token()
    {
        var mode = ("fanout-mode", FanoutModes.Name(FanoutMode.EdgeToken));
        await using var chain = Start(() => ApiFactory.Session(redis.ConnectionString), trustsEdgeKey: true, mode);
        using var edge = chain.EdgeClient();
        using var downstream = chain.DownstreamClient();
        var id = await edge.LoginSessionAsync("user3");
        Assert.Equal((HttpStatusCode.OK, 2), await ChainAsync(edge, sessionId: id));

        // Downstream, the session cookie is not a credential for the chain, and an internal token from another edge is refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ChainAsync(downstream, sessionId: id)).Status);
        using var otherEdge = new EdgeTokens(TimeProvider.System);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimProfiles.Sub, "user3")], "test"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await ChainAsync(downstream, $"Bearer {otherEdge.Issue(principal)}")).Status);
        var genuine = chain.Edge.Services.GetRequiredService<EdgeTokens>().Issue(principal);
        Assert.Equal((HttpStatusCode.OK, 1), await ChainAsync(downstream, $"Bearer {genuine}"));
    }

    [Fact]
    public async Task Edge_token_expires_after_its_few_seconds()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var edge = new EdgeTokens(clock);
        var token = edge.Issue(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimProfiles.Sub, "user1"), new Claim("authbench:sid", "x")], "test")));
        var parameters = EdgeTokens.ValidationParameters([edge.Keys.ValidationKey]);
        var handler = JwtTokens.CreateHandler();
        var valid = await handler.ValidateTokenAsync(token, parameters);
        Assert.True(valid.IsValid);
        Assert.False(((JsonWebToken)valid.SecurityToken).TryGetClaim("authbench:sid", out _));
        clock.Advance(FanoutModes.EdgeTokenLifetime + TimeSpan.FromSeconds(2));
        parameters.LifetimeValidator = (_, expires, _, _) => expires > clock.GetUtcNow().UtcDateTime.AddSeconds(-1);
        Assert.False((await handler.ValidateTokenAsync(token, parameters)).IsValid);
    }

    private static AuthBenchOptions Read(params (string Key, string Value)[] settings) =>
        AuthBenchOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Options_read_the_chain()
    {
        var o = Read(("scheme", ArmCatalogue.Session.Name), ("downstream", "http://127.0.0.1:5081"), ("jwks-from", "http://127.0.0.1:5080/.well-known/jwks.json"), ("fanout-mode", "edge-token"));
        Assert.Equal(new Uri("http://127.0.0.1:5081"), o.Downstream);
        Assert.True(o.IsDownstream);
        Assert.Equal(FanoutMode.EdgeToken, o.FanoutMode);
        Assert.Equal(FanoutMode.PerService, Read(("scheme", ArmCatalogue.Jwt.Name), ("alg", "ES256")).FanoutMode);
    }

    [Theory]
    [InlineData("jwt", "HS256", "downstream", "http://127.0.0.1:5081", "fan-out refused for HS256")]
    [InlineData("jwt", "HS256", "jwks-from", "http://127.0.0.1:5080/x", "fan-out refused for HS256")]
    [InlineData("jwt", "ES256", "downstream", "ftp://x", "--downstream must be an absolute http(s) address")]
    [InlineData("jwt", "ES256", "downstream", "not a url", "--downstream must be an absolute http(s) address")]
    [InlineData("jwt", "ES256", "fanout-mode", "edge-token", "fans out per-service only")]
    [InlineData("session", null, "fanout-mode", "sideways", "unknown --fanout-mode 'sideways'")]
    [InlineData("session", null, "jwks-from", "http://127.0.0.1:5080/x", "verifies no token in per-service mode")]
    public void Bad_fanout_options_are_refused_with_what_to_set(string scheme, string? alg, string key, string value, string expected)
    {
        var settings = new List<(string, string)> { ("scheme", scheme), (key, value) };
        if (alg is not null)
        {
            settings.Add(("alg", alg));
        }
        var e = Assert.Throws<ArgumentException>(() => Read([.. settings]));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
