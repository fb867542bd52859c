using System.Security.Cryptography;
using System.Text;
using AuthBench.Core;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace AuthBench.Benchmarks;

/// <summary>
/// Distinct credentials, one per user, walked round-robin: every invocation sees a different token or session,
/// so neither a per-credential cache nor warm CPU caches on one input flatter a result.
/// </summary>
public static class Ring
{
    /// <summary>A power of two, so the next index is a mask; more users than any cache line set holds.</summary>
    public const int Size = 1024;

    public const int Mask = Size - 1;

    public static IEnumerable<DemoUser> Users()
    {
        var directory = new UserDirectory(Size);
        return Enumerable.Range(1, Size).Select(i => directory.Find(UserDirectory.UserName(i))!);
    }
}

/// <summary>
/// Pre-minted tokens of one algorithm and claim profile, minted by <see cref="JwtTokens"/> exactly as the API mints
/// them, plus each token's signing input and raw signature for the primitive floor.
/// </summary>
public sealed class TokenRing : IDisposable
{
    private TokenRing(JwtKeySet keys, string[] tokens)
    {
        Keys = keys;
        Tokens = tokens;
        SigningInputs = new byte[tokens.Length][];
        Signatures = new byte[tokens.Length][];
        for (var i = 0; i < tokens.Length; i++)
        {
            var dot = tokens[i].LastIndexOf('.');
            SigningInputs[i] = Encoding.ASCII.GetBytes(tokens[i][..dot]);
            Signatures[i] = Base64UrlEncoder.DecodeBytes(tokens[i][(dot + 1)..]);
        }
    }

    public JwtKeySet Keys { get; }

    public string[] Tokens { get; }

    /// <summary>ASCII of <c>base64url(header) "." base64url(payload)</c>: what the signature covers (RFC 7515 §5.2).</summary>
    public byte[][] SigningInputs { get; }

    public byte[][] Signatures { get; }

    /// <summary>
    /// Mints <see cref="Ring.Size"/> tokens for distinct users under fresh keys. The lifetime is long enough for the
    /// slowest benchmark process; it does not change a token's length (exp stays a 10-digit number).
    /// </summary>
    public static async Task<TokenRing> CreateAsync(JwtAlgorithm algorithm, ClaimProfile profile)
    {
        var keys = JwtKeySet.Generate(algorithm);
        var minter = new JwtTokens(keys, profile, lifetime: TimeSpan.FromHours(6));
        var tokens = Ring.Users().Select(minter.Issue).ToArray();
        // A benchmark that measures a rejection would measure the wrong thing: prove every token valid first.
        foreach (var token in tokens)
        {
            var result = await minter.ValidateAsync(token).ConfigureAwait(false);
            if (!result.IsValid)
            {
                throw new InvalidOperationException($"a freshly minted {algorithm} token does not validate: {result.Exception?.Message}");
            }
        }
        return new TokenRing(keys, tokens);
    }

    public void Dispose() => Keys.Dispose();
}

/// <summary>The raw signature check over a token's signing input: the physical floor of JWT validation.</summary>
public sealed class SignatureFloor : IDisposable
{
    private readonly JwtAlgorithm _algorithm;
    // A keyed instance, as IdentityModel keeps one: the floor must not pay for key set-up per call.
    private readonly HMACSHA256? _hmac;
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;

    public SignatureFloor(JwtKeySet keys)
    {
        _algorithm = keys.Algorithm;
        switch (keys.ValidationKey)
        {
            case SymmetricSecurityKey s:
                _hmac = new HMACSHA256(s.Key);
                break;
            case RsaSecurityKey r:
                _rsa = r.Rsa ?? throw new InvalidOperationException("the RSA validation key has no RSA instance");
                break;
            case ECDsaSecurityKey e:
                _ecdsa = e.ECDsa;
                break;
            default:
                throw new InvalidOperationException($"unexpected key type {keys.ValidationKey.GetType().Name}");
        }
    }

    public bool Verify(byte[] signingInput, byte[] signature)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        switch (_algorithm)
        {
            case JwtAlgorithm.HS256:
                return _hmac!.TryComputeHash(signingInput, digest, out _) && CryptographicOperations.FixedTimeEquals(digest, signature);
            case JwtAlgorithm.RS256:
                SHA256.HashData(signingInput, digest);
                return _rsa!.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            case JwtAlgorithm.ES256:
                SHA256.HashData(signingInput, digest);
                // JWS carries ECDSA signatures as r||s (RFC 7518 §3.4), not DER: IEEE P1363, the span overload's format.
                return _ecdsa!.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            default:
                throw new InvalidOperationException($"unknown algorithm {_algorithm}");
        }
    }

    public void Dispose() => _hmac?.Dispose();
}

/// <summary>Sessions of distinct users created through <see cref="RedisSessionStore.CreateAsync"/>, as the API's login creates them.</summary>
public sealed class SessionRing
{
    private SessionRing(string[] ids) => Ids = ids;

    public string[] Ids { get; }

    public RedisKey[] Keys => [.. Ids.Select(id => (RedisKey)(RedisSessionStore.KeyPrefix + id))];

    public static async Task<SessionRing> CreateAsync(RedisSessionStore store, ClaimProfile profile)
    {
        var ids = new string[Ring.Size];
        var i = 0;
        foreach (var user in Ring.Users())
        {
            ids[i++] = await store.CreateAsync(ClaimProfiles.ForUser(user, profile)).ConfigureAwait(false);
        }
        return new SessionRing(ids);
    }

    /// <summary>Removes the ring's sessions and user indexes, so one run does not grow the store for the next.</summary>
    public async Task DeleteAsync(IDatabase db)
    {
        var keys = Keys.Concat(Ring.Users().Select(u => (RedisKey)(RedisSessionStore.UserIndexPrefix + u.Sub))).ToArray();
        await db.KeyDeleteAsync(keys).ConfigureAwait(false);
    }
}
