using System.Net;
using System.Security.Cryptography;
using AuthBench.Core;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Api.Tests;

/// <summary>
/// Positive controls from RFC 7515 appendix A: the published HS256 (A.1) and ES256 (A.3) examples validate under the
/// API's own validation parameters once the checks the examples cannot pass are relaxed (they expired in 2011 and
/// name no audience and issuer "joe"); the unsecured example (A.5) never does.
/// </summary>
public sealed class RfcVectorTests
{
    // The JWS Payload shared by A.1, A.3 and A.5: {"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}
    private const string Payload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

    private const string A1Token =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + Payload + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    private const string A1Key = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

    private const string A3Token =
        "eyJhbGciOiJFUzI1NiJ9." + Payload + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

    private const string A3X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    private const string A3Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

    private const string A5Token = "eyJhbGciOiJub25lIn0." + Payload + ".";

    private static JwtKeySet A1Keys() => JwtKeySet.FromHmacSecret(Base64UrlEncoder.DecodeBytes(A1Key));

    private static JwtKeySet A3Keys() => JwtKeySet.FromEcdsa(ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(A3X), Y = Base64UrlEncoder.DecodeBytes(A3Y) },
    }));

    // The API's parameters with only what the examples cannot satisfy turned off.
    private static TokenValidationParameters Relaxed(JwtKeySet keys)
    {
        var parameters = JwtTokens.CreateValidationParameters(keys);
        parameters.ValidateLifetime = false;
        parameters.ValidateIssuer = false;
        parameters.ValidateAudience = false;
        return parameters;
    }

    private static async Task<TokenValidationResult> ValidateAsync(string token, JwtKeySet keys) =>
        await JwtTokens.CreateHandler().ValidateTokenAsync(token, Relaxed(keys));

    [Fact]
    public async Task Rfc7515_A1_hs256_example_validates_with_its_published_key()
    {
        using var keys = A1Keys();
        var result = await ValidateAsync(A1Token, keys);
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("joe", result.Claims["iss"]);
        Assert.Null(JwsPolicy.FindViolation((Microsoft.IdentityModel.JsonWebTokens.JsonWebToken)result.SecurityToken));
    }

    [Fact]
    public async Task Rfc7515_A3_es256_example_validates_with_its_published_key()
    {
        using var keys = A3Keys();
        var result = await ValidateAsync(A3Token, keys);
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("joe", result.Claims["iss"]);
        Assert.Null(JwsPolicy.FindViolation((Microsoft.IdentityModel.JsonWebTokens.JsonWebToken)result.SecurityToken));
    }

    [Fact]
    public async Task Rfc7515_examples_fail_the_unrelaxed_checks()
    {
        using var keys = A1Keys();
        var result = await JwtTokens.CreateHandler().ValidateTokenAsync(A1Token, JwtTokens.CreateValidationParameters(keys));
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Rfc7515_A1_example_with_a_flipped_signature_bit_is_refused()
    {
        using var keys = A1Keys();
        var signature = Base64UrlEncoder.DecodeBytes(Jws.Signature(A1Token));
        var result = await ValidateAsync(Jws.WithSignature(A1Token, Jws.B64(Jws.FlipBit(signature, 5))), keys);
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Rfc7515_A5_unsecured_example_is_refused_under_every_key()
    {
        using var hs = A1Keys();
        using var es = A3Keys();
        Assert.False((await ValidateAsync(A5Token, hs)).IsValid);
        Assert.False((await ValidateAsync(A5Token, es)).IsValid);
    }

    [Fact]
    public async Task Rfc7515_A5_unsecured_example_gets_401_from_the_api()
    {
        var keyFile = Path.GetTempFileName();
        try
        {
            using (var keys = JwtKeySet.Generate(JwtAlgorithm.HS256))
            {
                File.WriteAllText(keyFile, keys.ExportPrivate());
            }
            await using var factory = ApiFactory.Jwt(keyFile, JwtAlgorithm.HS256);
            using var response = await factory.CreateClient().GetWithAuthorizationAsync("/api/me", "Bearer " + A5Token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
