using System.Net;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Orchestration;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Results;

using static AuthBench.LoadTest.Tests.CommandLineHarness;

namespace AuthBench.LoadTest.Tests;

/// <summary><c>--instances</c> and <c>--balancer</c>: parsing, refusals, the plan's dimension, haproxy's configuration and statistics.</summary>
public class InstancesTests
{
    [Fact]
    public void Instances_parse_in_order_without_duplicates()
    {
        Assert.Equal([1, 2, 4], LoadOptions.ParseInstances("1, 2,4,2"));
        Assert.Equal("@n4", LoadOptions.InstancesKey(4));
        Assert.Equal("", LoadOptions.InstancesKey(null));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("17")]
    [InlineData("two")]
    [InlineData("-1")]
    [InlineData(",")]
    public async Task A_bad_count_is_one_line_and_exit_2(string value)
    {
        var (code, _, error) = await RunAsync("--instances", value);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: --instances", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("--target", "http://127.0.0.1:5080", "--target")]
    [InlineData("--fault", "store-outage@2s:1s", "--fault")]
    [InlineData("--window", "revocation@2s:10", "--window")]
    [InlineData("--fanout", "2", "--fanout")]
    [InlineData("--http", "2-never-indexed", "--http 2-*")]
    public async Task Instances_refuse_what_drives_one_api_of_its_own(string option, string value, string named)
    {
        var arms = option == "--target" ? ArmCatalogue.Jwt.Name : ArmCatalogue.Session.Name;
        var (code, _, error) = await RunAsync("--arms", arms, "--instances", "1,2", "--duration", "5s", option, value);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal($"error: --instances cannot be combined with {named}: run the API servers behind the balancer without it", error.TrimEnd());
    }

    [Fact]
    public async Task Balancer_needs_instances_and_yarp_is_refused_until_built()
    {
        var (code, _, error) = await RunAsync("--balancer", "haproxy");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--balancer needs --instances", error, StringComparison.Ordinal);
        (code, _, error) = await RunAsync("--instances", "2", "--balancer", "yarp");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--balancer yarp is not built yet", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_haproxy_on_path_the_error_says_how_to_install_it()
    {
        var dir = Directory.CreateTempSubdirectory("authbench-nopath-").FullName;
        try
        {
            var e = Assert.Throws<UsageException>(() => BalancerKinds.LocateHaproxy(dir));
            Assert.Equal("--balancer haproxy needs haproxy: apt-get install haproxy", e.Message);
            File.WriteAllText(Path.Combine(dir, "haproxy"), "");
            Assert.Equal(Path.Combine(dir, "haproxy"), BalancerKinds.LocateHaproxy(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Every_arm_at_every_count_and_round_trip_is_one_unit_of_each_repetition()
    {
        var options = new LoadOptions
        {
            Arms = LoadOptions.ParseArms("none,jwt", "HS256", "typical"),
            Order = ArmOrder.Alternate,
            Endpoint = "/api/me",
            Rates = [100],
            Repeat = 1,
            Warmup = TimeSpan.FromSeconds(1),
            Duration = TimeSpan.FromSeconds(5),
            OutputDirectory = "/tmp/x",
            CommandLine = "x",
            Instances = [1, 2],
            StoreRtt = [TimeSpan.Zero, TimeSpan.FromMilliseconds(1)],
        };

        var trials = RunPlan.Trials(options).ToList();

        // Alternate order: units in arm, count, round-trip order; the warm-ups of every unit first, then one repetition.
        string[] units = ["100@n1@rtt0ms 0", "100@n1@rtt1ms 0", "100@n2@rtt0ms 0", "100@n2@rtt1ms 0", "100@n1@rtt0ms 1", "100@n1@rtt1ms 1", "100@n2@rtt0ms 1", "100@n2@rtt1ms 1"];
        Assert.Equal([.. units.Select(u => u + " w"), .. units.Select(u => u + " r")], trials.Select(t => $"{t.Key} {t.Arm} {(t.Record ? "r" : "w")}"));
        Assert.Equal(Enumerable.Range(1, trials.Count), trials.Select(t => t.Sequence));
        Assert.All(trials, t => Assert.Equal(t.Key.Contains("@n2", StringComparison.Ordinal) ? 2 : 1, t.Instances));
    }

    [Fact]
    public void Haproxy_config_balances_round_robin_without_stickiness_or_health_checks()
    {
        var config = HaproxyBalancer.Config(
            [new BalancerFrontend("session-n2", 5001, [new IPEndPoint(IPAddress.Loopback, 6001), new IPEndPoint(IPAddress.Loopback, 6002)])], 5000);

        Assert.Contains("balance roundrobin", config, StringComparison.Ordinal);
        Assert.Contains("mode http", config, StringComparison.Ordinal);
        Assert.Contains("http-reuse always", config, StringComparison.Ordinal);
        Assert.Contains("bind 127.0.0.1:5001", config, StringComparison.Ordinal);
        Assert.Contains("bind 127.0.0.1:5000", config, StringComparison.Ordinal);
        Assert.Contains("server s1 127.0.0.1:6001\n", config.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("server s2 127.0.0.1:6002\n", config.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("cookie", config, StringComparison.Ordinal);
        Assert.DoesNotContain("stick", config, StringComparison.Ordinal);
        Assert.DoesNotContain(" check", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Responses_per_server_sum_the_hrsp_columns_of_the_backend()
    {
        const string csv = """
            # pxname,svname,qcur,stot,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,
            fe_session-n2,FRONTEND,0,9,0,300,0,1,0,0,
            be_session-n2,s1,0,4,0,150,0,1,0,0,
            be_session-n2,s2,0,5,0,149,0,0,0,0,
            be_session-n2,BACKEND,0,9,0,299,0,1,0,0,
            be_jwt-n2,s1,0,4,0,7,0,0,0,0,
            """;

        Assert.Equal([151L, 149L], HaproxyBalancer.ResponsesPerServer(csv, "be_session-n2", 2)!);
        Assert.Null(HaproxyBalancer.ResponsesPerServer(csv, "be_jwt-n2", 2));
        Assert.Null(HaproxyBalancer.ResponsesPerServer("no header", "be_session-n2", 2));
    }

    [Fact]
    public void Summary_has_a_table_per_server_count_with_the_balancer_cpu()
    {
        var results = new RunResults
        {
            Mode = "open-loop",
            StartedUtc = DateTimeOffset.UnixEpoch,
            Settings = new RunSettings(["jwt"], ["ES256"], "typical", "/api/me", [500], false, 64, 1024, 30, 10, 1, 100, "auto", null, false, null, null, 1)
            {
                Instances = [1, 2],
                Balancer = "haproxy",
            },
            Environment = new EnvironmentInfo { CpuModel = "cpu", Cores = 2, Os = "os", Kernel = "k", DotnetRuntime = ".NET", ApiGcMode = "server", GitCommit = "abc", CommandLine = "x" },
        };
        foreach (var (n, cpu) in new[] { (1, 40.0), (2, 70.0) })
        {
            results.Trials.Add(new TrialResult
            {
                Arm = "jwt",
                Alg = "ES256",
                Claims = "typical",
                Label = "jwt-ES256",
                Endpoint = "/api/me",
                TargetRps = 500,
                Repetition = 1,
                AchievedRps = 500,
                Requests = 100,
                Responses = 100,
                LatencyUs = new Contracts.Results.Percentiles(100, 200, 300, 400, 500, 600, 150),
                ServiceTimeUs = new Contracts.Results.Percentiles(90, 190, 290, 390, 490, 590, 140),
                BytesPerRequest = new BytesPerRequest(300, 100),
                ServerCpuUsPerRequest = cpu,
                LoadgenCpuUsPerRequest = 10,
                Instances = n,
                BalancerCpuUsPerRequest = 12.5,
            });
        }

        var md = Summary.Render(results);

        Assert.Contains("1 API server(s) per arm behind haproxy", md, StringComparison.Ordinal);
        Assert.Contains("2 API server(s) per arm behind haproxy", md, StringComparison.Ordinal);
        Assert.Contains("| server CPU µs / request | 40.0 |", md, StringComparison.Ordinal);
        Assert.Contains("| server CPU µs / request | 70.0 |", md, StringComparison.Ordinal);
        Assert.Contains("| balancer CPU µs / request | 12.5 |", md, StringComparison.Ordinal);
    }
}
