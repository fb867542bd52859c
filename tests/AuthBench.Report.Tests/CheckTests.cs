using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Tests;

/// <summary>The checks CI and the scripts run on results.json (--check fault, --check quick, --figures).</summary>
public sealed class CheckTests
{
    private static readonly RunSettings FaultSettings = Fixtures.Settings with { Arms = ["session", "jwt", "jwt-denylist"], Fault = "store-outage@3s:2s" };

    private static FaultResult Outage(long accepted, double? firstNon503) =>
        new("store-outage", 3, 2, accepted, firstNon503, firstNon503, 3, 5, []);

    private static TrialResult FaultTrial(ArmDescriptor arm, FaultResult? fault) =>
        Fixtures.Trial(arm, arm.HasAlgorithm ? "HS256" : null, 300, 1, 100, 300, 100, null, fault: fault);

    private static RunResults FaultRun(params TrialResult[] trials) => Fixtures.Run(trials, settings: FaultSettings);

    [Fact]
    public void Fault_check_passes_when_store_arms_fail_closed_and_recover_and_the_others_keep_answering()
    {
        var result = RunChecks.Fault(FaultRun(
            FaultTrial(ArmCatalogue.Session, Outage(0, 120)), FaultTrial(ArmCatalogue.Jwt, Outage(600, 0)), FaultTrial(ArmCatalogue.JwtDenylist, Outage(0, 80))));

        Assert.True(result.Passed, string.Join("; ", result.Failures));
        Assert.Equal("fault: 3 trial(s); jwt-denylist, session accepted 0 requests during the outage and recovered; jwt kept answering", Assert.Single(result.Output));
    }

    [Fact]
    public void Fault_check_fails_once_per_broken_rule()
    {
        var result = RunChecks.Fault(FaultRun(
            FaultTrial(ArmCatalogue.Session, Outage(0, null)), FaultTrial(ArmCatalogue.Jwt, Outage(0, 0)), FaultTrial(ArmCatalogue.JwtDenylist, Outage(7, 80))));

        Assert.Equal(
            [
                "session did not recover after the outage",
                "jwt-HS256 accepted no request during the outage, but it does not read the store",
                "jwt-denylist-HS256 accepted 7 requests during the outage (it must fail closed)",
            ],
            result.Failures);
    }

    [Fact]
    public void Fault_check_lets_a_near_cache_serve_within_its_lease_and_no_later()
    {
        var near = ArmCatalogue.SessionCached.NearCache!;
        var bound = (near.Lease + near.HeartbeatInterval).TotalMilliseconds;
        var settings = FaultSettings with { Arms = ["session-cached", "jwt-denylist-cached"] };
        var within = Outage(265, 120) with { LastAcceptedAfterStopMs = bound - 1, TimeTo503Ms = bound };
        var beyond = Outage(900, 80) with { LastAcceptedAfterStopMs = bound + 1 };
        var unknown = Outage(3, 80);

        var passed = RunChecks.Fault(Fixtures.Run([FaultTrial(ArmCatalogue.SessionCached, within), FaultTrial(ArmCatalogue.JwtDenylistCached, Outage(0, 80))], settings: settings));
        var failed = RunChecks.Fault(Fixtures.Run([FaultTrial(ArmCatalogue.SessionCached, beyond), FaultTrial(ArmCatalogue.JwtDenylistCached, unknown)], settings: settings));

        Assert.True(passed.Passed, string.Join("; ", passed.Failures));
        Assert.Equal("fault: 2 trial(s); no arm that fails closed; jwt-denylist-cached, session-cached stopped accepting within the near-cache lease and recovered; no arm without the store", Assert.Single(passed.Output));
        Assert.Equal(2, failed.Failures.Count);
        Assert.StartsWith($"session-cached accepted a request {bound + 1:0} ms after the stop, beyond its near-cache lease", failed.Failures[0], StringComparison.Ordinal);
        Assert.StartsWith("jwt-denylist-cached-HS256 accepted a request an unknown time after the stop", failed.Failures[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Fault_check_needs_a_fault_record_for_every_arm_of_the_run()
    {
        var result = RunChecks.Fault(FaultRun(FaultTrial(ArmCatalogue.Session, Outage(0, 120)), FaultTrial(ArmCatalogue.Jwt, null)));

        Assert.Equal(["jwt-denylist: no trial, so no fault record", "jwt-HS256: no fault record"], result.Failures);
    }

    [Fact]
    public void Fault_check_fails_an_incomplete_run()
    {
        var run = Fixtures.Run([FaultTrial(ArmCatalogue.Session, Outage(0, 1)), FaultTrial(ArmCatalogue.Jwt, Outage(1, 0)), FaultTrial(ArmCatalogue.JwtDenylist, Outage(0, 1))],
            status: "interrupted", settings: FaultSettings);

        Assert.Equal(["the run's status is interrupted, not complete"], RunChecks.Fault(run).Failures);
    }

    [Fact]
    public void Quick_check_passes_a_clean_run_and_prints_each_trial()
    {
        var run = Fixtures.Run([Fixtures.Trial(ArmCatalogue.None, null, 100, 1, 1, 300, 100, null), Fixtures.Trial(ArmCatalogue.Session, null, 100, 1, 1, 450, 160, 420)]);

        var result = RunChecks.Quick(run);

        Assert.True(result.Passed);
        Assert.Equal("load-quick: status complete, 2 trial(s), arms none, session", result.Output[0]);
        Assert.Contains("store commands/request 1", result.Output[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Quick_check_fails_on_errors_status_or_no_trial()
    {
        var errors = new Dictionary<string, long> { ["http_503"] = 2, ["no_answer"] = 0 };
        var withErrors = RunChecks.Quick(Fixtures.Run([Fixtures.Trial(ArmCatalogue.Jwt, "HS256", 100, 1, 1, 1, 1, null, errors)]));
        var empty = RunChecks.Quick(Fixtures.Run([], status: "failed"));

        Assert.Equal(["load-quick: jwt-HS256 at 100 req/s (repetition 1) had 2 error(s): http_503 2"], withErrors.Failures);
        Assert.Equal(["load-quick: status failed, not complete", "load-quick: no trial"], empty.Failures);
    }

    [Fact]
    public void Figures_print_rate_latency_and_generator_cpu_per_trial()
    {
        var run = Fixtures.Run([Fixtures.Trial(ArmCatalogue.None, null, null, 1, 1, 300, 100, null, achieved: 51234.5)]);

        Assert.Equal(["none 51234.5 100 300 15"], RunChecks.Figures(run));
    }
}

/// <summary>The arm line scripts read (--arm-info).</summary>
public sealed class ArmInfoTests
{
    [Fact]
    public void Arm_info_comes_from_the_descriptor()
    {
        Assert.Equal($"session cookie {ArmCatalogue.SessionCookieName} true false", ArmLine.Line("session"));
        Assert.Equal("jwt-denylist bearerheader - true true", ArmLine.Line("jwt-denylist"));
        Assert.Equal("none none - false false", ArmLine.Line(null));
        Assert.Equal("hybrid bearerheader - true true", ArmLine.Line("hybrid"));
        Assert.Contains("unknown arm 'kerberos'", Assert.Throws<ArgumentException>(() => ArmLine.Line("kerberos")).Message, StringComparison.Ordinal);
    }
}

/// <summary>A run without a fault scenario is not checked as one.</summary>
public sealed class FaultCheckInputTests
{
    [Fact]
    public void Fault_check_refuses_a_run_without_a_fault_scenario()
    {
        var result = RunChecks.Fault(Fixtures.Run([Fixtures.Trial(ArmCatalogue.Jwt, "HS256", 100, 1, 1, 1, 1, null)]));
        Assert.StartsWith("the run has no fault scenario", Assert.Single(result.Failures), StringComparison.Ordinal);
    }

    private static RelayCalibrationStep RelayStep(double setMs, double addedUs, double halfWidthUs = 5, long samples = 500) =>
        new(setMs, 200, 3, samples, samples, new(120, 118, 122), new(200, 190, 300), new(120 + addedUs, 118 + addedUs, 122 + addedUs), new(300, 250, 400),
            new(addedUs, addedUs - halfWidthUs, addedUs + halfWidthUs), new(300, 100, 500), addedUs - (setMs * 1000), 0, new(setMs, 1000, 20, 80, 900));

    private static RelayCalibrationResults Calibration(params RelayCalibrationStep[] steps) =>
        new() { StartedUtc = DateTimeOffset.UnixEpoch, Method = "test", CommandLine = "relay-calibrate", Steps = [.. steps] };

    [Fact]
    public void Relay_check_passes_a_calibration_that_is_never_early_and_within_the_bound()
    {
        var result = RunChecks.Relay(Calibration(RelayStep(0, 200), RelayStep(1, 1175)));

        Assert.True(result.Passed, string.Join("; ", result.Failures));
        Assert.StartsWith("relay: 2 step(s), none early", result.Output[0]);
        Assert.Equal(3, result.Output.Count);
    }

    [Fact]
    public void Relay_check_fails_an_early_step_a_late_step_a_thin_step_and_an_empty_calibration()
    {
        var result = RunChecks.Relay(Calibration(
            RelayStep(1, 900), RelayStep(0.25, 250 + RunChecks.RelayMedianErrorBoundUs + 50), RelayStep(0, 100, samples: 20), RelayStep(1, 990, halfWidthUs: 20)));

        Assert.Equal(3, result.Failures.Count);
        Assert.Contains("early", result.Failures[0]);
        Assert.Contains("late by", result.Failures[1]);
        Assert.Contains("fewer than 100", result.Failures[2]);
        Assert.False(RunChecks.Relay(Calibration()).Passed);
    }

    [Fact]
    public void Relay_check_passes_the_newest_published_calibration()
    {
        // The newest is the one the report quotes; older ones stay published as made (those before the relay's queue fix
        // show its stall at 0.25 ms and 5,000 msg/s).
        var root = RepoPaths.FindRoot() ?? throw new InvalidOperationException("tests run inside the repository");
        var file = RunSelection.NewestRelayCalibration(Path.Combine(root, "results"));
        Assert.NotNull(file);
        var result = RunChecks.Relay(RelayCalibrationJson.Deserialize(File.ReadAllText(file)));
        Assert.True(result.Passed, file + ": " + string.Join("; ", result.Failures));
    }

    [Fact]
    public void Relay_check_fails_a_stalled_step()
    {
        var stalled = RelayStep(0.25, 400) with { Lateness = new StoreRelayResult(0.25, 1000, 10, 40, RunChecks.RelayStallUs + 1) };

        Assert.Contains("stalled", Assert.Single(RunChecks.Relay(Calibration(stalled)).Failures));
    }
}
