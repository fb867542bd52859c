using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using AuthBench.Core;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.Tokens;
using JsonWebHandler = Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler;
using SecurityHandler = System.IdentityModel.Tokens.Jwt.JwtSecurityTokenHandler;

namespace AuthBench.Benchmarks;

/// <summary>
/// One JWT validated per invocation, per algorithm and claim profile, beside the raw signature check over the same
/// bytes (the floor): the Ratio column is the price of parsing, claim checks and the library around the crypto.
/// </summary>
[BenchmarkCategory(Categories.Jwt, Categories.Floor)]
public class JwtValidationBenchmarks
{
    private TokenRing _ring = null!;
    private SignatureFloor _floor = null!;
    private JsonWebHandler _jsonWebTokenHandler = null!;
    private SecurityHandler _jwtSecurityTokenHandler = null!;
    private TokenValidationParameters _parameters = null!;
    private int _next;

    [Params(JwtAlgorithm.HS256, JwtAlgorithm.RS256, JwtAlgorithm.ES256)]
    public JwtAlgorithm Alg { get; set; }

    [Params(ClaimProfile.Small, ClaimProfile.Typical, ClaimProfile.Large)]
    public ClaimProfile Claims { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _ring = await TokenRing.CreateAsync(Alg, Claims);
        _floor = new SignatureFloor(_ring.Keys);
        // The API's handler and validation parameters (JwtBearer is configured from the same two calls).
        _jsonWebTokenHandler = JwtTokens.CreateHandler();
        _parameters = JwtTokens.CreateValidationParameters(_ring.Keys);
        _jwtSecurityTokenHandler = new SecurityHandler
        {
            MapInboundClaims = false,
            MaximumTokenSizeInBytes = JwtTokens.MaximumTokenBytes,
        };
        for (var i = 0; i < Ring.Size; i++)
        {
            if (!_floor.Verify(_ring.SigningInputs[i], _ring.Signatures[i]))
            {
                throw new InvalidOperationException($"the {Alg} floor rejects a valid token");
            }
            _jwtSecurityTokenHandler.ValidateToken(_ring.Tokens[i], _parameters, out _);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _floor.Dispose();
        _ring.Dispose();
    }

    private int Next()
    {
        var i = _next;
        _next = (i + 1) & Ring.Mask;
        return i;
    }

    /// <summary>HMAC-SHA256 + fixed-time compare, RSA PKCS#1 v1.5 SHA-256 verify, or ECDSA P-256 verify: nothing else.</summary>
    [Benchmark(Baseline = true)]
    public bool Floor_SignatureVerify()
    {
        var i = Next();
        return _floor.Verify(_ring.SigningInputs[i], _ring.Signatures[i]);
    }

    /// <summary>What ASP.NET Core's JwtBearer runs: <c>JsonWebTokenHandler.ValidateTokenAsync</c> with the API's parameters.</summary>
    [Benchmark]
    public async Task<TokenValidationResult> JsonWebTokenHandler()
    {
        var result = await _jsonWebTokenHandler.ValidateTokenAsync(_ring.Tokens[Next()], _parameters);
        return result.IsValid ? result : throw result.Exception;
    }

    /// <summary>The older handler with the same parameters; it builds the ClaimsPrincipal eagerly.</summary>
    [Benchmark]
    public ClaimsPrincipal JwtSecurityTokenHandler() =>
        _jwtSecurityTokenHandler.ValidateToken(_ring.Tokens[Next()], _parameters, out _);

    /// <summary>
    /// Validation plus what happens next in the API: JwtBearer wraps the (lazily built) ClaimsIdentity in a principal
    /// and <c>/api/me</c> reads sub, name, email, role and plan from it.
    /// </summary>
    [Benchmark]
    public async Task<int> JsonWebTokenHandler_ReadClaims()
    {
        var result = await _jsonWebTokenHandler.ValidateTokenAsync(_ring.Tokens[Next()], _parameters);
        if (!result.IsValid)
        {
            throw result.Exception;
        }
        return ClaimReader.ReadApiClaims(new ClaimsPrincipal(result.ClaimsIdentity));
    }

    /// <summary>
    /// Everything the jwt arm does per request: validation, AuthBench's canonical-form check (<see cref="JwsPolicy"/>,
    /// which JwtBearer's OnTokenValidated runs in the API), then the claims <c>/api/me</c> reads. The difference to
    /// <see cref="JsonWebTokenHandler_ReadClaims"/> is what the policy costs.
    /// </summary>
    [Benchmark]
    public async Task<int> JsonWebTokenHandler_AsApi()
    {
        var result = await _jsonWebTokenHandler.ValidateTokenAsync(_ring.Tokens[Next()], _parameters);
        if (!result.IsValid || JwsPolicy.FindViolation((Microsoft.IdentityModel.JsonWebTokens.JsonWebToken)result.SecurityToken) is not null)
        {
            throw result.Exception ?? new InvalidOperationException("JwsPolicy refused a ring token");
        }
        return ClaimReader.ReadApiClaims(new ClaimsPrincipal(result.ClaimsIdentity));
    }
}

/// <summary>Reads the claims <c>/api/me</c> reads; returns their total length so nothing is optimised away.</summary>
public static class ClaimReader
{
    public static int ReadApiClaims(ClaimsPrincipal principal) =>
        (principal.FindFirst(ClaimProfiles.Sub)?.Value.Length ?? 0)
        + (principal.FindFirst(ClaimProfiles.Name)?.Value.Length ?? 0)
        + (principal.FindFirst(ClaimProfiles.Email)?.Value.Length ?? 0)
        + (principal.FindFirst(ClaimProfiles.Role)?.Value.Length ?? 0)
        + (principal.FindFirst(ClaimProfiles.Plan)?.Value.Length ?? 0);
}
