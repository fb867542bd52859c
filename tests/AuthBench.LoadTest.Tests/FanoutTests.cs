using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Fanout;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Orchestration;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Results;

using static AuthBench.LoadTest.Tests.CommandLineHarness;

namespace AuthBench.LoadTest.Tests;

/// <summary><c>--fanout</c> and <c>--fanout-mode</c>: which chains a run starts, how each service is started, and the summary table.</summary>
public class FanoutTests
{
    [Fact]
    public async Task Fanout_expands_each_arm_into_chains_and_modes()
    {
        var (code, options, error) = await RunAsync("--arms", "jwt,session", "--alg", "ES256,RS256", "--fanout", "4,1,2");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        var jwt = ArmCatalogue.Jwt.Name;
        var session = ArmCatalogue.Session.Name;
        Assert.Equal(
            [
                $"{jwt}-ES256-fan1", $"{jwt}-ES256-fan2", $"{jwt}-ES256-fan4",
                $"{jwt}-RS256-fan1", $"{jwt}-RS256-fan2", $"{jwt}-RS256-fan4",
                $"{session}-fan1", $"{session}-fan2", $"{session}-fan2-edge-token", $"{session}-fan4", $"{session}-fan4-edge-token",
            ],
            options!.Arms.Select(a => a.Label));
        Assert.All(options.Arms, a => Assert.NotNull(a.Fanout));
    }

    [Fact]
    public async Task Fanout_mode_picks_one_mode()
    {
        var (code, options, _) = await RunAsync("--arms", "session", "--fanout", "2", "--fanout-mode", "edge-token");
        Assert.Equal(0, code);
        var arm = Assert.Single(options!.Arms);
        Assert.Equal(new FanoutSpec(2, FanoutMode.EdgeToken), arm.Fanout);
    }

    [Theory]
    [InlineData("--fanout", "0")]
    [InlineData("--fanout", "9")]
    [InlineData("--fanout", "two")]
    [InlineData("--fanout", ",")]
    [InlineData("--fanout-mode", "edge-token")]
    public async Task Bad_fanout_arguments_get_one_line_and_exit_code_2(string option, string value)
    {
        var (code, options, error) = await RunAsync("--arms", "session", option, value);
        Assert.Equal(2, code);
        Assert.Null(options);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("jwt", "HS256", "per-service", "HS256 has no public key")]
    [InlineData("jwt", "ES256", "edge-token", "fans out per-service only")]
    [InlineData("session", "ES256", "sideways", "is not a mode")]
    public async Task Fanout_refusals_say_why(string arms, string alg, string mode, string expected)
    {
        var (code, _, error) = await RunAsync("--arms", arms, "--alg", alg, "--fanout", "1,2", "--fanout-mode", mode);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Fanout_and_target_do_not_mix()
    {
        var (code, _, error) = await RunAsync("--arms", "jwt", "--alg", "ES256", "--fanout", "2", "--target", "http://127.0.0.1:5080");
        Assert.Equal(2, code);
        Assert.Contains("--target", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Chain_arguments_link_each_service_to_the_next_and_to_the_edge_keys()
    {
        var fanout = new FanoutSpec(3, FanoutMode.EdgeToken);
        var arm = new ArmSpec(ArmCatalogue.Session, null, "typical") { Fanout = fanout };
        var (edgeArgs, ports) = FanoutChain.Plan(fanout);
        Assert.Equal(2, ports.Count);
        Assert.Equal(["--fanout-mode", "edge-token", "--downstream", $"http://127.0.0.1:{ports[0]}"], edgeArgs);
        var edge = new Uri("http://127.0.0.1:5080");
        Assert.Equal(["--fanout-mode", "edge-token", "--jwks-from", "http://127.0.0.1:5080" + FanoutModes.JwksPath, "--downstream", $"http://127.0.0.1:{ports[1]}"],
            FanoutChain.DownstreamArgs(arm, fanout, edge, ports, 0));
        Assert.Equal(["--fanout-mode", "edge-token", "--jwks-from", "http://127.0.0.1:5080" + FanoutModes.JwksPath],
            FanoutChain.DownstreamArgs(arm, fanout, edge, ports, 1));

        var perService = new FanoutSpec(2, FanoutMode.PerService);
        var (_, one) = FanoutChain.Plan(perService);
        Assert.Empty(FanoutChain.DownstreamArgs(arm with { Fanout = perService }, perService, edge, one, 0));
        Assert.Empty(FanoutChain.Plan(new FanoutSpec(1, FanoutMode.PerService)).EdgeArgs);
    }

    [Fact]
    public void Summary_has_a_fanout_table_per_user_request()
    {
        var results = new RunResults
        {
            Mode = "open-loop",
            StartedUtc = DateTimeOffset.UnixEpoch,
            Settings = new RunSettings(["jwt"], ["ES256"], "typical", "/api/me", [500], false, 64, 1024, 30, 10, 1, 100, "auto", null, false, null, null, 1),
            Environment = new EnvironmentInfo { CpuModel = "cpu", Cores = 2, Os = "os", Kernel = "k", DotnetRuntime = ".NET", ApiGcMode = "server", GitCommit = "abc", CommandLine = "x" },
        };
        foreach (var (n, cpu) in new[] { (1, 40.0), (2, 100.0) })
        {
            var label = $"jwt-ES256-fan{n}";
            results.Arms.Add(new ArmInfo("jwt", "ES256", "typical", label, "http://127.0.0.1:1/", 1, "ready", 300, new FanoutInfo(n, "per-service", [.. Enumerable.Range(1, n)])));
            results.Trials.Add(new TrialResult
            {
                Arm = "jwt",
                Alg = "ES256",
                Claims = "typical",
                Label = label,
                Endpoint = FanoutModes.ChainPath,
                TargetRps = 500,
                Repetition = 1,
                AchievedRps = 500,
                Requests = 100,
                Responses = 100,
                LatencyUs = new Percentiles(100, 200, 300, 400, 500, 600, 150),
                ServiceTimeUs = new Percentiles(90, 190, 290, 390, 490, 590, 140),
                BytesPerRequest = new BytesPerRequest(300, 100),
                ServerCpuUsPerRequest = cpu,
                LoadgenCpuUsPerRequest = 10,
            });
        }
        var md = Summary.Render(results);
        Assert.Contains("## Fan-out: per user request through N services", md, StringComparison.Ordinal);
        Assert.Contains("| 500 | jwt-ES256 | per-service | 2 | 100 | 300 | 100.0 | 2.50 | – | 0 |", md, StringComparison.Ordinal);
        Assert.Equal("jwt-ES256", Summary.BaseLabel("jwt-ES256-fan4-edge-token", new FanoutInfo(4, "edge-token", [])));
    }

    [Fact]
    public void Results_without_fanout_still_read_back()
    {
        var info = new ArmInfo("none", null, null, "none", "http://x/", 1, "ready", 0);
        Assert.Null(info.Fanout);
    }
}
