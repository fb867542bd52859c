using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Tests;

/// <summary>The HTTP/2 section reads the newest run that compared wires; such a run never stands in for the HTTP/1.1 load run.</summary>
public sealed class Http2SectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-h2-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrialResult Wire(ArmDescriptor arm, string? alg, string http, int? users, int rep, double sent, double credential, double cpu) => new()
    {
        Arm = arm.Name,
        Alg = alg,
        Claims = "typical",
        Label = arm.Label(alg),
        Endpoint = "/api/me",
        TargetRps = 200,
        Repetition = rep,
        AchievedRps = 200,
        Requests = 2000,
        LatencyUs = new Contracts.Results.Percentiles(300, 450, 900, 1800, 2700, 3600, 300),
        ServiceTimeUs = new Contracts.Results.Percentiles(1, 1, 1, 1, 1, 1, 1),
        BytesPerRequest = new BytesPerRequest(sent, 300),
        ServerCpuUsPerRequest = cpu,
        LoadgenCpuUsPerRequest = 15,
        Http = http,
        UsersPerConnection = users,
        CredentialBytesPerRequest = credential,
    };

    private string WriteHttp2Run()
    {
        var trials = new List<TrialResult>();
        for (var rep = 1; rep <= 3; rep++)
        {
            trials.Add(Wire(ArmCatalogue.Baseline, null, HttpWireNames.Http11, null, rep, 50, 0, 30 + rep));
            trials.Add(Wire(ArmCatalogue.Baseline, null, HttpWireNames.Http2NeverIndexed, null, rep, 14, 0, 31 + rep));
            trials.Add(Wire(ArmCatalogue.Jwt, "ES256", HttpWireNames.Http11, null, rep, 530, 483, 60 + rep));
            trials.Add(Wire(ArmCatalogue.Jwt, "ES256", HttpWireNames.Http2NeverIndexed, null, rep, 390, 376, 70 + rep));
            trials.Add(Wire(ArmCatalogue.Jwt, "ES256", HttpWireNames.Http2Indexed, null, rep, 391, 377, 80 + rep));
            trials.Add(Wire(ArmCatalogue.Jwt, "ES256", HttpWireNames.Http11, 1, rep, 524, 483, 60 + rep));
            trials.Add(Wire(ArmCatalogue.Jwt, "ES256", HttpWireNames.Http2Indexed, 1, rep, 16, 2.8, 60 + rep));
        }
        var settings = Fixtures.Settings with
        {
            Http = string.Join(",", HttpWireNames.All),
            StreamsPerConnection = 64,
            UsersPerConnectionList = "all,1",
        };
        return Fixtures.Write(Path.Combine(_root, "load", "20260101T000000Z-h2"), Fixtures.Run(trials, settings: settings));
    }

    private string Section(string md)
    {
        var section = md[md.IndexOf("\n## HTTP/2 at the edge\n", StringComparison.Ordinal)..];
        return section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
    }

    [Fact]
    public void Http2_section_tabulates_bytes_per_wire_and_edge_with_the_credentials_share_and_cpu_against_http11()
    {
        WriteHttp2Run();
        var runs = RunSelection.Find(_root);
        Assert.NotNull(runs.Http2);
        Assert.Null(runs.Load); // a run that compared wires is not a fixed-rate run of the HTTP/1.1 tables
        var md = new ReportBuilder(new ReportInputs(null, null, default, _root, null, Http2: runs.Run(runs.Http2))).Build(Path.Combine(_root, "charts"));
        var section = Section(md);

        Assert.Contains("| arm | 1.1, gateway | 1.1, browser | 2-never-indexed, gateway | 2-indexed, gateway | 2-indexed, browser | response bytes (1.1 / HTTP/2) |", section, StringComparison.Ordinal);
        Assert.Contains("| `none` | 50 (0) | – | 14 (0) | – | – | 300 / 300 |", section, StringComparison.Ordinal);
        Assert.Contains("| `jwt-ES256` | 530 (483) | 524 (483) | 390 (376) | 391 (377) | 16 (3) | 300 / 300 |", section, StringComparison.Ordinal);
        // CPU: never indexed is ten microseconds above HTTP/1.1 in every repetition, indexed twenty; a browser's indexed wire the same.
        Assert.Contains("| `jwt-ES256` | gateway | 62.0 (61.0–63.0) | 10.0 [", section, StringComparison.Ordinal);
        Assert.Contains("| 20.0 [", section, StringComparison.Ordinal);
        Assert.Contains("| `jwt-ES256` | browser | 62.0 (61.0–63.0) | – | no measurable difference [", section, StringComparison.Ordinal);

        var caveat = md[md.IndexOf("- **Header compression.**", StringComparison.Ordinal)..];
        caveat = caveat[..caveat.IndexOf('\n', StringComparison.Ordinal)];
        Assert.Contains("never indexed, the credential still costs 78 % of its HTTP/1.1 line on every request", caveat, StringComparison.Ordinal);
        Assert.Contains("indexed on a gateway's connection, 78 %", caveat, StringComparison.Ordinal);
        Assert.Contains("indexed on a browser's connection (one user), 2.8 B per request", caveat, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_http2_run_the_section_and_the_caveat_say_so()
    {
        var md = new ReportBuilder(new ReportInputs(null, null, default, _root, null)).Build(Path.Combine(_root, "charts"));
        Assert.Contains("_No HTTP/2 run found", md, StringComparison.Ordinal);
        Assert.Contains("no HTTP/2 run is published here", md, StringComparison.Ordinal);
        Assert.DoesNotContain("shrinks a repeated cookie or bearer token", md, StringComparison.Ordinal);
    }
}
