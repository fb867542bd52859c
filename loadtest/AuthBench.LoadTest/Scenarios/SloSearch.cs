using System.Globalization;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Scenarios;

/// <summary>
/// The SLO capacity search (mode "slo"): per arm, a warm-up and one closed-loop saturation trial; then a ladder of
/// open-loop rates (<see cref="LadderFractions"/> of the saturation rate, then <see cref="ExtensionFractions"/> while the
/// largest target still passes) that every arm climbs, one rung per round;
/// then, per p99 target in ascending order, <see cref="LoadOptions.SloSteps"/> bisection steps between the highest rate
/// that passed and the lowest rate above it that failed. The capacity is the highest rate that passed: a failure below
/// it (p99 at light load is often worse than at moderate load, when every request wakes an idle server) does not cap
/// it, and is named in the capacity's note. Every step is one recorded open-loop trial; the arms take their steps in
/// rounds, in an order drawn from the run's seed each round, so that drift of the machine does not favour one arm.
/// A step serves every target (a p99 under a smaller target is under a larger one; late starts or errors fail all).
/// </summary>
public sealed class SloSearch(LoadOptions options, int apiCores)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The ladder's rungs as fractions of each arm's saturation rate.</summary>
    public static readonly double[] LadderFractions = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

    /// <summary>
    /// Rungs above the saturation bound, climbed while the largest target still passes: one closed-loop trial can
    /// underestimate what the arm serves open loop (a first trial after start-up ran at a third of later ones), so the
    /// bound is where the ladder starts looking for a failure, not a ceiling.
    /// </summary>
    public static readonly double[] ExtensionFractions = [1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0];

    /// <summary>The histogram and trial key of the steps (results.json trials[]: their rates differ, so nothing merges them).</summary>
    public const string StepKey = "slo";

    /// <summary>The key of each arm's saturation trial.</summary>
    public const string SaturationKey = "slo-max";

    /// <summary>
    /// Runs the search. <paramref name="run"/> runs one planned trial on an arm and returns its recorded result (null
    /// for a warm-up); <paramref name="publish"/> is called whenever a capacity is final, so an interrupted run keeps them.
    /// </summary>
    public async Task<IReadOnlyList<SloCapacity>> RunAsync(Func<PlannedTrial, CancellationToken, Task<TrialResult?>> run, Action<SloCapacity> publish,
        CancellationToken ct)
    {
        var random = new Random(options.Seed);
        var sequence = 0;
        PlannedTrial Plan(int arm, double? rate, int step, TimeSpan duration, string key, bool record) =>
            new(arm, rate, step, duration, key, record, SoakMinute: null, ++sequence);

        var searches = new List<ArmSearch>();
        var saturationOrder = Enumerable.Range(0, options.Arms.Count).ToArray();
        random.Shuffle(saturationOrder);
        foreach (var arm in saturationOrder)
        {
            if (options.Warmup > TimeSpan.Zero)
            {
                _ = await run(Plan(arm, null, 0, options.Warmup, SaturationKey, record: false), ct).ConfigureAwait(false);
            }
            var saturation = await run(Plan(arm, null, 1, options.Duration, SaturationKey, record: true), ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException("a recorded trial returned no result");
            searches.Add(new ArmSearch(arm, options.Arms[arm].Label, saturation.AchievedRps));
        }
        searches.Sort((a, b) => a.Arm.CompareTo(b.Arm));

        async Task StepAsync(ArmSearch search, double rate)
        {
            var result = await run(Plan(search.Arm, rate, search.Steps.Count + 1, options.Duration, StepKey, record: true), ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException("a recorded trial returned no result");
            search.Steps.Add(Step(result, options.SloP99[0]));
        }

        foreach (var fraction in LadderFractions)
        {
            var round = searches.ToArray();
            random.Shuffle(round);
            foreach (var search in round)
            {
                await StepAsync(search, search.Rung(fraction)).ConfigureAwait(false);
            }
        }

        var largest = options.SloP99.Max();
        foreach (var fraction in ExtensionFractions)
        {
            var round = searches.Where(s => s.Bracket(largest).Fail is null).ToArray();
            random.Shuffle(round);
            foreach (var search in round)
            {
                await StepAsync(search, search.Rung(fraction)).ConfigureAwait(false);
            }
        }

        var capacities = new List<SloCapacity>();
        foreach (var target in options.SloP99)
        {
            for (var step = 0; step < options.SloSteps; step++)
            {
                var round = searches.Where(s => s.NextRate(target) is not null).ToArray();
                random.Shuffle(round);
                foreach (var search in round)
                {
                    await StepAsync(search, search.NextRate(target)!.Value).ConfigureAwait(false);
                }
            }
            foreach (var search in searches)
            {
                var capacity = Capacity(search, target);
                capacities.Add(capacity);
                publish(capacity);
            }
        }
        return capacities;
    }

    /// <summary>Judges one trial against a p99 target.</summary>
    public static SloStep Step(TrialResult t, TimeSpan target)
    {
        var scheduled = Math.Max(1, t.Requests + t.Dropped);
        var lateFraction = (double)(t.Late + t.Dropped) / scheduled;
        var errors = t.Errors.Values.Sum();
        var reason = errors > 0 ? "errors"
            : lateFraction >= LoadOptions.SloMaxLateFraction ? "late"
            : t.LatencyUs.P99 >= target.TotalMicroseconds ? "p99"
            : "pass";
        return new SloStep(t.Sequence ?? 0, t.TargetRps ?? 0, t.AchievedRps, t.LatencyUs.P99, Math.Round(lateFraction, 6), t.Dropped, errors,
            reason == "pass", reason, t.ServerCpuUsPerRequest, t.Cpu?.ApiCpuBusy);
    }

    private SloCapacity Capacity(ArmSearch search, TimeSpan target)
    {
        var (pass, fail) = search.Bracket(target);
        var below = pass is { } p ? search.Steps.Where(s => s.TargetRps < p && !Passes(s, target)).OrderBy(s => s.TargetRps).ToList() : [];
        var notes = new List<string>();
        if (pass is null)
        {
            notes.Add("no step passed: the capacity is below the lowest rate tried");
        }
        else if (fail is null)
        {
            notes.Add("no step above the capacity failed, up to the ladder's top rung: the capacity is at least this");
        }
        if (below.Count > 0)
        {
            notes.Add("also failed below the capacity, at " + string.Join(", ", below.Select(s => string.Create(Inv, $"{s.TargetRps:0} req/s ({s.Reason})")))
                + ": p99 is not monotonic in the rate");
        }
        return new SloCapacity(search.Label, target.TotalMilliseconds, LoadOptions.SloMaxLateFraction, search.SaturationRps,
            pass, fail, apiCores, pass is { } c ? Math.Round(c / apiCores, 1) : null, [.. search.Steps.OrderBy(s => s.TargetRps)],
            notes.Count > 0 ? string.Join("; ", notes) : null);
    }

    /// <summary>A step judged for one target holds for another: its p99 against that target, the rest as judged.</summary>
    private static bool Passes(SloStep step, TimeSpan target) =>
        step.Reason is "pass" or "p99" && step.P99Us < target.TotalMicroseconds;

    /// <summary>One arm's steps and the brackets they give.</summary>
    private sealed class ArmSearch(int arm, string label, double saturationRps)
    {
        public int Arm { get; } = arm;

        public string Label { get; } = label;

        public double SaturationRps { get; } = saturationRps;

        public List<SloStep> Steps { get; } = [];

        /// <summary>Whole requests per second: a rate that prints the same as its neighbour is no new information.</summary>
        public double Rung(double fraction) => Math.Max(1, Math.Round(SaturationRps * fraction));

        /// <summary>The highest passing rate, and the lowest failing rate above it (null: none).</summary>
        public (double? Pass, double? Fail) Bracket(TimeSpan target)
        {
            double? pass = Steps.Where(s => Passes(s, target)).Select(s => (double?)s.TargetRps).Max();
            double? fail = Steps.Where(s => !Passes(s, target) && (pass is null || s.TargetRps > pass)).Select(s => (double?)s.TargetRps).Min();
            return (pass, fail);
        }

        /// <summary>The middle of the bracket, or null when there is nothing between its ends to learn.</summary>
        public double? NextRate(TimeSpan target)
        {
            var (pass, fail) = Bracket(target);
            if (pass is not { } low || fail is not { } high)
            {
                return null;
            }
            var mid = Math.Round((low + high) / 2);
            return mid > low && mid < high ? mid : null;
        }
    }

    public static string Describe(IReadOnlyList<TimeSpan> targets) =>
        string.Join(", ", targets.Select(t => string.Create(Inv, $"{t.TotalMilliseconds:0.###} ms")));
}
