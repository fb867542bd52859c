using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AuthBench.Core;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Api.Tests;

/// <summary>
/// Hand-made compact JWS: header, payload and signature are raw bytes, so a test can produce shapes that no
/// token library would emit (bad JSON, bad base64url, wrong algorithms) and still sign them with the server's key.
/// </summary>
public static class Jws
{
    public const string User = "user42";

    public static string B64(byte[] bytes) => Base64UrlEncoder.Encode(bytes);

    public static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The header the API itself emits for the key set.</summary>
    public static string Header(JwtKeySet keys) => $$"""{"alg":"{{keys.AlgorithmName}}","kid":"{{keys.KeyId}}","typ":"JWT"}""";

    public static string Header(string alg, string extra = "") => $$"""{"alg":"{{alg}}","typ":"JWT"{{extra}}}""";

    /// <summary>A payload the API accepts (iss, aud, exp in 10 minutes, the demo user), with members replaced or added.</summary>
    public static string Payload(string? exp = null, string extra = "", string? iss = null, string? aud = null)
    {
        var now = Now;
        exp ??= (now + 600).ToString(CultureInfo.InvariantCulture);
        iss ??= $"\"{JwtTokens.Issuer}\"";
        aud ??= $"\"{JwtTokens.Audience}\"";
        var members = new List<string> { $"\"sub\":\"{User}\"", "\"name\":\"Demo User 42\"", $"\"iat\":{now}" };
        if (exp.Length > 0)
        {
            members.Add($"\"exp\":{exp}");
        }
        if (iss.Length > 0)
        {
            members.Add($"\"iss\":{iss}");
        }
        if (aud.Length > 0)
        {
            members.Add($"\"aud\":{aud}");
        }
        return "{" + string.Join(',', members) + extra + "}";
    }

    /// <summary>header.payload.signature with the signature computed over the encoded segments.</summary>
    public static string Token(string headerJson, string payloadJson, Func<byte[], byte[]> sign) =>
        Token(Encoding.UTF8.GetBytes(headerJson), Encoding.UTF8.GetBytes(payloadJson), sign);

    public static string Token(byte[] header, byte[] payload, Func<byte[], byte[]> sign)
    {
        var input = B64(header) + "." + B64(payload);
        return input + "." + B64(sign(Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>Signs with the server's own key under its own algorithm (HS256, RS256 or ES256).</summary>
    public static Func<byte[], byte[]> With(JwtKeySet keys) => keys.SigningKey switch
    {
        SymmetricSecurityKey s => input => HMACSHA256.HashData(s.Key, input),
        RsaSecurityKey r => input => r.Rsa!.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsaSecurityKey e => input => e.ECDsa.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        _ => throw new InvalidOperationException("unknown key type"),
    };

    /// <summary>A token the server accepts, built by hand: the control that proves the crafted shapes are close misses.</summary>
    public static string Valid(JwtKeySet keys) => Token(Header(keys), Payload(), With(keys));

    public static Func<byte[], byte[]> Hmac(HashAlgorithmName hash, byte[] key) => input => hash.Name switch
    {
        "SHA256" => HMACSHA256.HashData(key, input),
        "SHA384" => HMACSHA384.HashData(key, input),
        "SHA512" => HMACSHA512.HashData(key, input),
        _ => throw new ArgumentOutOfRangeException(nameof(hash)),
    };

    public static Func<byte[], byte[]> Rsa(RSA rsa, HashAlgorithmName hash, RSASignaturePadding padding) =>
        input => rsa.SignData(input, hash, padding);

    public static Func<byte[], byte[]> Ecdsa(ECDsa ecdsa, HashAlgorithmName hash) =>
        input => ecdsa.SignData(input, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public static Func<byte[], byte[]> Fixed(byte[] signature) => _ => signature;

    /// <summary>Replaces the signature segment of a compact token.</summary>
    public static string WithSignature(string token, string signature) => token[..(token.LastIndexOf('.') + 1)] + signature;

    public static string Signature(string token) => token[(token.LastIndexOf('.') + 1)..];

    public static byte[] FlipBit(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    /// <summary>The public key in the forms an attacker would find it: PEM (SPKI), DER (SPKI), JWK JSON.</summary>
    public static (string Pem, byte[] Der, string Jwk) PublicForms(JwtKeySet keys)
    {
        switch (keys.ValidationKey)
        {
            case RsaSecurityKey r:
                var rp = r.Rsa!.ExportParameters(false);
                return (r.Rsa.ExportSubjectPublicKeyInfoPem(), r.Rsa.ExportSubjectPublicKeyInfo(),
                    $$"""{"e":"{{B64(rp.Exponent!)}}","kty":"RSA","n":"{{B64(rp.Modulus!)}}"}""");
            case ECDsaSecurityKey e:
                var ep = e.ECDsa.ExportParameters(false);
                return (e.ECDsa.ExportSubjectPublicKeyInfoPem(), e.ECDsa.ExportSubjectPublicKeyInfo(),
                    $$"""{"crv":"P-256","kty":"EC","x":"{{B64(ep.Q.X!)}}","y":"{{B64(ep.Q.Y!)}}"}""");
            default:
                throw new InvalidOperationException("a symmetric key has no public form");
        }
    }

    /// <summary>A JWK for an attacker's key of the same kind as the server's, and a signer for it.</summary>
    public static (string Jwk, Func<byte[], byte[]> Sign, IDisposable Owned) AttackerKey(JwtAlgorithm algorithm)
    {
        switch (algorithm)
        {
            case JwtAlgorithm.HS256:
                var secret = RandomNumberGenerator.GetBytes(32);
                return ($$"""{"k":"{{B64(secret)}}","kty":"oct"}""", Hmac(HashAlgorithmName.SHA256, secret), new Nothing());
            case JwtAlgorithm.RS256:
                var rsa = RSA.Create(2048);
                var rp = rsa.ExportParameters(false);
                return ($$"""{"e":"{{B64(rp.Exponent!)}}","kty":"RSA","n":"{{B64(rp.Modulus!)}}"}""",
                    Rsa(rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), rsa);
            default:
                var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var ep = ec.ExportParameters(false);
                return ($$"""{"crv":"P-256","kty":"EC","x":"{{B64(ep.Q.X!)}}","y":"{{B64(ep.Q.Y!)}}"}""",
                    Ecdsa(ec, HashAlgorithmName.SHA256), ec);
        }
    }

    /// <summary>A self-signed certificate (base64 DER, as x5c carries it) for an attacker's key.</summary>
    public static string SelfSignedCertificate(out Func<byte[], byte[]> signRs256, out IDisposable owned)
    {
        var rsa = RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=attacker", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        signRs256 = Rsa(rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        owned = rsa;
        return Convert.ToBase64String(cert.RawData);
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
