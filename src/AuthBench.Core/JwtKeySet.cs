using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Core;

/// <summary>The JWS algorithms the arms support; the API allows exactly one at a time.</summary>
public enum JwtAlgorithm
{
    HS256,
    RS256,
    ES256,
}

/// <summary>A signing key and its validation key for one algorithm, generated or loaded from a PEM/base64 file.</summary>
public sealed class JwtKeySet : IDisposable
{
    /// <summary>RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.</summary>
    public const int MinimumHmacKeyBytes = 32;

    private readonly IDisposable? _owned;

    private JwtKeySet(JwtAlgorithm algorithm, SecurityKey signingKey, SecurityKey validationKey, IDisposable? owned, string keyId)
    {
        Algorithm = algorithm;
        SigningKey = signingKey;
        ValidationKey = validationKey;
        _owned = owned;
        KeyId = keyId;
        SigningCredentials = new SigningCredentials(signingKey, AlgorithmName);
    }

    public JwtAlgorithm Algorithm { get; }
    public string AlgorithmName => Algorithm.ToString();
    public string KeyId { get; }
    public SecurityKey SigningKey { get; }
    public SecurityKey ValidationKey { get; }
    public SigningCredentials SigningCredentials { get; }

    public static JwtAlgorithm ParseAlgorithm(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "HS256" => JwtAlgorithm.HS256,
        "RS256" => JwtAlgorithm.RS256,
        "ES256" => JwtAlgorithm.ES256,
        _ => throw new ArgumentException($"unknown algorithm '{value}': use HS256, RS256 or ES256"),
    };

    /// <summary>Fresh random keys: 256-bit HMAC secret, RSA 2048, or ECDSA P-256.</summary>
    public static JwtKeySet Generate(JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.HS256 => FromHmacSecret(RandomNumberGenerator.GetBytes(MinimumHmacKeyBytes)),
        JwtAlgorithm.RS256 => FromRsa(RSA.Create(2048)),
        JwtAlgorithm.ES256 => FromEcdsa(ECDsa.Create(ECCurve.NamedCurves.nistP256)),
    };

    /// <summary>
    /// Loads a key file: for HS256 the secret in base64 (or base64url) text; for RS256/ES256 a PEM private key.
    /// Throws <see cref="ArgumentException"/> with a one-line reason for anything unusable.
    /// </summary>
    public static JwtKeySet Load(JwtAlgorithm algorithm, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"cannot read key file '{path}': {e.Message}");
        }
        return Parse(algorithm, text, path);
    }

    public static JwtKeySet Parse(JwtAlgorithm algorithm, string text, string source = "key")
    {
        switch (algorithm)
        {
            case JwtAlgorithm.HS256:
                byte[] secret;
                try
                {
                    secret = Base64UrlEncoder.DecodeBytes(text.Trim().TrimEnd('=').Replace('+', '-').Replace('/', '_'));
                }
                catch (FormatException)
                {
                    throw new ArgumentException($"{source}: an HS256 key file holds the secret as base64 text");
                }
                return FromHmacSecret(secret);
            case JwtAlgorithm.RS256:
                var rsa = RSA.Create();
                try
                {
                    rsa.ImportFromPem(text);
                }
                catch (Exception e) when (e is ArgumentException or CryptographicException)
                {
                    rsa.Dispose();
                    throw new ArgumentException($"{source}: not a PEM RSA private key ({e.Message})");
                }
                if (rsa.KeySize < 2048)
                {
                    rsa.Dispose();
                    throw new ArgumentException($"{source}: RSA key of {rsa.KeySize} bits; RS256 needs at least 2048");
                }
                return FromRsa(rsa);
            case JwtAlgorithm.ES256:
                var ecdsa = ECDsa.Create();
                try
                {
                    ecdsa.ImportFromPem(text);
                }
                catch (Exception e) when (e is ArgumentException or CryptographicException)
                {
                    ecdsa.Dispose();
                    throw new ArgumentException($"{source}: not a PEM EC private key ({e.Message})");
                }
                if (ecdsa.KeySize != 256)
                {
                    ecdsa.Dispose();
                    throw new ArgumentException($"{source}: ES256 needs a P-256 key, this one has {ecdsa.KeySize} bits");
                }
                return FromEcdsa(ecdsa);
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
    }

    /// <summary>Exports the private key in the form <see cref="Load"/> reads (for tests and key files).</summary>
    public string ExportPrivate() => SigningKey switch
    {
        SymmetricSecurityKey s => Convert.ToBase64String(s.Key),
        RsaSecurityKey r => r.Rsa!.ExportPkcs8PrivateKeyPem(),
        ECDsaSecurityKey e => e.ECDsa.ExportPkcs8PrivateKeyPem(),
        _ => throw new InvalidOperationException("unknown key type"),
    };

    public static JwtKeySet FromHmacSecret(byte[] secret)
    {
        if (secret.Length < MinimumHmacKeyBytes)
        {
            throw new ArgumentException(
                $"HS256 key of {secret.Length * 8} bits refused: at least {MinimumHmacKeyBytes * 8} bits are required");
        }
        if (WeakHmacKeyReason(secret) is { } weak)
        {
            throw new ArgumentException($"HS256 key refused: {weak}; use {MinimumHmacKeyBytes} random bytes, e.g. `openssl rand -base64 {MinimumHmacKeyBytes}`");
        }
        var kid = KeyIdOf(secret);
        var key = new SymmetricSecurityKey(secret) { KeyId = kid };
        return new JwtKeySet(JwtAlgorithm.HS256, key, key, null, kid);
    }

    /// <summary>
    /// Catches secrets that are long enough but not random (RFC 8725 §3.5: no human-memorable passwords as keys).
    /// A key drawn from a CSPRNG fails either test with probability below 1e-13, so no real key is refused.
    /// </summary>
    public static string? WeakHmacKeyReason(ReadOnlySpan<byte> secret)
    {
        Span<bool> seen = stackalloc bool[256];
        var distinct = 0;
        var printable = true;
        foreach (var b in secret)
        {
            if (!seen[b])
            {
                seen[b] = true;
                distinct++;
            }
            printable &= b is >= 0x20 and <= 0x7E;
        }
        if (distinct < MinimumHmacKeyBytes / 2)
        {
            return $"it repeats a few byte values ({distinct} distinct in {secret.Length} bytes)";
        }
        if (printable)
        {
            return "it is printable text (a password or passphrase), not random bytes";
        }
        return null;
    }

    public static JwtKeySet FromRsa(RSA rsa)
    {
        var publicOnly = RSA.Create(rsa.ExportParameters(false));
        var kid = KeyIdOf(publicOnly.ExportSubjectPublicKeyInfo());
        var signing = new RsaSecurityKey(rsa) { KeyId = kid };
        var validation = new RsaSecurityKey(publicOnly) { KeyId = kid };
        return new JwtKeySet(JwtAlgorithm.RS256, signing, validation, new Disposables(rsa, publicOnly), kid);
    }

    public static JwtKeySet FromEcdsa(ECDsa ecdsa)
    {
        var publicOnly = ECDsa.Create(ecdsa.ExportParameters(false));
        var kid = KeyIdOf(publicOnly.ExportSubjectPublicKeyInfo());
        var signing = new ECDsaSecurityKey(ecdsa) { KeyId = kid };
        var validation = new ECDsaSecurityKey(publicOnly) { KeyId = kid };
        return new JwtKeySet(JwtAlgorithm.ES256, signing, validation, new Disposables(ecdsa, publicOnly), kid);
    }

    public void Dispose() => _owned?.Dispose();

    // A short, stable key id: the first 8 bytes of SHA-256 over the public key (or the secret), base64url.
    private static string KeyIdOf(byte[] material) => Base64UrlEncoder.Encode(SHA256.HashData(material).AsSpan(0, 8).ToArray());

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
