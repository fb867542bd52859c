using System.Globalization;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Scenarios;

/// <summary>
/// The SLO capacity search (mode "slo"): per arm, a warm-up and one closed-loop saturation trial; then, per p99 target
/// in ascending order, a bisection between the highest rate known to pass and the lowest known to fail (at first 0 and
/// the saturation rate). Every step is one recorded open-loop trial. The arms take their steps in rounds, in an order
/// drawn from the run's seed each round, so that drift of the machine does not favour the arm searched first.
/// A step that an earlier target's search already ran is reused (a pass under a smaller target passes a larger one; a
/// failure by late starts or errors fails every target).
/// </summary>
public sealed class SloSearch(LoadOptions options, int apiCores)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

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
            searches.Add(new ArmSearch(arm, options.Arms[arm].Label, saturation.AchievedRps, options.SloP99, options.SloSteps));
        }

        var capacities = new List<SloCapacity>();
        // Bounded: every round takes one step of every unfinished search, and each search has targets × steps of them.
        var maxRounds = (options.SloP99.Count * options.SloSteps) + 1;
        for (var round = 0; round < maxRounds && searches.Any(s => !s.Done); round++)
        {
            var active = searches.Where(s => !s.Done).ToArray();
            random.Shuffle(active);
            foreach (var search in active)
            {
                var rate = search.NextRate();
                var step = search.StepsTaken + 1;
                var result = await run(Plan(search.Arm, rate, step, options.Duration, StepKey, record: true), ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("a recorded trial returned no result");
                foreach (var done in search.Record(Step(result, search.Target)))
                {
                    var capacity = Capacity(search, done);
                    capacities.Add(capacity);
                    publish(capacity);
                }
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

    private SloCapacity Capacity(ArmSearch search, (TimeSpan Target, double? Pass, double? Fail, IReadOnlyList<SloStep> Steps) done)
    {
        var note = done.Pass is null ? "no step passed: the capacity is below the lowest failing rate"
            : done.Fail is null ? "no step failed: the capacity is at least the highest rate tried (the saturation rate bounds it)"
            : null;
        return new SloCapacity(search.Label, done.Target.TotalMilliseconds, LoadOptions.SloMaxLateFraction, search.SaturationRps,
            done.Pass, done.Fail, apiCores, done.Pass is { } p ? Math.Round(p / apiCores, 1) : null, done.Steps, note);
    }

    /// <summary>One arm's bisections, one target after the other.</summary>
    private sealed class ArmSearch(int arm, string label, double saturationRps, IReadOnlyList<TimeSpan> targets, int stepsPerTarget)
    {
        private readonly List<SloStep> _history = [];
        private readonly List<SloStep> _targetSteps = [];
        private int _target;
        private int _stepsThisTarget;
        private double _low;
        private double _high = saturationRps;
        private bool _started;
        private bool _failed;

        public int Arm { get; } = arm;

        public string Label { get; } = label;

        public double SaturationRps { get; } = saturationRps;

        public int StepsTaken { get; private set; }

        public bool Done => _target >= targets.Count;

        public TimeSpan Target => targets[Math.Min(_target, targets.Count - 1)];

        public double NextRate()
        {
            if (!_started)
            {
                StartTarget();
            }
            // Whole requests per second: a rate that prints the same as its neighbour is no new information.
            return Math.Max(1, Math.Round((_low + _high) / 2));
        }

        /// <summary>Records a step; returns the targets it finished (with their bracket and steps).</summary>
        public IEnumerable<(TimeSpan Target, double? Pass, double? Fail, IReadOnlyList<SloStep> Steps)> Record(SloStep step)
        {
            StepsTaken++;
            _history.Add(step);
            _targetSteps.Add(step);
            Narrow();
            _stepsThisTarget++;
            var finished = new List<(TimeSpan, double?, double?, IReadOnlyList<SloStep>)>();
            while (!Done && (_stepsThisTarget >= stepsPerTarget || _high - _low <= 1))
            {
                finished.Add((Target, _low > 0 ? _low : null, _failed ? _high : null, [.. _targetSteps]));
                _target++;
                _started = false;
                if (!Done)
                {
                    StartTarget();
                }
            }
            return finished;
        }

        private void StartTarget()
        {
            _started = true;
            _stepsThisTarget = 0;
            _targetSteps.Clear();
            // What earlier targets' steps already tell about this one.
            _targetSteps.AddRange(_history);
            Narrow();
        }

        /// <summary>
        /// The bracket from every step known: the lowest failing rate, and the highest passing rate below it. A pass
        /// above a failure (noise: the two trials saw different machines) is not believed: the capacity stays on the
        /// conservative side, and the steps are published for the reader to judge.
        /// </summary>
        private void Narrow()
        {
            var fails = _targetSteps.Where(s => !Passes(s, Target)).Select(s => s.TargetRps).ToList();
            _failed = fails.Count > 0;
            _high = _failed ? Math.Min(fails.Min(), SaturationRps) : SaturationRps;
            _low = _targetSteps.Where(s => Passes(s, Target) && s.TargetRps < _high).Select(s => s.TargetRps).DefaultIfEmpty(0).Max();
        }

        /// <summary>A step judged for one target holds for another: its p99 against that target, the rest as judged.</summary>
        private static bool Passes(SloStep step, TimeSpan target) =>
            step.Reason is "pass" or "p99" && step.P99Us < target.TotalMicroseconds;
    }

    public static string Describe(IReadOnlyList<TimeSpan> targets) =>
        string.Join(", ", targets.Select(t => string.Create(Inv, $"{t.TotalMilliseconds:0.###} ms")));
}
