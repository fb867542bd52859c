using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Scenarios;

namespace AuthBench.LoadTest.Tests;

public class SloSearchTests
{
    private static LoadOptions Options(int steps = 5, params double[] targetsMs) => new()
    {
        Arms = LoadOptions.ParseArms("none,jwt", "HS256", "typical"),
        Endpoint = "/api/me",
        Duration = TimeSpan.FromSeconds(5),
        Warmup = TimeSpan.FromSeconds(1),
        Seed = 7,
        SloP99 = [.. targetsMs.Select(TimeSpan.FromMilliseconds)],
        SloSteps = steps,
        OutputDirectory = "/tmp/x",
        CommandLine = "x",
    };

    /// <summary>
    /// A simulated arm: saturates at <paramref name="saturation"/> req/s; its p99 (µs) grows like an M/M/1 queue's
    /// (service 100 µs) as the rate approaches it; past 95 % of it, starts are late.
    /// </summary>
    private static TrialResult Simulate(PlannedTrial plan, string label, double saturation)
    {
        var rate = plan.Rate ?? saturation;
        var utilisation = Math.Min(0.999, rate / saturation);
        var p99 = (long)(100 * Math.Log(100) / (1 - utilisation));
        var requests = (long)(rate * plan.Duration.TotalSeconds);
        return new TrialResult
        {
            Arm = label,
            Label = label,
            Endpoint = "/api/me",
            TargetRps = plan.Rate,
            Repetition = plan.Repetition,
            AchievedRps = plan.Rate is null ? saturation : rate,
            Requests = requests,
            Responses = requests,
            Late = utilisation > 0.95 ? requests / 10 : 0,
            LatencyUs = new Percentiles(p99 / 5, p99 / 2, p99, p99 * 2, p99 * 3, p99 * 4, p99 / 3.0),
            ServiceTimeUs = new Percentiles(1, 1, 1, 1, 1, 1, 1),
            BytesPerRequest = new BytesPerRequest(1, 1),
            Sequence = plan.Sequence,
        };
    }

    private static async Task<(IReadOnlyList<SloCapacity> Capacities, List<PlannedTrial> Plans)> SearchAsync(LoadOptions options, double[] saturation,
        Func<PlannedTrial, TrialResult, TrialResult>? distort = null)
    {
        var plans = new List<PlannedTrial>();
        var published = new List<SloCapacity>();
        var capacities = await new SloSearch(options, apiCores: 1).RunAsync((plan, _) =>
        {
            plans.Add(plan);
            var result = plan.Record ? Simulate(plan, options.Arms[plan.Arm].Label, saturation[plan.Arm]) : null;
            return Task.FromResult(result is not null && distort is not null ? distort(plan, result) : result);
        }, published.Add, CancellationToken.None);
        Assert.Equal(capacities, published);
        return (capacities, plans);
    }

    /// <summary>The rate at which the simulated p99 reaches the target: what the bisection must bracket.</summary>
    private static double Truth(double saturation, double targetMs) =>
        Math.Min(saturation * 0.95, saturation * (1 - (100 * Math.Log(100) / (targetMs * 1000))));

    [Fact]
    public async Task Each_arm_and_target_gets_a_bracket_that_holds_the_true_capacity()
    {
        double[] saturation = [40_000, 10_000];
        var (capacities, plans) = await SearchAsync(Options(6, 1, 5, 10), saturation);

        Assert.Equal(6, capacities.Count);
        foreach (var c in capacities)
        {
            var arm = c.Label == "none" ? 0 : 1;
            var truth = Truth(saturation[arm], c.P99TargetMs);
            Assert.NotNull(c.CapacityRps);
            Assert.InRange(truth, c.CapacityRps!.Value, c.LowestFailingRps ?? saturation[arm]);
            // The ladder's rung (a tenth of saturation) halved six times, or less when earlier targets' steps narrowed it first.
            Assert.True((c.LowestFailingRps ?? saturation[arm]) - c.CapacityRps.Value <= (saturation[arm] / 10 / 64) + 1, $"{c.Label} {c.P99TargetMs}: {c.CapacityRps}–{c.LowestFailingRps}");
            Assert.Equal(c.CapacityRps / 1, c.CapacityRpsPerApiCore);
        }
        // A larger target never gets a smaller capacity.
        foreach (var arm in capacities.GroupBy(c => c.Label))
        {
            var ordered = arm.OrderBy(c => c.P99TargetMs).Select(c => c.CapacityRps!.Value).ToList();
            Assert.Equal(ordered.Order(), ordered);
        }
        // Per arm: one warm-up and one saturation trial, then at most targets × steps open-loop steps, every one recorded.
        Assert.All(plans.GroupBy(p => p.Arm), g =>
        {
            Assert.Single(g, p => !p.Record);
            Assert.Single(g, p => p.Key == SloSearch.SaturationKey && p.Record);
            Assert.InRange(g.Count(p => p.Key == SloSearch.StepKey), SloSearch.LadderFractions.Length, SloSearch.LadderFractions.Length + SloSearch.ExtensionFractions.Length + (3 * 6));
        });
        Assert.Equal(Enumerable.Range(1, plans.Count), plans.Select(p => p.Sequence));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_steps_in_the_same_order()
    {
        var a = await SearchAsync(Options(4, 2), [20_000, 5_000]);
        var b = await SearchAsync(Options(4, 2), [20_000, 5_000]);
        Assert.Equal(a.Plans, b.Plans);
    }

    [Fact]
    public async Task A_target_no_rate_meets_says_so_instead_of_reporting_a_capacity()
    {
        // 0.1 ms: below the simulated arm's p99 at any rate (its floor is 100 µs × ln 100 ≈ 460 µs).
        var (capacities, _) = await SearchAsync(Options(3, 0.1), [20_000, 5_000]);
        Assert.All(capacities, c =>
        {
            Assert.Null(c.CapacityRps);
            Assert.NotNull(c.LowestFailingRps);
            Assert.Contains("no step passed", c.Note);
        });
    }

    [Theory]
    [InlineData(1000, 0, 0, 900, "pass")]
    [InlineData(1000, 0, 0, 1000, "p99")]
    [InlineData(1000, 1, 0, 10, "late")]
    [InlineData(1000, 0, 2, 10, "late")]
    public void A_step_passes_only_under_the_target_with_under_a_thousandth_late_or_dropped(long requests, long late, long dropped, long p99, string reason)
    {
        var t = new TrialResult
        {
            Arm = "none", Label = "none", Endpoint = "/", TargetRps = 100, Requests = requests, Responses = requests, Late = late, Dropped = dropped,
            LatencyUs = new Percentiles(1, 1, p99, p99, p99, p99, 1), ServiceTimeUs = new Percentiles(1, 1, 1, 1, 1, 1, 1), BytesPerRequest = new BytesPerRequest(1, 1),
        };
        var step = SloSearch.Step(t, TimeSpan.FromMilliseconds(1));
        Assert.Equal(reason, step.Reason);
        Assert.Equal(reason == "pass", step.Pass);
    }

    [Fact]
    public void An_error_fails_a_step()
    {
        var t = new TrialResult
        {
            Arm = "none", Label = "none", Endpoint = "/", TargetRps = 100, Requests = 100, Responses = 100, Errors = new Dictionary<string, long> { ["http_503"] = 1 },
            LatencyUs = new Percentiles(1, 1, 1, 1, 1, 1, 1), ServiceTimeUs = new Percentiles(1, 1, 1, 1, 1, 1, 1), BytesPerRequest = new BytesPerRequest(1, 1),
        };
        Assert.Equal("errors", SloSearch.Step(t, TimeSpan.FromMilliseconds(1)).Reason);
    }

    [Fact]
    public async Task A_failure_at_light_load_does_not_cap_the_capacity_and_is_named()
    {
        // Below a third of saturation every step's p99 is 50 ms (an idle server woken per request): the 5 ms target
        // fails there, passes in the middle, fails again near saturation.
        double[] saturation = [10_000, 10_000];
        var (capacities, _) = await SearchAsync(Options(4, 5), saturation, (plan, t) => plan.Rate is { } r && r < saturation[plan.Arm] / 3
            ? new TrialResult
            {
                Arm = t.Arm, Label = t.Label, Endpoint = t.Endpoint, TargetRps = t.TargetRps, Repetition = t.Repetition, AchievedRps = t.AchievedRps,
                Requests = t.Requests, Responses = t.Responses, LatencyUs = t.LatencyUs with { P99 = 50_000 }, ServiceTimeUs = t.ServiceTimeUs,
                BytesPerRequest = t.BytesPerRequest, Sequence = t.Sequence,
            }
            : t);
        Assert.All(capacities, c =>
        {
            Assert.InRange(Truth(10_000, 5), c.CapacityRps!.Value, c.LowestFailingRps ?? 10_000);
            Assert.Contains("also failed below the capacity", c.Note);
        });
    }

    [Fact]
    public async Task A_saturation_bound_that_underestimates_the_arm_does_not_cap_the_capacity()
    {
        // The closed-loop trial reads a third of what the arm serves (a cold start); open-loop steps see the real arm.
        double[] saturation = [9_000, 9_000];
        var (capacities, _) = await SearchAsync(Options(4, 5), saturation, (plan, t) => plan.Rate is null
            ? new TrialResult
            {
                Arm = t.Arm, Label = t.Label, Endpoint = t.Endpoint, Repetition = t.Repetition, AchievedRps = 3_000, Requests = t.Requests,
                Responses = t.Responses, LatencyUs = t.LatencyUs, ServiceTimeUs = t.ServiceTimeUs, BytesPerRequest = t.BytesPerRequest, Sequence = t.Sequence,
            }
            : t);
        Assert.All(capacities, c =>
        {
            Assert.Equal(3_000, c.SaturationRps);
            Assert.InRange(Truth(9_000, 5), c.CapacityRps!.Value, c.LowestFailingRps!.Value);
        });
    }
}
