using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AuthBench.Contracts;
using AuthBench.Core;

namespace AuthBench.Api.Tests;

/// <summary>
/// Configuration mistakes stop the API before it listens: one line on stderr that says what to fix, exit code 2,
/// no stack trace. Checked through a real process start of the API's Program, as a user would run it.
/// </summary>
public sealed class StartupValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("authbench-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string KeyFile(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private sealed record Run(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs the API; returns when it exits, or kills it once it prints its readiness line.</summary>
    private static async Task<Run> RunApiAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AuthBench.Api.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("AUTHBENCH_REDIS");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            stdout.AppendLine(line);
            if (line.StartsWith(ApiReadiness.Prefix, StringComparison.Ordinal))
            {
                process.Kill(entireProcessTree: true);
                break;
            }
        }
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, stdout.ToString(), await stderr);
    }

    private static void AssertOneLineExit2(Run run, string expected)
    {
        Assert.Equal(2, run.ExitCode);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiReadiness.Prefix, run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fanout_with_HS256_exits_2_with_one_line()
    {
        var run = await RunApiAsync("--scheme", "jwt", "--alg", "HS256", "--urls", "http://127.0.0.1:0", "--downstream", "http://127.0.0.1:9");
        AssertOneLineExit2(run, "fan-out refused for HS256");
    }

    [Fact]
    public async Task Unreachable_jwks_exits_2_with_one_line()
    {
        var run = await RunApiAsync("--scheme", "jwt", "--alg", "ES256", "--urls", "http://127.0.0.1:0", "--jwks-from", "http://127.0.0.1:9/.well-known/jwks.json");
        AssertOneLineExit2(run, "cannot fetch the edge's key set");
    }

    [Fact]
    public async Task Control_a_good_configuration_starts_and_prints_the_readiness_line()
    {
        using var keys = JwtKeySet.Generate(JwtAlgorithm.HS256);
        var run = await RunApiAsync("--scheme", "jwt", "--urls", "http://127.0.0.1:0", "--key-file", KeyFile("good.key", keys.ExportPrivate()));
        Assert.Contains(ApiReadiness.Prefix + " scheme=jwt", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Theory]
    [InlineData("unknown --scheme 'bogus'", "--scheme", "bogus")]
    [InlineData("--scheme is required", "--urls", "http://127.0.0.1:0")]
    [InlineData("unknown option '--sheme'", "--sheme", "jwt")]
    [InlineData("unknown algorithm 'HS512'", "--scheme", "jwt", "--alg", "HS512")]
    [InlineData("--users must be", "--scheme", "none", "--users", "-5")]
    [InlineData("--token-lifetime must be", "--scheme", "jwt", "--token-lifetime", "soon")]
    [InlineData("unknown claim profile 'huge'", "--scheme", "jwt", "--claims", "huge")]
    [InlineData("cannot read key file '/nonexistent/authbench.key'", "--scheme", "jwt", "--key-file", "/nonexistent/authbench.key")]
    public async Task Bad_argument_gets_one_line_and_exit_code_2(string expected, params string[] args) =>
        AssertOneLineExit2(await RunApiAsync([.. args, "--urls", "http://127.0.0.1:0"]), expected);

    [Fact]
    public async Task Unreadable_key_file_gets_one_line_and_exit_code_2()
    {
        // A directory is unreadable as a file even for root (chmod 000 is not).
        AssertOneLineExit2(await RunApiAsync("--scheme", "jwt", "--urls", "http://127.0.0.1:0", "--key-file", _dir), "cannot read key file");
    }

    public static TheoryData<string, string, string> BadKeys() => new()
    {
        { "HS256", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), "at least 256 bits" },
        { "HS256", Convert.ToBase64String(RandomNumberGenerator.GetBytes(31)), "at least 256 bits" },
        { "HS256", "", "at least 256 bits" },
        { "HS256", Convert.ToBase64String(new byte[32]), "repeats a few byte values" },
        { "HS256", Convert.ToBase64String(Encoding.ASCII.GetBytes("correct horse battery staple, but longer than 32")), "printable text" },
        { "HS256", "my secret passphrase", "base64" },
        { "RS256", RSA.Create(1024).ExportPkcs8PrivateKeyPem(), "needs at least 2048" },
        { "ES256", ECDsa.Create(ECCurve.NamedCurves.nistP384).ExportPkcs8PrivateKeyPem(), "P-256" },
        { "ES256", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), "not a PEM EC private key" },
        { "RS256", ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem(), "not a PEM RSA private key" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void Weak_short_or_wrong_key_is_refused_with_a_reason(string alg, string content, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => JwtKeySet.Parse(JwtKeySet.ParseAlgorithm(alg), content, "key"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("short", "at least 256 bits")]
    [InlineData("zeros", "repeats a few byte values")]
    [InlineData("text", "printable text")]
    public async Task Weak_or_short_hs256_key_file_stops_the_api_at_start(string kind, string expected)
    {
        var secret = kind switch
        {
            "short" => RandomNumberGenerator.GetBytes(24),
            "zeros" => new byte[32],
            _ => Encoding.ASCII.GetBytes("authbench-signing-secret-do-not-share-2026"),
        };
        var file = KeyFile($"{kind}.key", Convert.ToBase64String(secret));
        AssertOneLineExit2(await RunApiAsync("--scheme", "jwt", "--alg", "HS256", "--urls", "http://127.0.0.1:0", "--key-file", file), expected);
    }

    [Fact]
    public void Generated_hs256_keys_are_never_refused()
    {
        for (var i = 0; i < 10_000; i++)
        {
            Assert.Null(JwtKeySet.WeakHmacKeyReason(RandomNumberGenerator.GetBytes(JwtKeySet.MinimumHmacKeyBytes)));
        }
    }
}
