using System.Security.Claims;
using System.Security.Cryptography;
using AuthBench.Contracts.Fanout;
using AuthBench.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Api.Fanout;

/// <summary>
/// The internal token of the edge-token fan-out mode: the edge, having looked the user's credential up once, signs the
/// user's claims with its own ES256 key for <see cref="FanoutModes.EdgeTokenLifetime"/>; downstream services verify
/// it with the edge's public key (<see cref="FanoutModes.JwksPath"/>). Its own issuer and audience, so it is never
/// taken for a user's access token, nor a user's token for it.
/// </summary>
public sealed class EdgeTokens(TimeProvider time) : IDisposable
{
    public const string Issuer = "https://authbench.local/edge";
    public const string Audience = "authbench-internal";

    /// <summary>The authentication scheme downstream services verify the internal token under.</summary>
    public const string Scheme = "fanout-edge-token";

    private readonly JsonWebTokenHandler _handler = JwtTokens.CreateHandler();

    /// <summary>A fresh P-256 key per edge process: nothing to distribute but its public half.</summary>
    public JwtKeySet Keys { get; } = JwtKeySet.FromEcdsa(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Mints the internal token for an authenticated user: the claims the edge's credential carried, nothing else.</summary>
    public string Issue(ClaimsPrincipal user)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var claim in user.Claims)
        {
            // The edge's bookkeeping claims (the session id, a token's own registered claims) do not travel.
            if (claim.Type.Contains(':', StringComparison.Ordinal) || claim.Type is "exp" or "iat" or "nbf" or "iss" or "aud" or "jti")
            {
                continue;
            }
            claims[claim.Type] = claims.TryGetValue(claim.Type, out var previous)
                ? previous is List<string> list ? Append(list, claim.Value) : new List<string> { (string)previous, claim.Value }
                : claim.Value;
        }
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + FanoutModes.EdgeTokenLifetime,
            Claims = claims,
            SigningCredentials = Keys.SigningCredentials,
        });
    }

    /// <summary>Validation downstream: ES256 only, this issuer and audience, a lifetime with one second of skew, only <paramref name="keys"/>.</summary>
    public static TokenValidationParameters ValidationParameters(IEnumerable<SecurityKey> keys) => new()
    {
        ValidAlgorithms = [nameof(JwtAlgorithm.ES256)],
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromSeconds(1),
        IssuerSigningKeys = [.. keys],
        TryAllIssuerSigningKeys = true,
        NameClaimType = ClaimProfiles.Sub,
        RoleClaimType = ClaimProfiles.Role,
    };

    public void Dispose() => Keys.Dispose();

    private static List<string> Append(List<string> list, string value)
    {
        list.Add(value);
        return list;
    }
}
