using AuthBench.Contracts.Arms;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Tests;

public class RunPlanTests
{
    private static LoadOptions Options(TimeSpan? soak = null, bool findMax = false, params double[] rates) => new()
    {
        Arms = LoadOptions.ParseArms("none,jwt", "HS256", "typical"),
        Order = ArmOrder.Alternate,
        Endpoint = "/api/me",
        Rates = rates,
        FindMax = findMax,
        Repeat = 2,
        Warmup = TimeSpan.FromSeconds(1),
        Duration = TimeSpan.FromSeconds(5),
        Soak = soak,
        OutputDirectory = "/tmp/x",
        CommandLine = "x",
    };

    [Fact]
    public void Per_rate_every_arm_warms_up_then_the_arms_alternate_for_each_repetition()
    {
        var trials = RunPlan.Trials(Options(rates: [100, 200])).ToList();

        Assert.Equal(
            ["100 0 w", "100 1 w", "100 0 r1", "100 1 r1", "100 0 r2", "100 1 r2", "200 0 w", "200 1 w", "200 0 r1", "200 1 r1", "200 0 r2", "200 1 r2"],
            trials.Select(t => $"{t.Key} {t.Arm} {(t.Record ? $"r{t.Repetition}" : "w")}"));
        Assert.All(trials.Where(t => t.Record), t => Assert.Equal(TimeSpan.FromSeconds(5), t.Duration));
    }

    private static LoadOptions Shuffled(int seed, int repeat = 10) => Options(rates: [100, 200]) with
    {
        Arms = LoadOptions.ParseArms("all", "HS256,ES256", "typical"),
        Order = ArmOrder.Random,
        Seed = seed,
        Repeat = repeat,
    };

    private static string Order(LoadOptions options) =>
        string.Join(' ', RunPlan.Trials(options).Select(t => $"{t.Key}:{t.Arm}:{(t.Record ? t.Repetition : 0)}"));

    [Fact]
    public void The_same_seed_gives_the_same_order_and_another_seed_another()
    {
        Assert.Equal(Order(Shuffled(7)), Order(Shuffled(7)));
        Assert.NotEqual(Order(Shuffled(7)), Order(Shuffled(8)));
    }

    [Fact]
    public void Random_order_runs_every_arm_once_per_repetition_after_the_warm_ups()
    {
        var options = Shuffled(12345);
        var trials = RunPlan.Trials(options).ToList();
        var arms = Enumerable.Range(0, options.Arms.Count).ToList();

        foreach (var rate in trials.GroupBy(t => t.Key))
        {
            var warmups = rate.TakeWhile(t => !t.Record).ToList();
            Assert.Equal(arms, warmups.Select(t => t.Arm));
            Assert.All(rate.Skip(warmups.Count), t => Assert.True(t.Record));
            foreach (var rep in rate.Where(t => t.Record).GroupBy(t => t.Repetition))
            {
                Assert.Equal(arms, rep.Select(t => t.Arm).Order());
            }
            Assert.Equal(Enumerable.Range(1, options.Repeat), rate.Where(t => t.Record).Select(t => t.Repetition).Distinct());
        }
        // Shuffled for real: at least one repetition is not in the given order.
        Assert.Contains(trials.Where(t => t.Record).GroupBy(t => (t.Key, t.Repetition)), rep => !rep.Select(t => t.Arm).SequenceEqual(arms));
        Assert.Equal(Enumerable.Range(1, trials.Count), trials.Select(t => t.Sequence));
    }

    [Fact]
    public void Find_max_is_closed_loop_under_one_key()
    {
        var trials = RunPlan.Trials(Options(findMax: true)).ToList();

        Assert.Equal(6, trials.Count);
        Assert.All(trials, t => Assert.Equal(("max", (double?)null), (t.Key, t.Rate)));
    }

    [Fact]
    public void Soak_runs_each_arm_minute_by_minute()
    {
        var trials = RunPlan.Trials(Options(soak: TimeSpan.FromSeconds(150), rates: [700])).ToList();

        Assert.Equal(["0 w", "0 m1", "0 m2", "0 m3", "1 w", "1 m1", "1 m2", "1 m3"], trials.Select(t => $"{t.Arm} {(t.Record ? $"m{t.SoakMinute}" : "w")}"));
        Assert.Equal(TimeSpan.FromSeconds(30), trials[3].Duration);
        Assert.All(trials, t => Assert.Equal("soak-700", t.Key));
    }

    [Fact]
    public void Arms_come_from_the_catalogue_with_their_descriptor()
    {
        var arms = LoadOptions.ParseArms("all", "HS256,ES256", "small");

        Assert.Equal(ArmCatalogue.All.SelectMany(a => a.HasAlgorithm ? new[] { "HS256", "ES256" }.Select(a.Label) : [a.Label(null)]), arms.Select(a => a.Label));
        Assert.All(arms, a => Assert.Equal(a.Arm.UsesStore || a.Arm.LoginNeedsStore, a.NeedsStore));
        Assert.Null(arms.Single(a => a.Arm == ArmCatalogue.Baseline).CredentialClaims);
        Assert.All(arms.Where(a => a.Arm != ArmCatalogue.Baseline), a => Assert.Equal("small", a.CredentialClaims));
    }

    [Fact]
    public void Token_lifetime_covers_the_planned_time_twice_within_bounds()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), RunPlan.TokenLifetime(Options(rates: [100])));
        Assert.Equal(TimeSpan.FromHours(24), RunPlan.TokenLifetime(Options(soak: TimeSpan.FromDays(1), rates: [100])));
    }

    [Fact]
    public void With_store_rtt_every_arm_at_every_round_trip_is_a_unit_of_each_repetition_under_its_own_key()
    {
        var options = Options(rates: [100]) with { StoreRtt = [TimeSpan.Zero, TimeSpan.FromMilliseconds(0.25)] };

        var trials = RunPlan.Trials(options).ToList();

        Assert.Equal(
            ["100@rtt0ms 0 w", "100@rtt0.25ms 0 w", "100@rtt0ms 1 w", "100@rtt0.25ms 1 w",
             "100@rtt0ms 0 r1", "100@rtt0.25ms 0 r1", "100@rtt0ms 1 r1", "100@rtt0.25ms 1 r1",
             "100@rtt0ms 0 r2", "100@rtt0.25ms 0 r2", "100@rtt0ms 1 r2", "100@rtt0.25ms 1 r2"],
            trials.Select(t => $"{t.Key} {t.Arm} {(t.Record ? $"r{t.Repetition}" : "w")}"));
        Assert.Equal(Enumerable.Range(1, 12), trials.Select(t => t.Sequence));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(0.25)], trials.Select(t => t.StoreRtt!.Value).Distinct());
        // Seeded random order: the round trips of one arm are shuffled into each repetition, not run as blocks.
        var shuffled = RunPlan.Trials(options with { Order = ArmOrder.Random, Seed = 5, Repeat = 10 }).Where(t => t.Record).ToList();
        Assert.All(shuffled.GroupBy(t => t.Repetition), rep => Assert.Equal(4, rep.Select(t => (t.Arm, t.StoreRtt)).Distinct().Count()));
        Assert.Contains(shuffled.GroupBy(t => t.Repetition), rep => rep.First().StoreRtt != TimeSpan.Zero);
    }

    [Fact]
    public void Http_lists_put_every_arm_on_every_edge_once_per_repetition_in_one_seeded_order()
    {
        var options = Options(rates: [200]) with
        {
            Order = ArmOrder.Random,
            Seed = 3,
            HttpList = [Engine.Http2.HttpWire.Http11, Engine.Http2.HttpWire.Http2NeverIndexed, Engine.Http2.HttpWire.Http2Indexed],
            UsersPerConnectionList = [null, 1],
        };
        var trials = RunPlan.Trials(options).ToList();
        var units = options.Arms.Count * 6;

        Assert.Equal(units * (1 + options.Repeat), trials.Count);
        Assert.All(trials, t => Assert.NotNull(t.Edge));
        Assert.All(trials, t => Assert.Equal("200" + t.Edge!.Key, t.Key));
        Assert.Contains(trials, t => t.Key == "200@http2-indexed-upc1");
        foreach (var rep in trials.Where(t => t.Record).GroupBy(t => t.Repetition))
        {
            Assert.Equal(units, rep.Select(t => (t.Arm, t.Edge)).Distinct().Count());
        }
        // Shuffled together: within a repetition the wires of one arm are not all adjacent in the given order.
        Assert.NotEqual(
            string.Join(' ', trials.Where(t => t.Record).Select(t => $"{t.Arm}{t.Edge!.Key}")),
            string.Join(' ', Enumerable.Range(1, options.Repeat).SelectMany(_ => Enumerable.Range(0, options.Arms.Count).SelectMany(a => options.EdgeWires.Select(e => $"{a}{e.Key}")))));
        Assert.Equal(trials.Select(t => t.Key + t.Arm), RunPlan.Trials(options).Select(t => t.Key + t.Arm));
    }

    [Fact]
    public void One_wire_leaves_the_plan_and_its_keys_as_before()
    {
        var options = Options(rates: [100]) with { Http = Engine.Http2.HttpWire.Http2Indexed, UsersPerConnection = 1 };

        Assert.All(RunPlan.Trials(options), t => Assert.Null(t.Edge));
        Assert.All(RunPlan.Trials(options), t => Assert.Equal("100", t.Key));
    }

    [Fact]
    public void With_store_connections_the_whole_plan_runs_once_per_count_outermost_under_its_own_keys()
    {
        var options = Options(rates: [100]) with { StoreConnections = [1, 8], StoreRtt = [TimeSpan.Zero] };

        var trials = RunPlan.Trials(options).ToList();

        Assert.Equal(
            ["100@rtt0ms@sc1 0 w", "100@rtt0ms@sc1 1 w", "100@rtt0ms@sc1 0 r1", "100@rtt0ms@sc1 1 r1", "100@rtt0ms@sc1 0 r2", "100@rtt0ms@sc1 1 r2",
             "100@rtt0ms@sc8 0 w", "100@rtt0ms@sc8 1 w", "100@rtt0ms@sc8 0 r1", "100@rtt0ms@sc8 1 r1", "100@rtt0ms@sc8 0 r2", "100@rtt0ms@sc8 1 r2"],
            trials.Select(t => $"{t.Key} {t.Arm} {(t.Record ? $"r{t.Repetition}" : "w")}"));
        Assert.Equal(Enumerable.Range(1, 12), trials.Select(t => t.Sequence));
        Assert.Equal([1, 1, 1, 1, 1, 1, 8, 8, 8, 8, 8, 8], trials.Select(t => t.StoreConnections!.Value));
    }
}
