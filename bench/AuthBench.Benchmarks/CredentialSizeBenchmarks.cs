using AuthBench.Contracts.Arms;
using System.Text;
using AuthBench.Core;
using BenchmarkDotNet.Attributes;

namespace AuthBench.Benchmarks;

/// <summary>
/// The credential header line each request carries, per claim profile: writing it into a send buffer (what an
/// HTTP/1.1 client does per request, and what scales with the size). The "Bytes" column gives its exact size;
/// <c>results/micro/sizes.md</c> has the full table, login responses included.
/// </summary>
[BenchmarkCategory(Categories.Size)]
public class CredentialSizeBenchmarks
{
    private readonly byte[] _buffer = new byte[JwtTokens.MaximumTokenBytes + 64];
    private string _cookieLine = null!;
    private string _hs256Line = null!;
    private string _rs256Line = null!;
    private string _es256Line = null!;

    [Params(ClaimProfile.Small, ClaimProfile.Typical, ClaimProfile.Large)]
    public ClaimProfile Claims { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cookieLine = $"Cookie: {ArmCatalogue.SessionCookieName}={RedisSessionStore.NewId()}\r\n";
        _hs256Line = BearerLine(JwtAlgorithm.HS256);
        _rs256Line = BearerLine(JwtAlgorithm.RS256);
        _es256Line = BearerLine(JwtAlgorithm.ES256);
    }

    private string BearerLine(JwtAlgorithm algorithm)
    {
        var token = CredentialSizes.Token(algorithm, Claims);
        var line = $"Authorization: Bearer {token}\r\n";
        if (Encoding.ASCII.GetByteCount(line) != WireSizes.BearerHeaderLine(token))
        {
            throw new InvalidOperationException("the header line and WireSizes disagree");
        }
        return line;
    }

    [Benchmark(Baseline = true)]
    public int Cookie_HeaderLine() => Encoding.ASCII.GetBytes(_cookieLine, _buffer);

    [Benchmark]
    public int Bearer_HeaderLine_HS256() => Encoding.ASCII.GetBytes(_hs256Line, _buffer);

    [Benchmark]
    public int Bearer_HeaderLine_RS256() => Encoding.ASCII.GetBytes(_rs256Line, _buffer);

    [Benchmark]
    public int Bearer_HeaderLine_ES256() => Encoding.ASCII.GetBytes(_es256Line, _buffer);
}
