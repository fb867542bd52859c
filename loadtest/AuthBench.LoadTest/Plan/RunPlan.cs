using System.Globalization;

namespace AuthBench.LoadTest.Plan;

/// <summary>One trial of the plan: an arm at a rate (null: closed loop), for a time; warm-ups are run but not recorded.</summary>
/// <param name="Arm">Index into <see cref="LoadOptions.Arms"/>.</param>
/// <param name="Key">The histogram key its recorded trials merge under: the rate, "max" or "soak-&lt;rate&gt;".</param>
/// <param name="Sequence">Its place in the run, from 1, warm-ups included (results.json "sequence").</param>
/// <param name="StoreRtt">--store-rtt: the round trip the store relay adds in this trial; null: no relay.</param>
/// <param name="Edge">--http / --users-per-connection as a list: the wire and users per connection of this trial; null: the run's one.</param>
/// <param name="Instances">--instances: the API servers behind the balancer in this trial; null: one API, no balancer.</param>
/// <param name="StoreConnections">--store-connections: the multiplexers the API opened to the store in this trial; null: the default one.</param>
public sealed record PlannedTrial(int Arm, double? Rate, int Repetition, TimeSpan Duration, string Key, bool Record, int? SoakMinute, int Sequence = 0,
    TimeSpan? StoreRtt = null, int? Instances = null, EdgeWire? Edge = null, int? StoreConnections = null);

/// <summary>
/// The trials a run may take, in order (their planned durations, warm-ups included): the first <paramref name="Certain"/>
/// run for sure, the rest only if the run needs them.
/// </summary>
public sealed record PlanOutline(IReadOnlyList<TimeSpan> Durations, int Certain);

/// <summary>How the arms are ordered within each repetition.</summary>
public enum ArmOrder
{
    /// <summary>A permutation per repetition drawn from the run's seed, so that no arm always follows the same one.</summary>
    Random,

    /// <summary>The arms in the order given, every repetition (A B C A B C).</summary>
    Alternate,
}

/// <summary>
/// Which trials run in which order: per rate, every arm's warm-up, then for each repetition every arm once, in an
/// order drawn from the seed (or A B C ... with <see cref="ArmOrder.Alternate"/>), so that machine drift and the
/// after-effects of one arm on the next do not favour one arm; soak runs one arm after the other, minute by minute.
/// </summary>
public static class RunPlan
{
    public static IEnumerable<PlannedTrial> Trials(LoadOptions options)
    {
        // One generator for the whole plan: the same seed and options give the same order on the same .NET (a seeded
        // System.Random is not promised to stay the same across major versions); results record the order actually run
        // (trials[].sequence), so a replay never depends on regenerating it.
        var random = new Random(options.Seed);
        IEnumerable<PlannedTrial> Plan()
        {
            if (options.FindMax)
            {
                return Rounds(options, null, "max", random);
            }
            if (options.Soak is { } soak)
            {
                return Soak(options, soak);
            }
            return options.Rates.SelectMany(rate => Rounds(options, rate, string.Create(CultureInfo.InvariantCulture, $"{rate:0.##}"), random));
        }
        // --store-rtt and --instances are dimensions of the units of Rounds: every arm at every round trip and server
        // count is shuffled into each repetition, so drift over the run falls on all of them alike (the relay's delay is
        // set per trial; every server of every count is running, those not in a trial stopped). A soak keeps them as blocks.
        var trials = Plan();
        if (options.Soak is not null)
        {
            IEnumerable<PlannedTrial> PerCount() => options.Instances.Count == 0 ? Plan()
                : options.Instances.SelectMany(n => Plan().Select(t => t with { Instances = n, Key = t.Key + LoadOptions.InstancesKey(n) }));
            trials = options.StoreRtt.Count == 0 ? PerCount()
                : options.StoreRtt.SelectMany(rtt => PerCount().Select(t => t with { StoreRtt = rtt, Key = t.Key + LoadOptions.StoreRttKey(rtt) }));
        }
        // --store-connections: the outermost block, since the APIs restart with each count (the runner restarts the fleet
        // when the count changes); inside a block, arms alternate as always, so each is compared at the same count.
        if (options.StoreConnections.Count > 0)
        {
            var inner = trials;
            trials = options.StoreConnections.SelectMany(n => inner.Select(t => t with { StoreConnections = n, Key = t.Key + LoadOptions.StoreConnectionsKey(n) }));
        }
        return trials.Select((t, i) => t with { Sequence = i + 1 });
    }

    /// <summary>
    /// What the run's progress estimate knows in advance: the trials in order, of which the first
    /// <see cref="PlanOutline.Certain"/> will run and the rest may (the SLO search stops climbing and bisecting when its
    /// brackets close); every other mode's plan is known whole.
    /// </summary>
    public static PlanOutline Outline(LoadOptions options)
    {
        if (options.SloP99.Count == 0)
        {
            var all = Trials(options).Select(t => t.Duration).ToArray();
            return new PlanOutline(all, all.Length);
        }
        // Per arm a warm-up and the saturation trial, then the ladder (every rung for every arm); the extension rungs and
        // the bisection steps only while an arm's bracket is open.
        var certain = Enumerable.Range(0, options.Arms.Count)
            .SelectMany(_ => options.Warmup > TimeSpan.Zero ? new[] { options.Warmup, options.Duration } : [options.Duration])
            .Concat(Enumerable.Repeat(options.Duration, options.Arms.Count * Scenarios.SloSearch.LadderFractions.Length))
            .ToList();
        var possible = options.Arms.Count * (Scenarios.SloSearch.ExtensionFractions.Length + (options.SloP99.Count * options.SloSteps));
        return new PlanOutline([.. certain, .. Enumerable.Repeat(options.Duration, possible)], certain.Count);
    }

    /// <summary>Parses --order.</summary>
    public static ArmOrder ParseOrder(string text) => text.Trim().ToLowerInvariant() switch
    {
        "random" => ArmOrder.Random,
        "alternate" => ArmOrder.Alternate,
        var other => throw new UsageException($"--order '{other}': use random or alternate"),
    };

    public static string ToName(this ArmOrder order) => order switch
    {
        ArmOrder.Random => "random",
        ArmOrder.Alternate => "alternate",
    };

    /// <summary>
    /// The API's token lifetime: <c>--token-lifetime</c>; with <c>--window</c> and no --token-lifetime a short one
    /// (<see cref="WindowSpec.DefaultTokenLifetime"/>); otherwise tokens outlive the run: the planned time twice over (15 min to 24 h).
    /// </summary>
    public static TimeSpan TokenLifetime(LoadOptions options)
    {
        if ((options.TokenLifetime ?? (options.Window is not null ? WindowSpec.DefaultTokenLifetime : null)) is { } asked)
        {
            return asked;
        }
        var trials = options.FindMax ? 1 : options.Rates.Count;
        var perRate = options.Arms.Count * (options.Warmup + ((options.Duration + TimeSpan.FromSeconds(5)) * options.Repeat));
        if (options.SloP99.Count > 0)
        {
            // One saturation trial, the ladder, and up to targets × steps open-loop steps per arm.
            trials = 1;
            var steps = 1 + Scenarios.SloSearch.LadderFractions.Length + Scenarios.SloSearch.ExtensionFractions.Length + (options.SloP99.Count * options.SloSteps);
            perRate = options.Arms.Count * (options.Warmup + ((options.Duration + TimeSpan.FromSeconds(5)) * steps));
        }
        var planned = ((perRate * trials) + (options.Soak ?? TimeSpan.Zero) * options.Arms.Count) * Math.Max(1, options.StoreRtt.Count) * Math.Max(1, options.Instances.Count) * options.EdgeWires.Count * Math.Max(1, options.StoreConnections.Count);
        var lifetime = (planned * 2) + TimeSpan.FromMinutes(10);
        return lifetime < TimeSpan.FromMinutes(15) ? TimeSpan.FromMinutes(15) : lifetime > TimeSpan.FromHours(24) ? TimeSpan.FromHours(24) : lifetime;
    }

    /// <summary>
    /// Per rate: every unit's warm-up, then each repetition every unit once in the arm order. A unit is an arm, or with
    /// --http / --users-per-connection lists an arm on one edge (wire × users per connection): all of them are shuffled
    /// together, so that the wires of one arm are compared side by side under the same drift.
    /// </summary>
    private static IEnumerable<PlannedTrial> Rounds(LoadOptions options, double? rate, string key, Random random)
    {
        IReadOnlyList<EdgeWire?> edges = options.EdgeIsDimension ? [.. options.EdgeWires] : [null];
        IReadOnlyList<int?> counts = options.Instances.Count > 0 ? [.. options.Instances.Select(n => (int?)n)] : [null];
        IReadOnlyList<TimeSpan?> rtts = options.StoreRtt.Count > 0 ? [.. options.StoreRtt.Select(r => (TimeSpan?)r)] : [null];
        var units = Enumerable.Range(0, options.Arms.Count)
            .SelectMany(arm => edges.SelectMany(edge => counts.SelectMany(n => rtts.Select(rtt => new Unit(arm, edge, n, rtt))))).ToArray();
        string KeyOf(Unit u) => key + (u.Edge?.Key ?? "") + LoadOptions.InstancesKey(u.Instances) + (u.StoreRtt is { } rtt ? LoadOptions.StoreRttKey(rtt) : "");
        PlannedTrial Of(Unit u, int rep, TimeSpan duration, bool record) =>
            new(u.Arm, rate, rep, duration, KeyOf(u), record, SoakMinute: null, StoreRtt: u.StoreRtt, Instances: u.Instances, Edge: u.Edge);
        if (options.Warmup > TimeSpan.Zero)
        {
            foreach (var u in units)
            {
                yield return Of(u, 0, options.Warmup, record: false);
            }
        }
        for (var rep = 1; rep <= options.Repeat; rep++)
        {
            var order = Enumerable.Range(0, units.Length).ToArray();
            switch (options.Order)
            {
                case ArmOrder.Random:
                    random.Shuffle(order);
                    break;
                case ArmOrder.Alternate:
                    break;
            }
            foreach (var u in order)
            {
                yield return Of(units[u], rep, options.Duration, record: true);
            }
        }
    }

    /// <summary>One unit of a repetition: an arm on one edge, behind one server count, at one store round trip (null: the run's one).</summary>
    private sealed record Unit(int Arm, EdgeWire? Edge, int? Instances, TimeSpan? StoreRtt);

    /// <summary>Soak: per arm, back-to-back one-minute trials at the one rate; the summary compares the first and last minute.</summary>
    private static IEnumerable<PlannedTrial> Soak(LoadOptions options, TimeSpan soak)
    {
        var rate = options.Rates[0];
        var key = string.Create(CultureInfo.InvariantCulture, $"soak-{rate:0.##}");
        var minutes = (int)Math.Ceiling(soak.TotalMinutes);
        for (var arm = 0; arm < options.Arms.Count; arm++)
        {
            if (options.Warmup > TimeSpan.Zero)
            {
                yield return new PlannedTrial(arm, rate, 0, options.Warmup, key, Record: false, SoakMinute: null);
            }
            for (var minute = 1; minute <= minutes; minute++)
            {
                var length = TimeSpan.FromMinutes(Math.Min(1, soak.TotalMinutes - (minute - 1)));
                yield return new PlannedTrial(arm, rate, 1, length, key, Record: true, SoakMinute: minute);
            }
        }
    }
}
