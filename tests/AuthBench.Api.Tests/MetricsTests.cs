using System.Net;
using AuthBench.Api.Metrics;
using AuthBench.Contracts.Arms;
using Microsoft.Extensions.Configuration;

namespace AuthBench.Api.Tests;

/// <summary><c>--metrics on</c>: the Prometheus endpoint and its request counter; off, neither exists.</summary>
public sealed class MetricsTests
{
    private static ApiFactory Api(string? metrics) => new(new Dictionary<string, string?>
    {
        ["scheme"] = ArmCatalogue.None.Name,
        ["metrics"] = metrics,
    });

    [Fact]
    public async Task Metrics_are_off_by_default()
    {
        await using var factory = Api(null);
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ApiMetrics.Path)).StatusCode);
    }

    [Fact]
    public async Task Metrics_count_requests_per_endpoint_and_status_class_and_name_the_arm()
    {
        await using var factory = Api("on");
        using var client = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/no/such/path")).StatusCode);
        var response = await client.GetAsync(ApiMetrics.Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains($"{ApiMetrics.RequestsMetric}{{endpoint=\"/api/me\",status_class=\"2xx\"}} 3", text, StringComparison.Ordinal);
        Assert.Contains($"{ApiMetrics.RequestsMetric}{{endpoint=\"{RequestCounts.Unmatched}\",status_class=\"4xx\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"{ApiMetrics.InfoMetric}{{arm=\"{ArmCatalogue.None.Name}\"", text, StringComparison.Ordinal);
        Assert.Contains($"\n{ApiMetrics.CpuMetric} ", text, StringComparison.Ordinal);
        Assert.Contains("\nprocess_start_time_seconds ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, 1)]
    [InlineData(401, 3)]
    [InlineData(503, 4)]
    [InlineData(0, 4)]
    [InlineData(999, 4)]
    public void Status_codes_fall_in_their_class(int status, int index) => Assert.Equal(index, RequestCounts.ClassIndex(status));

    [Fact]
    public void A_bad_switch_value_is_refused_with_a_message()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["scheme"] = "none", ["metrics"] = "yes" }).Build();
        var e = Assert.Throws<ArgumentException>(() => AuthBenchOptions.FromConfiguration(config));
        Assert.Contains("--metrics takes on or off", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_option_without_its_value_at_the_end_is_refused() => Assert.Equal(2, CommandLine.Handle(["--scheme", "none", "--metrics"]));
}
