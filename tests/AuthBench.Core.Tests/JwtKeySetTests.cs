using AuthBench.Core;

namespace AuthBench.Core.Tests;

public sealed class JwtKeySetTests
{
    [Theory]
    [InlineData(JwtAlgorithm.HS256)]
    [InlineData(JwtAlgorithm.RS256)]
    [InlineData(JwtAlgorithm.ES256)]
    public async Task Exported_key_loads_back_and_validates_its_own_tokens(JwtAlgorithm alg)
    {
        using var keys = JwtKeySet.Generate(alg);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, keys.ExportPrivate());
            using var loaded = JwtKeySet.Load(alg, path);
            var token = new JwtTokens(keys, ClaimProfile.Typical).Issue(new UserDirectory().Find("user1")!);
            var result = await new JwtTokens(loaded, ClaimProfile.Typical).ValidateAsync(token);
            Assert.True(result.IsValid, result.Exception?.Message);
            Assert.Equal(keys.KeyId, loaded.KeyId);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    public void Short_hmac_key_is_refused(int bytes)
    {
        var e = Assert.Throws<ArgumentException>(() => JwtKeySet.FromHmacSecret(new byte[bytes]));
        Assert.Contains("at least 256 bits", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Short_hmac_key_file_is_refused() =>
        Assert.Throws<ArgumentException>(() => JwtKeySet.Parse(JwtAlgorithm.HS256, Convert.ToBase64String(new byte[16])));

    [Fact]
    public void Missing_key_file_gives_a_one_line_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => JwtKeySet.Load(JwtAlgorithm.RS256, "/nonexistent/key.pem"));
        Assert.StartsWith("cannot read key file '/nonexistent/key.pem'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(JwtAlgorithm.RS256, "not a pem")]
    [InlineData(JwtAlgorithm.ES256, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")]
    [InlineData(JwtAlgorithm.HS256, "!!! not base64 !!!")]
    public void Garbage_key_is_refused(JwtAlgorithm alg, string text) =>
        Assert.Throws<ArgumentException>(() => JwtKeySet.Parse(alg, text));

    [Fact]
    public void Es256_refuses_a_p384_key()
    {
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => JwtKeySet.Parse(JwtAlgorithm.ES256, p384.ExportPkcs8PrivateKeyPem()));
    }

    [Fact]
    public void Rs256_refuses_a_1024_bit_key()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(1024);
        Assert.Throws<ArgumentException>(() => JwtKeySet.Parse(JwtAlgorithm.RS256, rsa.ExportPkcs8PrivateKeyPem()));
    }

    [Fact]
    public async Task Token_of_another_algorithm_with_the_same_key_material_is_refused()
    {
        using var rs = JwtKeySet.Generate(JwtAlgorithm.RS256);
        using var hs = JwtKeySet.Generate(JwtAlgorithm.HS256);
        var hsToken = new JwtTokens(hs, ClaimProfile.Small).Issue(new UserDirectory().Find("user1")!);
        var result = await new JwtTokens(rs, ClaimProfile.Small).ValidateAsync(hsToken);
        Assert.False(result.IsValid);
    }
}
