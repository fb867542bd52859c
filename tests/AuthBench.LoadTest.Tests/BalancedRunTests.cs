using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Orchestration;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Tests;

/// <summary>
/// <c>--instances</c> end to end: two API servers per arm behind Debian's haproxy, driven for a couple of seconds.
/// Needs haproxy on PATH (skipped with the reason otherwise, a failure with AUTHBENCH_REQUIRE_HAPROXY=1, which .ci/run
/// sets) and the API's Release build, which building this test project builds. In the timing collection: its four API
/// processes and haproxy must not run beside the scripted-stall calibration.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class BalancedRunTests : IDisposable
{
    public const string RequireHaproxyVariable = "AUTHBENCH_REQUIRE_HAPROXY";
    private readonly string _out = Directory.CreateTempSubdirectory("authbench-balanced-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    /// <summary>Skips (or fails, when required) without haproxy on PATH.</summary>
    public static void RequireHaproxy()
    {
        try
        {
            _ = BalancerKinds.LocateHaproxy(Environment.GetEnvironmentVariable("PATH"));
        }
        catch (UsageException)
        {
            Assert.False(Environment.GetEnvironmentVariable(RequireHaproxyVariable) == "1", $"{RequireHaproxyVariable}=1 but no haproxy is on PATH (apt-get install haproxy)");
            Skip.If(true, $"no haproxy on PATH: apt-get install haproxy, or set {RequireHaproxyVariable}=1 to make this a failure");
        }
    }

    [SkippableFact]
    public async Task Two_instances_behind_haproxy_answer_2xx_only_and_share_the_requests()
    {
        RequireHaproxy();
        var output = new StringWriter();
        var code = await LoadCommand.RunAsync(
            ["--arms", $"{ArmCatalogue.Session.Name},{ArmCatalogue.Jwt.Name}", "--alg", "ES256", "--instances", "2", "--rates", "200", "--duration", "2s",
                "--warmup", "1s", "--repeat", "1", "--users", "40", "--connections", "8", "--out", _out],
            (options, ct) => new Runner(options, new Progress(output)).RunAsync(ct), CancellationToken.None);

        Assert.True(code == 0, output.ToString());
        var results = ResultsJson.Read(Path.Combine(_out, "results.json"));
        Assert.Equal("complete", results.Status);
        Assert.Equal([2], results.Settings.Instances!);
        Assert.Equal(BalancerKind.Haproxy.ToName(), results.Settings.Balancer);
        Assert.Equal(2, results.Trials.Count);
        Assert.All(results.Trials, trial =>
        {
            Assert.Equal(2, trial.Instances);
            Assert.Empty(trial.Errors);
            Assert.All(trial.StatusCodes.Keys, status => Assert.StartsWith("2", status, StringComparison.Ordinal));
            Assert.True(trial.Responses > 0);
            var perInstance = trial.InstanceResponses!;
            Assert.Equal(2, perInstance.Count);
            // Round robin with no stickiness: both servers answer, each about half (logins all went to the first).
            Assert.All(perInstance, n => Assert.True(n > trial.Responses / 4, $"{trial.Label}: {string.Join('/', perInstance)} of {trial.Responses}"));
            Assert.NotNull(trial.BalancerCpuUsPerRequest);
            Assert.NotNull(trial.ServerCpuUsPerRequest);
        });
    }
}
