using System.Text.Json.Serialization;
using AuthBench.Core;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Api.Fanout;

/// <summary>One public key of <see cref="AuthBench.Contracts.Fanout.FanoutModes.JwksPath"/>, in RFC 7517/7518 member names.</summary>
public sealed record JwkDocument(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("n"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? N,
    [property: JsonPropertyName("e"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? E,
    [property: JsonPropertyName("crv"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Crv,
    [property: JsonPropertyName("x"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? X,
    [property: JsonPropertyName("y"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Y);

public sealed record JwksDocument([property: JsonPropertyName("keys")] JwkDocument[] Keys);

/// <summary>
/// Key sets for fan-out, built and read by IdentityModel: <see cref="JsonWebKeyConverter"/> turns the public
/// validation key into a JWK, <see cref="JsonWebKeySet"/> parses a fetched set into signing keys. IdentityModel's
/// JWK writer is internal, so the document is written from the converted key's public members only (hand-written:
/// this record; a private member cannot be written because the record has none).
/// </summary>
public static class JsonWebKeys
{
    /// <summary>The published set for a key pair: its public half, never a secret. HS256 has none to publish.</summary>
    public static JwksDocument Publish(JwtKeySet keys)
    {
        if (keys.Algorithm is JwtAlgorithm.HS256)
        {
            throw new InvalidOperationException("HS256 has no public key to publish");
        }
        var jwk = JsonWebKeyConverter.ConvertFromSecurityKey(keys.ValidationKey);
        return new JwksDocument([new JwkDocument(jwk.Kty, JsonWebKeyUseNames.Sig, keys.KeyId, keys.AlgorithmName, jwk.N, jwk.E, jwk.Crv, jwk.X, jwk.Y)]);
    }

    /// <summary>
    /// The keys of a fetched set that verify <paramref name="algorithm"/> signatures. Throws <see cref="ArgumentException"/>
    /// (one line) when the document is not a key set or holds no such key.
    /// </summary>
    public static IReadOnlyList<SecurityKey> Read(string json, string algorithm, string source)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"{source} is not a JSON Web Key Set ({e.Message})");
        }
        var keys = set.Keys
            .Where(k => string.Equals(k.Alg, algorithm, StringComparison.Ordinal) && k.Use is null or JsonWebKeyUseNames.Sig && !k.HasPrivateKey)
            .Select(k => JsonWebKeyConverter.TryConvertToSecurityKey(k, out var key) ? key : null)
            .OfType<SecurityKey>()
            .ToList();
        return keys.Count > 0
            ? keys
            : throw new ArgumentException($"{source} holds no public {algorithm} signing key (kids: {string.Join(", ", set.Keys.Select(k => k.Kid))}); start this service with the edge's --alg");
    }
}
