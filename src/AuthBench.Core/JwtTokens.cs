using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Core;

/// <summary>Issues and describes the validation of AuthBench's access tokens; the API, benchmarks and tests share it.</summary>
public sealed class JwtTokens
{
    public const string Issuer = "https://authbench.local";
    public const string Audience = "authbench-api";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(15);

    /// <summary>Tokens larger than this are refused before any parsing (the issue's 8 KB limit).</summary>
    public const int MaximumTokenBytes = 8 * 1024;

    private readonly JsonWebTokenHandler _handler;
    private readonly TimeProvider _time;

    public JwtTokens(JwtKeySet keys, ClaimProfile profile, TimeSpan? lifetime = null, TimeProvider? time = null)
    {
        Keys = keys;
        Profile = profile;
        Lifetime = lifetime ?? DefaultLifetime;
        _time = time ?? TimeProvider.System;
        _handler = CreateHandler();
        ValidationParameters = CreateValidationParameters(keys);
    }

    public JwtKeySet Keys { get; }
    public ClaimProfile Profile { get; }
    public TimeSpan Lifetime { get; }
    public TokenValidationParameters ValidationParameters { get; }

    /// <summary>A handler configured as the API's: no inbound claim mapping, the 8 KB size limit.</summary>
    public static JsonWebTokenHandler CreateHandler() => new()
    {
        MapInboundClaims = false,
        MaximumTokenSizeInBytes = MaximumTokenBytes,
        SetDefaultTimesOnTokenCreation = false,
    };

    /// <summary>
    /// The API's validation: exactly one allowed algorithm, issuer, audience, lifetime (with 30 s skew),
    /// signed tokens with an expiry only. Shared by the JwtBearer handler and the benchmarks.
    /// </summary>
    public static TokenValidationParameters CreateValidationParameters(JwtKeySet keys) => new()
    {
        ValidAlgorithms = [keys.AlgorithmName],
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = ClockSkew,
        IssuerSigningKey = keys.ValidationKey,
        // Only the configured key: never a key named by the token (jwk, jku, x5u, x5c).
        TryAllIssuerSigningKeys = true,
        NameClaimType = ClaimProfiles.Sub,
        RoleClaimType = ClaimProfiles.Role,
    };

    /// <summary>Mints an access token for a user under this instance's profile.</summary>
    public string Issue(DemoUser user) => Issue(ClaimProfiles.ForUser(user, Profile));

    public string Issue(IDictionary<string, object> claims, DateTimeOffset? now = null, TimeSpan? lifetime = null)
    {
        var issuedAt = (now ?? _time.GetUtcNow()).UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = issuedAt,
            Expires = issuedAt + (lifetime ?? Lifetime),
            Claims = claims,
            SigningCredentials = Keys.SigningCredentials,
        };
        return _handler.CreateToken(descriptor);
    }

    /// <summary>Validates as the API does, <see cref="JwsPolicy"/> included (used by benchmarks and tests; the API goes through JwtBearer).</summary>
    public async Task<TokenValidationResult> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && JwsPolicy.FindViolation(jwt) is { } violation)
        {
            return new TokenValidationResult { IsValid = false, Exception = new SecurityTokenValidationException(violation) };
        }
        return result;
    }

    public static ClaimsIdentity ToIdentity(JsonWebToken token, string authenticationType) =>
        new(token.Claims, authenticationType, ClaimProfiles.Sub, ClaimProfiles.Role);
}
