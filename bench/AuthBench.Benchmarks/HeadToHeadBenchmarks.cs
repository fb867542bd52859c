using AuthBench.Core;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Benchmarks;

/// <summary>
/// The central question in one table: per request, the session arm's lookup (baseline) against the jwt arm's
/// verification for each algorithm, typical claims. Ratio = JWT time / lookup time; the "JWTs/lookup" column is its
/// inverse: how many verifications cost as much as one lookup.
/// </summary>
[BenchmarkCategory(Categories.HeadToHead)]
public class HeadToHeadBenchmarks
{
    private const ClaimProfile Profile = ClaimProfile.Typical;

    private StoreLease? _lease;
    private RedisSessionStore _sessions = null!;
    private SessionRing _sessionRing = null!;
    private TokenRing? _tokens;
    private TokenValidationParameters _parameters = null!;
    private readonly Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler _handler = JwtTokens.CreateHandler();
    private int _next;

    [GlobalSetup(Target = nameof(SessionLookup))]
    public async Task SetupSessionAsync()
    {
        _lease = await StoreLease.OpenAsync();
        _sessions = new RedisSessionStore(_lease.Multiplexer);
        _sessionRing = await SessionRing.CreateAsync(_sessions, Profile);
    }

    [GlobalSetup(Target = nameof(Jwt_HS256))]
    public Task SetupHs256Async() => SetupJwtAsync(JwtAlgorithm.HS256);

    [GlobalSetup(Target = nameof(Jwt_RS256))]
    public Task SetupRs256Async() => SetupJwtAsync(JwtAlgorithm.RS256);

    [GlobalSetup(Target = nameof(Jwt_ES256))]
    public Task SetupEs256Async() => SetupJwtAsync(JwtAlgorithm.ES256);

    private async Task SetupJwtAsync(JwtAlgorithm algorithm)
    {
        _tokens = await TokenRing.CreateAsync(algorithm, Profile);
        _parameters = JwtTokens.CreateValidationParameters(_tokens.Keys);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_lease is not null)
        {
            await _sessionRing.DeleteAsync(_lease.Multiplexer.GetDatabase());
            await _lease.DisposeAsync();
        }
        _tokens?.Dispose();
    }

    private int Next()
    {
        var i = _next;
        _next = (i + 1) & Ring.Mask;
        return i;
    }

    /// <summary>The session arm per request: <see cref="RedisSessionStore.GetAsync"/> (one GETEX, parse into claims).</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> SessionLookup()
    {
        var session = await _sessions.GetAsync(_sessionRing.Ids[Next()]) ?? throw new InvalidOperationException("a ring session is missing");
        return session.Subject?.Length ?? 0;
    }

    [Benchmark]
    public Task<int> Jwt_HS256() => VerifyAsync();

    [Benchmark]
    public Task<int> Jwt_RS256() => VerifyAsync();

    [Benchmark]
    public Task<int> Jwt_ES256() => VerifyAsync();

    /// <summary>
    /// The jwt arm per request: validation as JwtBearer runs it, the canonical-form policy the API adds, and the ClaimsIdentity it then takes from the result
    /// (built lazily), so both sides end with the user's claims in memory and read the subject.
    /// </summary>
    private async Task<int> VerifyAsync()
    {
        var result = await _handler.ValidateTokenAsync(_tokens!.Tokens[Next()], _parameters);
        // The API's OnTokenValidated runs JwsPolicy on every valid token: it is part of the arm's per-request cost.
        if (!result.IsValid || JwsPolicy.FindViolation((Microsoft.IdentityModel.JsonWebTokens.JsonWebToken)result.SecurityToken) is not null)
        {
            throw result.Exception ?? new InvalidOperationException("JwsPolicy refused a ring token");
        }
        return result.ClaimsIdentity.Name?.Length ?? 0;
    }
}
