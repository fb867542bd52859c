using AuthBench.Contracts.Arms;
using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Probes;

namespace AuthBench.LoadTest.Tests;

/// <summary>The --target metrics probe: the Prometheus text it reads, the per-trial cost it derives, and its options.</summary>
public sealed class MetricsProbeTests
{
    private const string Before = """
        # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
        # TYPE process_cpu_seconds_total counter
        process_cpu_seconds_total 1.5
        process_start_time_seconds 1796138594.8895035
        authbench_info{arm="session",scheme="session",alg="",transport="cookie",claims="typical",pid="42"} 1
        authbench_http_requests_total{endpoint="/api/me",status_class="2xx"} 100
        authbench_http_requests_total{endpoint="/health",status_class="2xx"} 1
        """;

    private const string After = """
        process_cpu_seconds_total 2.5
        process_start_time_seconds 1796138594.8895035
        authbench_info{arm="session",scheme="session",alg="",transport="cookie",claims="typical",pid="42"} 1
        authbench_http_requests_total{endpoint="/api/me",status_class="2xx"} 20100
        """;

    private static MetricsSnapshot Read(string text) => MetricsProbe.Snapshot(PrometheusText.Parse(text));

    [Fact]
    public void Labels_with_escapes_and_special_values_are_read()
    {
        var sample = PrometheusText.ParseLine("m{a=\"x\\\"y\",b=\"1\\\\2\"} +Inf 1700000000");
        Assert.NotNull(sample);
        Assert.Equal("x\"y", sample!.Labels["a"]);
        Assert.Equal("1\\2", sample.Labels["b"]);
        Assert.True(double.IsPositiveInfinity(sample.Value));
        Assert.Null(PrometheusText.ParseLine("m{a=\"unterminated} 1"));
    }

    [Fact]
    public void Cost_is_the_cpu_delta_over_the_apis_own_count_of_the_endpoint()
    {
        var (cost, problem) = MetricsProbe.Cost(Read(Before), Read(After), "/api/me", 20_000);
        Assert.Null(problem);
        Assert.Equal(20_000, cost!.Requests);
        Assert.Equal(TimeSpan.FromSeconds(1), cost.Cpu);
        Assert.Equal(0, cost.MismatchFraction);
    }

    [Fact]
    public void A_count_more_than_one_percent_off_the_generators_is_measured_as_such()
    {
        var (cost, _) = MetricsProbe.Cost(Read(Before), Read(After), "/api/me?x=1", 19_000);
        Assert.True(cost!.MismatchFraction > MetricsProbe.MismatchThreshold);
    }

    [Fact]
    public void A_restarted_api_or_an_endpoint_it_never_counted_gives_no_cost()
    {
        var restarted = Read(After.Replace("pid=\"42\"", "pid=\"43\"", StringComparison.Ordinal));
        Assert.Contains("restarted", MetricsProbe.Cost(Read(Before), restarted, "/api/me", 20_000).Problem, StringComparison.Ordinal);
        Assert.Contains("counted no request", MetricsProbe.Cost(Read(Before), Read(After), "/api/items", 20_000).Problem, StringComparison.Ordinal);
        Assert.Contains("no process_cpu_seconds_total", MetricsProbe.Cost(Read("x 1"), Read(After), "/api/me", 1).Problem, StringComparison.Ordinal);
    }

    private static LoadOptions Bind(params string[] args) =>
        LoadCommand.Bind(LoadCommand.Create((_, _) => Task.FromResult(0)).Parse(args), args);

    [Fact]
    public void A_target_is_read_at_its_metrics_path_unless_told_otherwise()
    {
        Assert.Equal(new Uri("http://127.0.0.1:5080/metrics"), Bind("--target", "http://127.0.0.1:5080", "--arms", "jwt").MetricsUrl);
        Assert.Equal(new Uri("http://127.0.0.1:9100/m"), Bind("--target", "http://127.0.0.1:5080", "--arms", "jwt", "--metrics-url", "http://127.0.0.1:9100/m").MetricsUrl);
        Assert.Null(Bind("--arms", "jwt").MetricsUrl);
    }

    [Fact]
    public void Api_metrics_off_on_runs_every_arm_without_and_with_the_endpoint()
    {
        var options = Bind("--arms", "none,jwt", "--api-metrics", "off,on");
        Assert.Equal(["none", "none" + ArmSpec.MetricsSuffix, "jwt-HS256", "jwt-HS256" + ArmSpec.MetricsSuffix], options.Arms.Select(a => a.Label));
        Assert.Equal(ArmCatalogue.None, options.Arms[1].Arm);
    }

    [Theory]
    [InlineData("--metrics-url", "http://127.0.0.1:1/metrics")]
    [InlineData("--api-metrics", "maybe")]
    public void Bad_metrics_options_are_refused(string option, string value) =>
        Assert.Throws<UsageException>(() => Bind("--arms", "jwt", option, value));

    [Fact]
    public void Api_metrics_and_target_are_refused_together() =>
        Assert.Throws<UsageException>(() => Bind("--target", "http://127.0.0.1:5080", "--arms", "jwt", "--api-metrics", "on"));
}
