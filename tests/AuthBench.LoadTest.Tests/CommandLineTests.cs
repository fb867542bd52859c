using AuthBench.Contracts.Arms;
using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Plan;

using static AuthBench.LoadTest.Tests.CommandLineHarness;

namespace AuthBench.LoadTest.Tests;

public class CommandLineTests
{
    [Theory]
    [InlineData("--rates", "-5")]
    [InlineData("--rates", "abc")]
    [InlineData("--arms", "none,kerberos")]
    [InlineData("--alg", "none")]
    [InlineData("--claims", "huge")]
    [InlineData("--duration", "forever")]
    [InlineData("--repeat", "0")]
    [InlineData("--users", "-1")]
    [InlineData("--connections", "0")]
    [InlineData("--endpoint", "api/me")]
    [InlineData("--target", "ftp://127.0.0.1:1")]
    [InlineData("--fault", "store-outage@10s")]
    [InlineData("--fault", "cpu-hog@1s:1s")]
    [InlineData("--no-such-option", "1")]
    [InlineData("--slo", "fast")]
    [InlineData("--slo", "50us")]
    [InlineData("--slo", "1h")]
    [InlineData("--slo-steps", "0")]
    [InlineData("--timer-slack-ns", "0")]
    [InlineData("--timer-slack-ns", "soon")]
    [InlineData("--pacing", "eager")]
    [InlineData("--seed", "x")]
    [InlineData("--seed", "-1")]
    [InlineData("--order", "sideways")]
    [InlineData("--spin-limit", "lots")]
    [InlineData("--api-cpus", "1023")]
    [InlineData("--api-cpus", "x")]
    [InlineData("--loadgen-cpus", "0-")]
    [InlineData("--store-rtt", "1")]
    [InlineData("--store-rtt", "-1ms")]
    [InlineData("--store-rtt", "1s")]
    [InlineData("--store-rtt", "fast")]
    [InlineData("--store-rtt", ",")]
    [InlineData("--http", "3")]
    [InlineData("--http", "1.1,2-bogus")]
    [InlineData("--http", ",")]
    [InlineData("--users-per-connection", "all,0")]
    [InlineData("--users-per-connection", "0")]
    [InlineData("--users-per-connection", "some")]
    public async Task Bad_arguments_get_one_line_and_exit_code_2(string option, string value)
    {
        var (code, options, error) = await RunAsync(option, value);

        Assert.Equal(2, code);
        Assert.Null(options);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--api-cpus", "0", "--loadgen-cpus", "0")]
    [InlineData("--api-cpus", "0", "--target", "http://127.0.0.1:5080")]
    [InlineData("--spin-limit", "0", "--target", "http://127.0.0.1:5080")]
    [InlineData("--http", "2-indexed", "--target", "http://127.0.0.1:5080")]
    [InlineData("--http", "1.1,2-indexed", "--target", "http://127.0.0.1:5080")]
    [InlineData("--http", "1.1,2-indexed", "--slo", "5ms")]
    [InlineData("--users-per-connection", "all,1", "--slo", "5ms")]
    public async Task Contradictory_isolation_gets_one_line_and_exit_code_2(string option, string value, string other, string otherValue)
    {
        var (code, options, error) = await RunAsync(option, value, other, otherValue, "--arms", "none");

        Assert.Equal(2, code);
        Assert.Null(options);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Seed_order_and_spin_limit_are_parsed_and_a_missing_seed_is_drawn()
    {
        var (_, o, _) = await RunAsync("--seed", "42", "--order", "alternate", "--spin-limit", "0", "--api-cpus", "off");

        Assert.Equal(42, o!.Seed);
        Assert.Equal(ArmOrder.Alternate, o.Order);
        Assert.Equal(0, o.SpinLimit);
        Assert.False(o.Isolation.Enabled);
        Assert.True(o.Isolation.Explicit);

        var (_, d, _) = await RunAsync();
        Assert.Equal(ArmOrder.Random, d!.Order);
        Assert.Null(d.SpinLimit);
        Assert.Equal("as-shipped", d.SpinLimitName);
        Assert.True(d.Seed >= 0);
    }

    [Fact]
    public async Task Defaults_match_the_issue()
    {
        var (code, o, _) = await RunAsync();

        Assert.Equal(0, code);
        Assert.Equal(["none", "session", "jwt-HS256"], o!.Arms.Select(a => a.Label));
        Assert.Equal([500.0, 1000, 2000], o.Rates);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Duration);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Warmup);
        Assert.Equal(3, o.Repeat);
        Assert.Equal(10_000, o.Users);
        Assert.Equal("/api/me", o.Endpoint);
        Assert.Contains(Path.Combine("results", "load"), o.OutputDirectory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_algorithms_make_one_jwt_arm_each()
    {
        var (_, o, _) = await RunAsync("--arms", "jwt,none", "--alg", "HS256,es256", "--claims", "large");

        Assert.Equal(["jwt-HS256", "jwt-ES256", "none"], o!.Arms.Select(a => a.Label));
        Assert.All(o.Arms, a => Assert.Equal("large", a.Claims));
    }

    [Fact]
    public async Task A_transport_variant_is_named_like_an_arm_and_labelled_with_its_transport()
    {
        var (code, o, _) = await RunAsync("--arms", "jwt,jwt-cookie,jwt-denylist-cookie", "--alg", "HS256,ES256");

        Assert.Equal(0, code);
        Assert.Equal(["jwt-HS256", "jwt-ES256", "jwt-cookie-HS256", "jwt-cookie-ES256", "jwt-denylist-cookie-HS256", "jwt-denylist-cookie-ES256"],
            o!.Arms.Select(a => a.Label));
        Assert.Equal(["jwt", "jwt", "jwt", "jwt", "jwt-denylist", "jwt-denylist"], o.Arms.Select(a => a.Scheme));
        Assert.Equal([null, null, "cookie", "cookie", "cookie", "cookie"], o.Arms.Select(a => a.Transport));
        Assert.Equal([CredentialTransport.BearerHeader, CredentialTransport.BearerHeader, CredentialTransport.Cookie, CredentialTransport.Cookie,
            CredentialTransport.Cookie, CredentialTransport.Cookie], o.Arms.Select(a => a.Arm.Transport));
    }

    [Fact]
    public async Task The_denylist_arm_runs_once_per_algorithm_and_needs_the_store()
    {
        var (_, o, _) = await RunAsync("--arms", "jwt-denylist,jwt", "--alg", "HS256,ES256");

        Assert.Equal(["jwt-denylist-HS256", "jwt-denylist-ES256", "jwt-HS256", "jwt-ES256"], o!.Arms.Select(a => a.Label));
        Assert.Equal([true, true, false, false], o.Arms.Select(a => a.NeedsStore));
        Assert.True(o.NeedsStore);
    }

    [Fact]
    public async Task Quick_is_short_and_fault_and_soak_are_parsed()
    {
        var (_, quick, _) = await RunAsync("--quick");
        Assert.True(quick!.Duration < TimeSpan.FromSeconds(10));
        Assert.Single(quick.Rates);

        var (_, fault, _) = await RunAsync("--fault", "store-outage@10s:5s", "--duration", "30s");
        Assert.Equal(new FaultSpec(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)), fault!.Fault);

        var (code, _, error) = await RunAsync("--fault", "store-outage@10s:5s", "--duration", "12s");
        Assert.Equal(2, code);
        Assert.Contains("--duration", error, StringComparison.Ordinal);

        var (_, soak, _) = await RunAsync("--soak", "10m", "--rates", "700");
        Assert.Equal(TimeSpan.FromMinutes(10), soak!.Soak);
        Assert.Equal("soak", soak.Mode);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("45", 45)]
    public void Durations_are_parsed(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LoadOptions.ParseDuration(text, "--duration"));

    [Fact]
    public async Task All_selects_every_arm_of_the_catalogue()
    {
        var (code, o, _) = await RunAsync("--arms", "all", "--alg", "HS256");

        Assert.Equal(0, code);
        Assert.Equal(ArmCatalogue.All.Select(a => a.Label("HS256")), o!.Arms.Select(a => a.Label));
        Assert.All(o.Arms, a => Assert.Same(ArmCatalogue.Find(a.Scheme), a.Arm));
    }

    [Fact]
    public async Task An_unknown_arm_is_answered_with_the_catalogues_arms()
    {
        var (code, _, error) = await RunAsync("--arms", "kerberos");

        Assert.Equal(2, code);
        Assert.Contains($"--arms: unknown arm 'kerberos': use {ArmCatalogue.NameList} or all", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_arm_of_the_catalogue_with_its_summary()
    {
        var help = new StringWriter();
        var parse = LoadCommand.Create((_, _) => Task.FromResult(0)).Parse("--help");
        parse.Invoke(new System.CommandLine.InvocationConfiguration { Output = help });
        var text = string.Join(' ', help.ToString().Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

        Assert.All(ArmCatalogue.All, a => Assert.Contains($"{a.Name} ({a.Summary})", text, StringComparison.Ordinal));
        Assert.Contains("--store", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--duration", "-5s")]
    [InlineData("--warmup", "8d")]
    [InlineData("--soak", "abc")]
    [InlineData("--fault", "store-outage@x:1s")]
    public async Task Bad_durations_are_usage_errors(string option, string value)
    {
        var (code, _, error) = await RunAsync(option, value, "--rates", "700");

        Assert.Equal(2, code);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--rates", "1000")]
    [InlineData("--find-max", null)]
    [InlineData("--soak", "5m")]
    public async Task Slo_searches_its_own_rates_and_refuses_a_fixed_rate_mode(string option, string? value)
    {
        string[] args = value is null ? ["--slo", "1ms", option] : ["--slo", "1ms", option, value];
        var (code, options, error) = await RunAsync(args);
        Assert.Equal(2, code);
        Assert.Null(options);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Slo_targets_are_parsed_sorted_and_recorded_as_mode_slo()
    {
        var (code, options, _) = await RunAsync("--slo", "10ms,1ms,5ms", "--slo-steps", "4", "--timer-slack-ns", "kernel");
        Assert.Equal(0, code);
        Assert.Equal([1.0, 5.0, 10.0], options!.SloP99.Select(t => t.TotalMilliseconds));
        Assert.Equal(4, options.SloSteps);
        Assert.Equal("slo", options.Mode);
        Assert.Null(options.TimerSlackNs);
    }
    [Fact]
    public async Task Refresh_only_asks_for_the_refresh_endpoint_in_mode_refresh()
    {
        var hybrid = ArmCatalogue.All.First(a => a.Lifecycle is CredentialLifecycle.RefreshedThroughStore);
        var (code, options, error) = await RunAsync("--arms", hybrid.Name, "--alg", "HS256,ES256", "--rates", "200,400", "--refresh-only");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.True(options!.RefreshOnly);
        Assert.Equal("/auth/refresh", options.Endpoint);
        Assert.Equal(Contracts.Results.RunResults.RefreshMode, options.Mode);
        Assert.Equal(2, options.Arms.Count);
    }

    [Theory]
    [InlineData("--arms", "hybrid,jwt")]
    [InlineData("--endpoint", "/api/me")]
    [InlineData("--soak", "5m")]
    [InlineData("--slo", "5ms")]
    public async Task Refresh_only_refuses_an_arm_without_a_refresh_endpoint_and_what_it_cannot_run(string option, string value)
    {
        string[] args = option == "--arms" ? ["--refresh-only", option, value] : ["--refresh-only", "--arms", "hybrid", "--rates", "200", option, value];
        if (option == "--slo")
        {
            args = ["--refresh-only", "--arms", "hybrid", option, value];
        }

        var (code, options, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Null(options);
        Assert.Contains("--refresh-only", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--store-rtt", "1ms", "--arms", "none,jwt")]
    [InlineData("--store-rtt", "1ms", "--target", "http://127.0.0.1:5080")]
    [InlineData("--store-rtt", "1ms", "--slo", "5ms")]
    [InlineData("relay-calibrate", "--rtt", "1", "")]
    [InlineData("relay-calibrate", "--rates", "0", "")]
    [InlineData("relay-calibrate", "--duration", "10ms", "")]
    [InlineData("relay-calibrate", "--cpus", "x", "")]
    public async Task A_relay_that_cannot_be_set_gets_one_line_and_exit_code_2(string a, string b, string c, string d)
    {
        string[] args = a == "relay-calibrate" ? [a, b, c, "--out", "/nonexistent/x.json"] : c == "--arms" ? [a, b, c, d] : [a, b, c, d, "--arms", "session"];

        var (code, options, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Null(options);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Store_rtt_is_parsed_in_order_with_its_units()
    {
        var (code, options, _) = await RunAsync("--store-rtt", "0,0.25ms,250us,1ms", "--arms", "none,session");

        Assert.Equal(0, code);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMicroseconds(250), TimeSpan.FromMilliseconds(1)], options!.StoreRtt);
    }

    [Fact]
    public async Task Http_and_users_per_connection_take_lists_that_become_a_trial_dimension()
    {
        var (code, options, error) = await RunAsync("--http", "1.1,2-never-indexed,2-indexed", "--users-per-connection", "all,1", "--rates", "200");

        Assert.True(code == 0, error);
        Assert.NotNull(options);
        Assert.Equal(Engine.Http2.HttpWire.Http11, options.Http);
        Assert.Null(options.UsersPerConnection);
        Assert.Equal(6, options.EdgeWires.Count);
        Assert.True(options.EdgeIsDimension);
        Assert.True(options.AnyHttp2);
        Assert.Equal("1.1,2-never-indexed,2-indexed", options.HttpName);
        Assert.Equal(["all", "1"], options.EdgeWires.Take(2).Select(e => e.UsersName));
    }

    [Fact]
    public async Task Store_connections_are_parsed_in_order_without_repeats()
    {
        var (code, options, _) = await RunAsync("--store-connections", "1,8,64,8", "--arms", "session,jwt-denylist");

        Assert.Equal(0, code);
        Assert.Equal([1, 8, 64], options!.StoreConnections);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("1,x")]
    public async Task Store_connections_outside_1_to_64_are_one_line_and_exit_2(string value)
    {
        var (code, options, error) = await RunAsync("--store-connections", value, "--arms", "session");

        Assert.Equal(2, code);
        Assert.Null(options);
        Assert.Contains("--store-connections", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }
}
