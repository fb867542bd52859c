using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using AuthBench.Core;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Api.Tests;

/// <summary>
/// The catalogue of hostile bearer credentials, by name. Each builder returns the Authorization header value(s)
/// to send. Unless the name says otherwise a case is signed correctly with the server's own key, so the only
/// thing wrong with it is the thing the name says: the API must notice that, not a bad signature.
/// </summary>
public static class MaliciousTokens
{
    private static readonly string[] AllAlgorithms =
        ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "ES256K"];

    public static readonly IReadOnlyList<(string Name, Func<JwtApiFixture, string[]> Build)> Cases = Catalogue().ToList();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in Cases)
        {
            data.Add(name);
        }
        return data;
    }

    public static string[] Build(string name, JwtApiFixture f) => Cases.Single(c => c.Name == name).Build(f);

    private static string[] Bearer(string token) => ["Bearer " + token];

    // Signs the exact ASCII signing input "encodedHeader.encodedPayload", however malformed its segments are.
    private static string SignedRaw(JwtApiFixture f, string encodedHeader, string encodedPayload)
    {
        var input = encodedHeader + "." + encodedPayload;
        return input + "." + Jws.B64(Jws.With(f.Keys)(Encoding.ASCII.GetBytes(input)));
    }

    private static string Signed(JwtApiFixture f, string header, string payload) => Jws.Token(header, payload, Jws.With(f.Keys));

    private static string Signed(JwtApiFixture f, byte[] header, byte[] payload) => Jws.Token(header, payload, Jws.With(f.Keys));

    private static string Own(JwtApiFixture f) => f.Keys.AlgorithmName;

    private static string OwnHeader(JwtApiFixture f, string extra) => Jws.Header(Own(f), extra);

    private static string WithPayload(JwtApiFixture f, string payload) => Signed(f, Jws.Header(f.Keys), payload);

    private static string WithHeader(JwtApiFixture f, string header) => Signed(f, header, Jws.Payload());

    // The server's public key (or, for the HS256 arm, a stand-in RSA key) in the forms an attacker can find it.
    private static (string Pem, byte[] Der, string Jwk, byte[] Raw) PublicKey(JwtApiFixture f)
    {
        if (f.Keys.ValidationKey is SymmetricSecurityKey)
        {
            var p = f.OtherRsa.ExportParameters(false);
            return (f.OtherRsa.ExportSubjectPublicKeyInfoPem(), f.OtherRsa.ExportSubjectPublicKeyInfo(),
                $$"""{"e":"{{Jws.B64(p.Exponent!)}}","kty":"RSA","n":"{{Jws.B64(p.Modulus!)}}"}""", f.OtherRsa.ExportRSAPublicKey());
        }
        var (pem, der, jwk) = Jws.PublicForms(f.Keys);
        byte[] raw = f.Keys.ValidationKey switch
        {
            RsaSecurityKey r => r.Rsa!.ExportRSAPublicKey(),
            ECDsaSecurityKey e => [0x04, .. e.ECDsa.ExportParameters(false).Q.X!, .. e.ECDsa.ExportParameters(false).Q.Y!],
            _ => throw new InvalidOperationException(),
        };
        return (pem, der, jwk, raw);
    }

    private static string Hs256Keyed(byte[] key) =>
        Jws.Token(Jws.Header("HS256"), Jws.Payload(), Jws.Hmac(HashAlgorithmName.SHA256, key));

    private static Func<byte[], byte[]> SignerFor(JwtApiFixture f, string alg)
    {
        var serverRsa = (f.Keys.SigningKey as RsaSecurityKey)?.Rsa;
        var rsa = serverRsa ?? f.OtherRsa;
        var hmacKey = (f.Keys.SigningKey as SymmetricSecurityKey)?.Key ?? Encoding.ASCII.GetBytes(PublicKey(f).Pem);
        return alg switch
        {
            // Where the algorithm family matches the server's key, sign with that very key: only the allow-list stops it.
            "HS256" => Jws.Hmac(HashAlgorithmName.SHA256, hmacKey),
            "HS384" => Jws.Hmac(HashAlgorithmName.SHA384, hmacKey),
            "HS512" => Jws.Hmac(HashAlgorithmName.SHA512, hmacKey),
            "RS256" => Jws.Rsa(rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "RS384" => Jws.Rsa(rsa, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "RS512" => Jws.Rsa(rsa, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "PS256" => Jws.Rsa(rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            "PS384" => Jws.Rsa(rsa, HashAlgorithmName.SHA384, RSASignaturePadding.Pss),
            "PS512" => Jws.Rsa(rsa, HashAlgorithmName.SHA512, RSASignaturePadding.Pss),
            "ES256" => f.Attacker.Sign,
            "ES384" => Jws.Ecdsa(f.P384, HashAlgorithmName.SHA384),
            "ES512" => Jws.Ecdsa(f.P521, HashAlgorithmName.SHA512),
            _ => _ => RandomNumberGenerator.GetBytes(64),
        };
    }

    private static IEnumerable<(string, Func<JwtApiFixture, string[]>)> Catalogue()
    {
        // Framing of the Authorization header.
        yield return ("empty Authorization header", _ => [""]);
        yield return ("Bearer without a token", _ => ["Bearer"]);
        yield return ("Bearer and a space", _ => ["Bearer "]);
        yield return ("Bearer repeated", f => Bearer("Bearer " + Jws.Valid(f.Keys)));
        yield return ("token without the Bearer scheme", f => [Jws.Valid(f.Keys)]);
        yield return ("token under the Basic scheme", f => ["Basic " + Jws.Valid(f.Keys)]);
        yield return ("two Authorization headers with valid tokens", f => [.. Bearer(Jws.Valid(f.Keys)), .. Bearer(Jws.Valid(f.Keys))]);
        yield return ("two tokens in one header", f => Bearer(Jws.Valid(f.Keys) + ", Bearer " + Jws.Valid(f.Keys)));

        // Segments.
        yield return ("1 segment", f => Bearer(Jws.B64(Jws.Header(f.Keys))));
        yield return ("2 segments", f => Bearer(Jws.B64(Jws.Header(f.Keys)) + "." + Jws.B64(Jws.Payload())));
        yield return ("4 segments", f => Bearer(Jws.Valid(f.Keys) + "." + Jws.Signature(Jws.Valid(f.Keys))));
        yield return ("5 segments (JWE shape, dir)", f => Bearer(string.Join('.',
            Jws.B64("""{"alg":"dir","enc":"A256GCM"}"""), "", Jws.B64(RandomNumberGenerator.GetBytes(12)),
            Jws.B64(RandomNumberGenerator.GetBytes(64)), Jws.B64(RandomNumberGenerator.GetBytes(16)))));
        yield return ("5 segments (JWE shape, RSA-OAEP)", f => Bearer(string.Join('.',
            Jws.B64("""{"alg":"RSA-OAEP","enc":"A256GCM","cty":"JWT"}"""), Jws.B64(RandomNumberGenerator.GetBytes(256)),
            Jws.B64(RandomNumberGenerator.GetBytes(12)), Jws.B64(Jws.Valid(f.Keys)), Jws.B64(RandomNumberGenerator.GetBytes(16)))));
        yield return ("5 segments of a valid token and two more", f => Bearer(Jws.Valid(f.Keys) + ".."));

        // Encoding of the segments (each signed over exactly the bytes sent).
        yield return ("non-base64url character in the payload", f =>
        {
            var p = Jws.B64(Jws.Payload());
            return Bearer(SignedRaw(f, Jws.B64(Jws.Header(f.Keys)), p[..10] + "!" + p[10..]));
        });
        yield return ("standard base64 (+ and /) in the payload", f =>
        {
            // Shift "~~~???" through the three base64 alignments until the encoding really has a '+' or '/'.
            var p = Enumerable.Range(0, 3)
                .Select(n => Convert.ToBase64String(Encoding.UTF8.GetBytes(Jws.Payload(extra: $",\"x\":\"{new string('a', n)}~~~???\""))).TrimEnd('='))
                .First(e => e.Contains('+', StringComparison.Ordinal) && e.Contains('/', StringComparison.Ordinal));
            return Bearer(SignedRaw(f, Jws.B64(Jws.Header(f.Keys)), p));
        });
        yield return ("padding on the payload", f =>
        {
            var p = Jws.B64(Jws.Payload(extra: ",\"x\":\"a\""));
            p = p.Length % 4 == 0 ? Jws.B64(Jws.Payload(extra: ",\"x\":\"ab\"")) : p;
            return Bearer(SignedRaw(f, Jws.B64(Jws.Header(f.Keys)), p.PadRight((p.Length + 3) / 4 * 4, '=')));
        });
        yield return ("padding on the signature", f => Bearer(Jws.Valid(f.Keys) + "="));
        yield return ("space inside the payload", f =>
        {
            var p = Jws.B64(Jws.Payload());
            return Bearer(SignedRaw(f, Jws.B64(Jws.Header(f.Keys)), p[..10] + " " + p[10..]));
        });
        yield return ("tab inside the header", f =>
        {
            var h = Jws.B64(Jws.Header(f.Keys));
            return Bearer(SignedRaw(f, h[..4] + "\t" + h[4..], Jws.B64(Jws.Payload())));
        });
        yield return ("signature with non-zero unused bits in its last character", f =>
        {
            // 32, 256 and 64 signature bytes leave 2 or 4 unused bits: flipping the lowest one decodes to the same bytes.
            const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            var t = Jws.Valid(f.Keys);
            return Bearer(t[..^1] + alphabet[alphabet.IndexOf(t[^1], StringComparison.Ordinal) ^ 1]);
        });
        yield return ("space inside the signature", f =>
        {
            var t = Jws.Valid(f.Keys);
            return Bearer(t[..^5] + " " + t[^5..]);
        });

        // JSON that is not a JSON object, or not JSON, or not UTF-8.
        foreach (var notObject in new[] { "[]", "\"JWT\"", "42", "null", "true", "{", "", "{}" })
        {
            yield return ($"header is {Describe(notObject)}", f => Bearer(WithHeader(f, notObject)));
        }
        foreach (var notObject in new[] { "[]", "\"user42\"", "42", "null", "true", "{", "" })
        {
            yield return ($"payload is {Describe(notObject)}", f => Bearer(WithPayload(f, notObject)));
        }
        yield return ("payload is two JSON objects", f => Bearer(WithPayload(f, Jws.Payload() + Jws.Payload())));
        yield return ("payload has trailing garbage", f => Bearer(WithPayload(f, Jws.Payload() + "x")));
        yield return ("header is not UTF-8", f =>
        {
            byte[] header = [.. Encoding.UTF8.GetBytes(Jws.Header(f.Keys)[..^1] + ",\"x\":\""), 0xFF, 0xFE, .. "\"}"u8];
            return Bearer(Signed(f, header, Encoding.UTF8.GetBytes(Jws.Payload())));
        });
        yield return ("payload is not UTF-8", f =>
        {
            byte[] payload = [.. Encoding.UTF8.GetBytes(Jws.Payload()[..^1] + ",\"name\":\""), 0xC3, 0x28, .. "\"}"u8];
            return Bearer(Signed(f, Encoding.UTF8.GetBytes(Jws.Header(f.Keys)), payload));
        });
        yield return ("payload has an overlong UTF-8 sequence", f =>
        {
            byte[] payload = [.. Encoding.UTF8.GetBytes(Jws.Payload()[..^1] + ",\"name\":\""), 0xC0, 0xAF, .. "\"}"u8];
            return Bearer(Signed(f, Encoding.UTF8.GetBytes(Jws.Header(f.Keys)), payload));
        });
        yield return ("payload is UTF-16", f => Bearer(Signed(f, Encoding.UTF8.GetBytes(Jws.Header(f.Keys)), Encoding.Unicode.GetBytes(Jws.Payload()))));
        yield return ("payload starts with a UTF-8 BOM", f =>
            Bearer(Signed(f, Encoding.UTF8.GetBytes(Jws.Header(f.Keys)), [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Jws.Payload())])));
        yield return ("payload has a lone surrogate escape", f => Bearer(WithPayload(f, Jws.Payload(extra: ",\"name2\":\"\\ud800\""))));

        // Duplicate names: another parser (a proxy, a log pipeline) may read the other value.
        yield return ("duplicate sub claim", f => Bearer(WithPayload(f, Jws.Payload(extra: ",\"sub\":\"user1\""))));
        yield return ("duplicate exp claim (second one expired)", f => Bearer(WithPayload(f, Jws.Payload(extra: ",\"exp\":1000" ))));
        yield return ("duplicate iss claim", f => Bearer(WithPayload(f, Jws.Payload(extra: ",\"iss\":\"https://evil.example\""))));
        yield return ("duplicate alg header", f => Bearer(WithHeader(f, $$"""{"alg":"none","typ":"JWT","alg":"{{Own(f)}}"}""")));

        // alg none in any letter case, with and without a signature.
        foreach (var none in new[] { "none", "None", "NONE", "nOnE" })
        {
            yield return ($"alg {none} without a signature", _ => Bearer(Jws.B64(Jws.Header(none)) + "." + Jws.B64(Jws.Payload()) + "."));
            yield return ($"alg {none} with the server's signature", f =>
            {
                var t = Jws.Valid(f.Keys);
                return Bearer(Jws.B64(Jws.Header(none)) + "." + Jws.B64(Jws.Payload()) + "." + Jws.Signature(t));
            });
            yield return ($"alg {none} signed by the server key", f => Bearer(Signed(f, Jws.Header(none), Jws.Payload())));
        }
        yield return ("alg empty", f => Bearer(WithHeader(f, Jws.Header(""))));
        yield return ("alg missing", f => Bearer(WithHeader(f, """{"typ":"JWT"}""")));
        yield return ("alg null", f => Bearer(WithHeader(f, """{"alg":null,"typ":"JWT"}""")));
        yield return ("alg a number", f => Bearer(WithHeader(f, """{"alg":256,"typ":"JWT"}""")));
        yield return ("alg an array", f => Bearer(WithHeader(f, $$"""{"alg":["{{Own(f)}}"],"typ":"JWT"}""")));
        yield return ("alg in lower case", f => Bearer(WithHeader(f, Jws.Header(Own(f).ToLowerInvariant()))));

        // Signatures.
        yield return ("empty signature", f => Bearer(Jws.WithSignature(Jws.Valid(f.Keys), "")));
        yield return ("truncated signature", f => Bearer(Jws.Valid(f.Keys)[..^4]));
        yield return ("signature cut to half its bytes", f =>
        {
            var s = Base64UrlEncoder.DecodeBytes(Jws.Signature(Jws.Valid(f.Keys)));
            return Bearer(Jws.WithSignature(Jws.Valid(f.Keys), Jws.B64(s[..(s.Length / 2)])));
        });
        yield return ("signature with its first bit flipped", f =>
        {
            var t = Jws.Valid(f.Keys);
            return Bearer(Jws.WithSignature(t, Jws.B64(Jws.FlipBit(Base64UrlEncoder.DecodeBytes(Jws.Signature(t)), 0))));
        });
        yield return ("signature with its last bit flipped", f =>
        {
            var t = Jws.Valid(f.Keys);
            var s = Base64UrlEncoder.DecodeBytes(Jws.Signature(t));
            return Bearer(Jws.WithSignature(t, Jws.B64(Jws.FlipBit(s, s.Length - 1))));
        });
        yield return ("signature with a byte appended", f =>
        {
            var t = Jws.Valid(f.Keys);
            return Bearer(Jws.WithSignature(t, Jws.B64([.. Base64UrlEncoder.DecodeBytes(Jws.Signature(t)), 0])));
        });
        yield return ("signature from another key of the same kind", f => Bearer(Jws.Token(Jws.Header(Own(f)), Jws.Payload(), f.Attacker.Sign)));
        yield return ("signature of another payload", f =>
        {
            var other = Signed(f, Jws.Header(f.Keys), Jws.Payload(extra: ",\"plan\":\"free\""));
            var mine = Jws.Token(Jws.Header(f.Keys), Jws.Payload(extra: ",\"role\":\"admin\""), Jws.Fixed([0]));
            return Bearer(Jws.WithSignature(mine, Jws.Signature(other)));
        });

        // Key confusion: HS256 keyed with the public key. For the HS256 arm, a stand-in RSA key plays the part.
        yield return ("HS256 keyed with the public key (SPKI PEM)", f => Bearer(Hs256Keyed(Encoding.ASCII.GetBytes(PublicKey(f).Pem))));
        yield return ("HS256 keyed with the public key (SPKI PEM and newline)", f => Bearer(Hs256Keyed(Encoding.ASCII.GetBytes(PublicKey(f).Pem + "\n"))));
        yield return ("HS256 keyed with the public key (SPKI DER)", f => Bearer(Hs256Keyed(PublicKey(f).Der)));
        yield return ("HS256 keyed with the public key (JWK)", f => Bearer(Hs256Keyed(Encoding.UTF8.GetBytes(PublicKey(f).Jwk))));
        yield return ("HS256 keyed with the public key (PKCS#1 or EC point)", f => Bearer(Hs256Keyed(PublicKey(f).Raw)));
        yield return ("HS256 keyed with the public key (base64 DER)", f => Bearer(Hs256Keyed(Encoding.ASCII.GetBytes(Convert.ToBase64String(PublicKey(f).Der)))));
        yield return ("HS256 keyed with the key id", f => Bearer(Hs256Keyed(Encoding.ASCII.GetBytes(f.Keys.KeyId))));
        yield return ("HS256 keyed with an empty key", _ => Bearer(Hs256Keyed([])));

        // Every algorithm outside the allow-list (the arm's own algorithm: signed by another key).
        foreach (var alg in AllAlgorithms)
        {
            yield return ($"alg {alg} outside the allow-list", f =>
            {
                var sign = alg == Own(f) ? f.Attacker.Sign : SignerFor(f, alg);
                return Bearer(Jws.Token(Jws.Header(alg), Jws.Payload(), sign));
            });
        }
        yield return ("ES256 signature of zeros (r = s = 0)", _ => Bearer(Jws.Token(Jws.Header("ES256"), Jws.Payload(), Jws.Fixed(new byte[64]))));
        yield return ("ES256 DER signature r = s = 0", _ =>
            Bearer(Jws.Token(Jws.Header("ES256"), Jws.Payload(), Jws.Fixed([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]))));
        yield return ("ES256 signature of 0xFF", _ =>
            Bearer(Jws.Token(Jws.Header("ES256"), Jws.Payload(), Jws.Fixed(Enumerable.Repeat((byte)0xFF, 64).ToArray()))));

        // Key selection by the token: the API must only ever use its configured key, and never fetch one.
        yield return ("embedded jwk of the attacker", f =>
            Bearer(Jws.Token(OwnHeader(f, $",\"jwk\":{f.Attacker.Jwk}"), Jws.Payload(), f.Attacker.Sign)));
        yield return ("jku pointing at a loopback listener", f =>
            Bearer(Jws.Token(OwnHeader(f, $",\"jku\":\"{f.TrapUri}jwks.json\",\"kid\":\"attacker\""), Jws.Payload(), f.Attacker.Sign)));
        yield return ("x5u pointing at a loopback listener", f =>
            Bearer(Jws.Token(OwnHeader(f, $",\"x5u\":\"{f.TrapUri}cert.pem\""), Jws.Payload(), f.Attacker.Sign)));
        yield return ("x5c with a self-signed certificate", f =>
            Bearer(Jws.Token(Jws.Header("RS256", $",\"x5c\":[\"{f.AttackerCertificate}\"]"), Jws.Payload(), f.AttackerCertificateSign)));
        yield return ("x5c with the arm's algorithm", f =>
            Bearer(Jws.Token(OwnHeader(f, $",\"x5c\":[\"{f.AttackerCertificate}\"]"), Jws.Payload(), f.Attacker.Sign)));
        yield return ("kid path traversal, HS256 with an empty key", _ =>
            Bearer(Jws.Token(Jws.Header("HS256", ",\"kid\":\"../../../../../../dev/null\""), Jws.Payload(), Jws.Hmac(HashAlgorithmName.SHA256, []))));
        yield return ("kid path traversal", f => Bearer(Jws.Token(OwnHeader(f, ",\"kid\":\"../../../etc/passwd\""), Jws.Payload(), f.Attacker.Sign)));
        yield return ("kid SQL injection", f => Bearer(Jws.Token(OwnHeader(f, ",\"kid\":\"x' OR '1'='1'; --\""), Jws.Payload(), f.Attacker.Sign)));
        yield return ("kid of 10 KB", f => Bearer(Jws.Token(OwnHeader(f, $",\"kid\":\"{new string('k', 10 * 1024)}\""), Jws.Payload(), f.Attacker.Sign)));
        yield return ("kid unknown", f => Bearer(Jws.Token(OwnHeader(f, ",\"kid\":\"unknown-key\""), Jws.Payload(), f.Attacker.Sign)));
        yield return ("kid of the server key, signed by another key", f =>
            Bearer(Jws.Token(OwnHeader(f, $",\"kid\":\"{f.Keys.KeyId}\""), Jws.Payload(), f.Attacker.Sign)));
        yield return ("kid an object", f => Bearer(Jws.Token(OwnHeader(f, ",\"kid\":{\"$ne\":null}"), Jws.Payload(), f.Attacker.Sign)));

        // Header parameters AuthBench does not implement: crit in any form, zip.
        foreach (var crit in new[] { "[\"exp\"]", "[\"unknown\"],\"unknown\":1", "[\"b64\"],\"b64\":false", "[]", "\"exp\"", "null", "1", "{}" })
        {
            yield return ($"crit {crit}", f => Bearer(WithHeader(f, OwnHeader(f, ",\"crit\":" + crit))));
        }
        yield return ("zip DEF over a plain payload", f => Bearer(WithHeader(f, OwnHeader(f, ",\"zip\":\"DEF\""))));
        yield return ("zip DEF over a deflated payload", f =>
        {
            using var buffer = new MemoryStream();
            using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            {
                deflate.Write(Encoding.UTF8.GetBytes(Jws.Payload()));
            }
            return Bearer(Signed(f, Encoding.UTF8.GetBytes(OwnHeader(f, ",\"zip\":\"DEF\"")), buffer.ToArray()));
        });
        yield return ("enc header on a JWS", f => Bearer(WithHeader(f, OwnHeader(f, ",\"enc\":\"A256GCM\""))));

        // Time.
        yield return ("exp missing", f => Bearer(WithPayload(f, Jws.Payload(exp: ""))));
        yield return ("exp just past the skew", f => Bearer(WithPayload(f, Jws.Payload(exp: Seconds(Jws.Now - 40)))));
        yield return ("exp an hour ago", f => Bearer(WithPayload(f, Jws.Payload(exp: Seconds(Jws.Now - 3600)))));
        yield return ("nbf in the future", f => Bearer(WithPayload(f, Jws.Payload(extra: $",\"nbf\":{Jws.Now + 120}"))));
        yield return ("nbf after exp", f => Bearer(WithPayload(f, Jws.Payload(exp: Seconds(Jws.Now + 10), extra: $",\"nbf\":{Jws.Now + 20}"))));
        yield return ("exp a string", f => Bearer(WithPayload(f, Jws.Payload(exp: $"\"{Jws.Now + 600}\""))));
        yield return ("exp a float", f => Bearer(WithPayload(f, Jws.Payload(exp: Seconds(Jws.Now + 600) + ".5"))));
        yield return ("exp in exponent notation", f => Bearer(WithPayload(f, Jws.Payload(exp: "9.9e9"))));
        yield return ("exp negative", f => Bearer(WithPayload(f, Jws.Payload(exp: "-1"))));
        yield return ("exp zero", f => Bearer(WithPayload(f, Jws.Payload(exp: "0"))));
        yield return ("exp beyond year 9999", f => Bearer(WithPayload(f, Jws.Payload(exp: "253402300800"))));
        yield return ("exp beyond Int64", f => Bearer(WithPayload(f, Jws.Payload(exp: "99999999999999999999"))));
        yield return ("exp 1e300", f => Bearer(WithPayload(f, Jws.Payload(exp: "1e300"))));
        yield return ("exp null", f => Bearer(WithPayload(f, Jws.Payload(exp: "null"))));
        yield return ("exp true", f => Bearer(WithPayload(f, Jws.Payload(exp: "true"))));
        yield return ("exp an array", f => Bearer(WithPayload(f, Jws.Payload(exp: $"[{Jws.Now + 600}]"))));
        yield return ("exp an object", f => Bearer(WithPayload(f, Jws.Payload(exp: "{}"))));
        yield return ("nbf a string in the future", f => Bearer(WithPayload(f, Jws.Payload(extra: $",\"nbf\":\"{Jws.Now + 120}\""))));

        // Issuer and audience.
        yield return ("iss wrong", f => Bearer(WithPayload(f, Jws.Payload(iss: "\"https://evil.example\""))));
        yield return ("iss missing", f => Bearer(WithPayload(f, Jws.Payload(iss: ""))));
        yield return ("iss with a trailing slash", f => Bearer(WithPayload(f, Jws.Payload(iss: $"\"{JwtTokens.Issuer}/\""))));
        yield return ("iss in upper case", f => Bearer(WithPayload(f, Jws.Payload(iss: $"\"{JwtTokens.Issuer.ToUpperInvariant()}\""))));
        yield return ("iss an array holding ours", f => Bearer(WithPayload(f, Jws.Payload(iss: $"[\"{JwtTokens.Issuer}\"]"))));
        yield return ("iss null", f => Bearer(WithPayload(f, Jws.Payload(iss: "null"))));
        yield return ("aud wrong", f => Bearer(WithPayload(f, Jws.Payload(aud: "\"other-api\""))));
        yield return ("aud missing", f => Bearer(WithPayload(f, Jws.Payload(aud: ""))));
        yield return ("aud an array without us", f => Bearer(WithPayload(f, Jws.Payload(aud: "[\"other-api\",\"another-api\"]"))));
        yield return ("aud an empty array", f => Bearer(WithPayload(f, Jws.Payload(aud: "[]"))));
        yield return ("aud in another case", f => Bearer(WithPayload(f, Jws.Payload(aud: $"\"{JwtTokens.Audience.ToUpperInvariant()}\""))));
        yield return ("aud a number", f => Bearer(WithPayload(f, Jws.Payload(aud: "1"))));

        // Size and shape.
        yield return ("token just over the 8 KB limit", f => Bearer(OfLength(f, JwtTokens.MaximumTokenBytes + 1)));
        yield return ("token of 9 KB", f => Bearer(OfLength(f, 9 * 1024)));
        yield return ("token of 64 KB", f => Bearer(OfLength(f, 64 * 1024)));
        yield return ("deeply nested JSON in the payload", f =>
            Bearer(WithPayload(f, Jws.Payload(extra: ",\"deep\":" + new string('[', 2500) + new string(']', 2500)))));
        yield return ("nested JSON 65 levels deep", f =>
            Bearer(WithPayload(f, Jws.Payload(extra: ",\"deep\":" + new string('[', 65) + new string(']', 65)))));
        yield return ("deeply nested JSON in the header", f =>
            Bearer(WithHeader(f, OwnHeader(f, ",\"deep\":" + new string('[', 2000) + new string(']', 2000)))));
        yield return ("thousands of claims", f =>
            Bearer(WithPayload(f, Jws.Payload(extra: string.Concat(Enumerable.Range(0, 5000).Select(i => $",\"c{i}\":{i}"))))));
    }

    /// <summary>A validly signed token of exactly (or, when base64url cannot hit it, just above) the given length.</summary>
    public static string OfLength(JwtApiFixture f, int length)
    {
        var header = Jws.Header(f.Keys);
        var shortest = WithPayload(f, Jws.Payload(extra: ",\"pad\":\"\""));
        for (var pad = Math.Max(0, (length - shortest.Length) * 3 / 4 - 8); ; pad++)
        {
            var token = Signed(f, header, Jws.Payload(extra: $",\"pad\":\"{new string('p', pad)}\""));
            if (token.Length >= length)
            {
                return token;
            }
        }
    }

    /// <summary>The longest validly signed token that is not longer than the given length.</summary>
    public static string AtMost(JwtApiFixture f, int length)
    {
        var token = OfLength(f, length);
        while (token.Length > length)
        {
            var pad = Base64UrlEncoder.Decode(token.Split('.')[1]);
            var p = pad.IndexOf("\"pad\":\"", StringComparison.Ordinal) + 7;
            var n = pad.IndexOf('"', p) - p - 1;
            token = Signed(f, Jws.Header(f.Keys), Jws.Payload(extra: $",\"pad\":\"{new string('p', n)}\""));
        }
        return token;
    }

    private static string Seconds(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Describe(string json) => json.Length == 0 ? "empty" : $"not an object: {json}";
}
