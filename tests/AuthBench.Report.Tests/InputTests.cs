using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>What the report reads: published files through the contracts, histogram files, and both benchmark naming schemes.</summary>
public sealed class InputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-report-inputs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> PublishedRuns()
    {
        var data = new TheoryData<string>();
        var root = RepoPaths.FindRoot() ?? throw new InvalidOperationException("tests run inside the repository");
        foreach (var file in Directory.GetFiles(Path.Combine(root, "results", "load"), "results.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PublishedRuns))]
    public void Every_published_results_json_deserializes_through_the_contract(string relativePath)
    {
        var run = LoadRun.Read(Path.Combine(RepoPaths.FindRoot()!, relativePath));
        Assert.NotEmpty(run.Trials);
        // A transport variant (jwt-cookie-ES256) is its arm's (jwt) with another label stem; a fan-out chain's label
        // (jwt-ES256-fan2, session-fan4-edge-token) is its arm's label followed by the chain's length and mode.
        // A fan-out chain's label ends in its chain; an --api-metrics arm's in "-metrics" (the load tool's ArmSpec.MetricsSuffix).
        string ArmLabel(TrialResult t) =>
            run.Results.Arms.FirstOrDefault(a => a.Label == t.Label)?.Fanout is { } chain && t.Label.LastIndexOf($"-fan{chain.Services}", StringComparison.Ordinal) is > 0 and var at
                ? t.Label[..at]
                : run.Results.Settings.ApiMetrics is not null && t.Label.EndsWith("-metrics", StringComparison.Ordinal) ? t.Label[..^"-metrics".Length]
                : t.Label;
        Assert.All(run.Results.Trials, t => Assert.Equal((t.Arm, t.Alg), ArmCatalogue.ParseLabel(ArmLabel(t)) is { } parsed ? (parsed.Arm.Name, parsed.Alg) : default));
        // Published runs predate results.json's histogram list: their files are found by the names the load tool gave them.
        Assert.All(run.HistogramFiles(), f => Assert.True(File.Exists(Path.Combine(run.Directory, f)), f));
    }

    [Fact]
    public void Published_sizes_json_deserializes_through_the_contract()
    {
        var sizes = SizesJson.Read(Path.Combine(RepoPaths.FindRoot()!, "results", "micro", "sizes.json"));
        Assert.Contains(sizes.Rows, r => r.Alg == "ES256" && r.Claims == "typical" && r.BearerHeaderBytes > r.CookieHeaderBytes);
        Assert.NotEmpty(sizes.LoginResponses);
    }

    [Fact]
    public void Histograms_listed_in_results_json_are_used_whatever_their_names()
    {
        var dir = Path.Combine(_root, "run");
        var trials = new[] { Fixtures.Trial(ArmCatalogue.None, null, 200, 1, 100, 300, 100, null) };
        var listed = new HistogramFiles("none", 200, "none-200", "h/lat.hgrm", "h/svc.hgrm");
        var path = Fixtures.Write(dir, Fixtures.Run(trials, histograms: [listed]));
        Directory.CreateDirectory(Path.Combine(dir, "h"));
        Fixtures.WriteHgrm(Path.Combine(dir, "h", "lat.hgrm"));
        Fixtures.WriteHgrm(Path.Combine(dir, "h", "svc.hgrm"));
        Fixtures.WriteHgrm(Path.Combine(dir, "latency-none-200.hgrm")); // a stray file by the old name is not the run's

        var run = LoadRun.Read(path);

        Assert.Equal(listed, run.Histogram("none", 200));
        Assert.Equal(["h/lat.hgrm", "h/svc.hgrm"], run.HistogramFiles());
        var md = new ReportBuilder(new ReportInputs(run, null, default, _root, null)).Build(Path.Combine(_root, "charts"));
        Assert.Contains("(run/h/lat.hgrm)", md, StringComparison.Ordinal);
        Assert.DoesNotContain("latency-none-200.hgrm", md, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root, "charts", "latency-spectrum.png")));
    }

    [Fact]
    public void A_missing_figure_reads_as_nan()
    {
        var trial = Fixtures.Trial(ArmCatalogue.Jwt, "HS256", null, 1, 1, 1, 1, null);
        var read = Trial.From(new TrialResult
        {
            Arm = trial.Arm, Alg = trial.Alg, Label = trial.Label, Endpoint = trial.Endpoint, LatencyUs = trial.LatencyUs,
            ServiceTimeUs = trial.ServiceTimeUs, BytesPerRequest = trial.BytesPerRequest,
        });
        Assert.True(double.IsNaN(read.TargetRps));
        Assert.True(double.IsNaN(read.ServerCpuUsPerRequest));
        Assert.Equal("jwt-HS256", read.Label);
    }

    private MicroRun Micro(string type, params (string Method, string Parameters, double MedianNs)[] rows)
    {
        var dir = Path.Combine(_root, "micro");
        Fixtures.WriteMicro(dir, type, rows);
        return MicroRun.Read(dir)!;
    }

    [Fact]
    public void Published_head_to_head_gives_every_arm_of_an_algorithm_its_verification_figure()
    {
        var micro = Micro("HeadToHeadBenchmarks", ("SessionLookup", "", 40_000), ("Jwt_HS256", "", 8_000), ("Jwt_ES256", "", 80_000));

        var perLookup = MicroFigures.PerSessionLookup(micro);

        Assert.Equal(1.0, perLookup["session"]);
        Assert.Equal(5.0, perLookup["jwt-HS256"]);
        Assert.Equal(5.0, perLookup["jwt-denylist-HS256"]); // the same token and verification: the defect read "–" here
        Assert.Equal(0.5, perLookup["jwt-denylist-ES256"]);
        Assert.False(perLookup.ContainsKey("jwt-RS256"));
    }

    [Fact]
    public void Parameterised_head_to_head_divides_the_session_label_by_each_label()
    {
        var micro = Micro("HeadToHeadBenchmarks",
            ("Authenticate", "Label=session", 40_000), ("Authenticate", "Label=jwt-HS256", 8_000), ("Authenticate", "Label=jwt-denylist-HS256", 50_000));

        var perLookup = MicroFigures.PerSessionLookup(micro);

        Assert.Equal(1.0, perLookup["session"]);
        Assert.Equal(5.0, perLookup["jwt-HS256"]);
        Assert.Equal(0.8, perLookup["jwt-denylist-HS256"]);
        // The denylist arm's row is a verification plus its revocation read, in wall time: the headline's row says so.
        var md = new ReportBuilder(new ReportInputs(null, micro, default, _root, null)).Build(Path.Combine(_root, "charts"));
        Assert.Contains("| Wall time of one `session` authentication over this arm's (microbenchmark head-to-head; the store arms' times include a loopback store round trip; wall time, not CPU)", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameterised_pipeline_rows_are_compared_with_the_baseline_label()
    {
        var micro = Micro("PipelineBenchmarks", ("Request", "Label=jwt-HS256", 30_000), ("Request", "Label=none", 10_000), ("Request", "Label=session", 60_000));
        var md = new ReportBuilder(new ReportInputs(null, micro, default, _root, null)).Build(Path.Combine(_root, "charts"));

        Assert.Contains("| **Request** (baseline) | Label=none | 10.000 | 10.000 | 1.00 |", md, StringComparison.Ordinal);
        // In catalogue order, the baseline first, whatever the file's order.
        Assert.True(md.IndexOf("Label=none", StringComparison.Ordinal) < md.IndexOf("Label=session", StringComparison.Ordinal));
        Assert.True(md.IndexOf("Label=session", StringComparison.Ordinal) < md.IndexOf("Label=jwt-HS256", StringComparison.Ordinal));
        Assert.Contains("| Request | Label=session | 60.000 | 60.000 | 6.00 |", md, StringComparison.Ordinal);
        Assert.Contains("| Request | Label=jwt-HS256 | 30.000 | 30.000 | 3.00 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Published_pipeline_rows_keep_their_method_baseline()
    {
        var micro = Micro("PipelineBenchmarks", ("None", "", 10_000), ("Session", "", 60_000));
        var md = new ReportBuilder(new ReportInputs(null, micro, default, _root, null)).Build(Path.Combine(_root, "charts"));

        Assert.Contains("| **None** (baseline) |  | 10.000 | 10.000 | 1.00 |", md, StringComparison.Ordinal);
        Assert.Contains("| Session |  | 60.000 | 60.000 | 6.00 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_header_bytes_follow_each_arms_transport()
    {
        var sizes = new SizesResults("user1",
            [new HeaderSizeRow("HS256", "typical", 400, 440, 430, 450, 64, 376, 6.88, 183), new HeaderSizeRow("HS256", "large", 1500, 1579, 1568, 1607, 64, 1515, 24.67, 1037)],
            []);

        var bytes = MicroFigures.CredentialHeaderBytes(sizes);

        Assert.Equal(64, bytes["session"]);
        Assert.Equal(440, bytes["jwt-HS256"]);
        Assert.Equal(440, bytes["jwt-denylist-HS256"]);
        Assert.False(bytes.ContainsKey("none"));
    }
    [Fact]
    public void Cookie_runs_read_their_own_cookie_line_and_token_cookie_variants_their_rows()
    {
        var sizes = new SizesResults("user1",
            [new HeaderSizeRow("HS256", "typical", 400, 440, 430, 450, 64, 376, 6.88, 183) { TokenCookieHeaderBytes = 425 }],
            [],
            [new CookieSizeRow("aspnet-cookie", "typical", "__Host-auth", 600, 622), new CookieSizeRow("aspnet-cookie-store", "typical", "__Host-auth-ref", 200, 226),
             new CookieSizeRow("session", "typical", "__Host-sid", 43, 64), new CookieSizeRow("aspnet-cookie", "large", "__Host-auth", 2000, 2022)]);

        var bytes = MicroFigures.CredentialHeaderBytes(sizes);

        Assert.Equal(622, bytes["aspnet-cookie"]);
        Assert.Equal(226, bytes["aspnet-cookie-store"]);
        Assert.Equal(64, bytes["session"]);
        Assert.Equal(425, bytes["jwt-cookie-HS256"]);
        Assert.Equal(425, bytes["jwt-denylist-cookie-HS256"]);
        Assert.Equal(440, bytes["hybrid-HS256"]);
        Assert.Equal(440, bytes["jwt-denylist-cached-HS256"]);
    }

    [Fact]
    public void Without_cookie_lines_only_runs_that_send_the_session_cookie_get_its_size()
    {
        var sizes = new SizesResults("user1", [new HeaderSizeRow("HS256", "typical", 400, 440, 430, 450, 64, 376, 6.88, 183)], []);

        var bytes = MicroFigures.CredentialHeaderBytes(sizes);

        Assert.Equal(64, bytes["session"]);
        Assert.Equal(64, bytes["session-cached"]);
        Assert.False(bytes.ContainsKey("aspnet-cookie"));
        Assert.False(bytes.ContainsKey("aspnet-cookie-store"));
        Assert.False(bytes.ContainsKey("jwt-cookie-HS256"));
    }
}
