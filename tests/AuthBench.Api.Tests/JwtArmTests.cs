using System.Net;
using System.Text;
using AuthBench.Core;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Api.Tests;

/// <summary>The jwt arm for each algorithm, with a key file so the tests can mint tokens the server trusts.</summary>
public abstract class JwtArmTests : IAsyncLifetime
{
    private readonly JwtAlgorithm _algorithm;
    private readonly string _keyFile = Path.GetTempFileName();
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;
    private JwtKeySet _keys = null!;

    protected JwtArmTests(JwtAlgorithm algorithm) => _algorithm = algorithm;

    public Task InitializeAsync()
    {
        _keys = JwtKeySet.Generate(_algorithm);
        File.WriteAllText(_keyFile, _keys.ExportPrivate());
        _factory = ApiFactory.Jwt(_keyFile, _algorithm);
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _keys.Dispose();
        File.Delete(_keyFile);
    }

    private JwtTokens Minter(JwtKeySet? keys = null) => new(keys ?? _keys, ClaimProfile.Typical);

    private static Dictionary<string, object> ClaimsOf(string user) => ClaimProfiles.ForUser(new UserDirectory().Find(user)!, ClaimProfile.Typical);

    [Fact]
    public async Task Token_header_names_the_configured_algorithm()
    {
        var token = await _client.LoginTokenAsync("user1");
        var header = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.Split('.')[0]));
        Assert.Contains($"\"alg\":\"{_algorithm}\"", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer garbage")]
    [InlineData("Bearer a.b.c")]
    [InlineData("Basic dXNlcjE6YXV0aGJlbmNoLWRlbW8=")]
    public async Task Missing_empty_or_garbage_credential_gets_401(string? authorization)
    {
        using var response = await _client.GetWithAuthorizationAsync("/api/me", authorization);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Expired_token_is_rejected_with_401()
    {
        var token = Minter().Issue(ClaimsOf("user42"), DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromMinutes(15));
        using var response = await _client.GetWithAuthorizationAsync("/api/me", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Token_minted_by_the_test_with_the_server_key_is_accepted()
    {
        var token = Minter().Issue(ClaimsOf("user42"));
        using var response = await _client.GetWithAuthorizationAsync("/api/me", "Bearer " + token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_rejected_with_401()
    {
        using var other = JwtKeySet.Generate(_algorithm);
        var token = Minter(other).Issue(ClaimsOf("user42"));
        using var response = await _client.GetWithAuthorizationAsync("/api/me", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public async Task Unsigned_alg_none_token_is_rejected_with_401(string alg)
    {
        var token = await _client.LoginTokenAsync("user42");
        var parts = token.Split('.');
        var header = Base64UrlEncoder.Encode($$"""{"alg":"{{alg}}","typ":"JWT"}""");
        using var unsigned = await _client.GetWithAuthorizationAsync("/api/me", $"Bearer {header}.{parts[1]}.");
        using var withSignature = await _client.GetWithAuthorizationAsync("/api/me", $"Bearer {header}.{parts[1]}.{parts[2]}");
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withSignature.StatusCode);
    }

    [Fact]
    public async Task Token_with_a_crit_header_is_rejected_with_401()
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = JwtTokens.Issuer,
            Audience = JwtTokens.Audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = ClaimsOf("user42"),
            SigningCredentials = _keys.SigningCredentials,
            AdditionalHeaderClaims = new Dictionary<string, object> { ["crit"] = new[] { "exp" } },
        };
        var token = JwtTokens.CreateHandler().CreateToken(descriptor);
        using var response = await _client.GetWithAuthorizationAsync("/api/me", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class JwtHs256ArmTests() : JwtArmTests(JwtAlgorithm.HS256);

public sealed class JwtRs256ArmTests() : JwtArmTests(JwtAlgorithm.RS256);

public sealed class JwtEs256ArmTests() : JwtArmTests(JwtAlgorithm.ES256);
