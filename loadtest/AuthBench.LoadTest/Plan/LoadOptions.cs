using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts.Arms;

namespace AuthBench.LoadTest.Plan;

/// <summary>Everything a run needs, validated. Built by the command line (<c>Cli.LoadCommand</c>).</summary>
public sealed record LoadOptions
{
    public static readonly string[] ClaimProfiles = ["small", "typical", "large"];

    public required IReadOnlyList<ArmSpec> Arms { get; init; }
    public required string Endpoint { get; init; }
    public IReadOnlyList<double> Rates { get; init; } = [];
    public bool FindMax { get; init; }
    public int Connections { get; init; } = 64;
    /// <summary>What the engine speaks (<c>--http</c>): HTTP/1.1, or HTTP/2 with the credential never indexed or indexed.</summary>
    public Engine.Http2.HttpWire Http { get; init; } = Engine.Http2.HttpWire.Http11;
    /// <summary>Users per TCP connection (<c>--users-per-connection</c>); null: every connection walks the whole pool (a gateway).</summary>
    public int? UsersPerConnection { get; init; }
    public int MaxInFlight { get; init; } = 1024;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);
    public int Repeat { get; init; } = 3;
    /// <summary>Seeds the arm order of <see cref="ArmOrder.Random"/> (recorded, so that a run's order can be replayed).</summary>
    public int Seed { get; init; }
    public ArmOrder Order { get; init; } = ArmOrder.Random;
    /// <summary>CPU sets of the API under test and of the generator and store; off by default here (the command line turns it on).</summary>
    public Isolation Isolation { get; init; } = new(null, null, false, "off");
    /// <summary>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit for every API process; null: as shipped (not set).</summary>
    public int? SpinLimit { get; init; }
    /// <summary>The pacing thread's timer slack in ns; null: the kernel's default.</summary>
    public long? TimerSlackNs { get; init; } = Engine.EngineOptions.DefaultTimerSlackNanoseconds;
    /// <summary>The pacing thread under SCHED_FIFO (true, the default) or the fair scheduler.</summary>
    public bool RealtimePacing { get; init; } = true;
    public string PacingName => RealtimePacing ? "fifo" : "fair";
    /// <summary>SLO capacity search (mode "slo"): the p99 targets; empty: no search.</summary>
    public IReadOnlyList<TimeSpan> SloP99 { get; init; } = [];
    /// <summary>Bisection steps per target after the ladder (each halves a bracket of one rung, a tenth of saturation).</summary>
    public int SloSteps { get; init; } = 3;
    /// <summary>Late plus dropped starts over the schedule above which an SLO step fails.</summary>
    public const double SloMaxLateFraction = 0.001;
    public int Users { get; init; } = 10_000;
    public string Store { get; init; } = "auto";
    public Uri? Target { get; init; }
    public required string OutputDirectory { get; init; }
    public bool Quick { get; init; }
    /// <summary>
    /// The requests are <c>POST /auth/refresh</c> themselves, each with a user's current refresh token (arms with a
    /// refresh endpoint only): the price of one refresh by the method of an API request.
    /// </summary>
    public bool RefreshOnly { get; init; }
    public FaultSpec? Fault { get; init; }
    /// <summary>The revocation or staleness window of every recorded trial (<c>--window</c>); null: none.</summary>
    public WindowSpec? Window { get; init; }
    /// <summary>The API's token (access) lifetime as asked (<c>--token-lifetime</c>); null: long enough to outlive the run (<see cref="RunPlan.TokenLifetime"/>).</summary>
    public TimeSpan? TokenLifetime { get; init; }
    /// <summary>The key of the API's admin endpoints, drawn per run when a window needs them (never written to a result).</summary>
    public string? AdminKey { get; init; }
    public TimeSpan? Soak { get; init; }
    public string? ApiPath { get; init; }
    public int LoginParallelism { get; init; } = 8;
    public string Password { get; init; } = "authbench-demo";
    public required string CommandLine { get; init; }
    /// <summary>--store-rtt: round trips the store relay adds, the plan run once per value; empty: the API talks to the store directly.</summary>
    public IReadOnlyList<TimeSpan> StoreRtt { get; init; } = [];

    /// <summary>
    /// --instances: API servers per arm behind the load balancer, the plan run once per value; empty: one API, driven
    /// directly (no balancer).
    /// </summary>
    public IReadOnlyList<int> Instances { get; init; } = [];
    /// <summary>--balancer: what stands in front of the instances (with --instances only).</summary>
    public BalancerKind Balancer { get; init; } = BalancerKind.Haproxy;

    /// <summary>The most --instances accepts: every instance is a whole API process on the API's CPU set.</summary>
    public const int MaxInstances = 16;

    /// <summary>Parses --instances: counts such as 1,2,4, each from 1 to <see cref="MaxInstances"/>, in the order given, duplicates dropped.</summary>
    public static IReadOnlyList<int> ParseInstances(string text)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > MaxInstances)
            {
                throw new UsageException($"--instances: '{part}' is not a number of API servers from 1 to {MaxInstances} (e.g. --instances 1,2,4)");
            }
            if (!counts.Contains(n))
            {
                counts.Add(n);
            }
        }
        return counts.Count > 0 ? counts : throw new UsageException("--instances needs at least one count, e.g. --instances 1,2,4");
    }

    /// <summary>The histogram-key suffix of a trial behind the balancer, e.g. "@n2"; empty without one.</summary>
    public static string InstancesKey(int? instances) =>
        instances is { } n ? string.Create(CultureInfo.InvariantCulture, $"@n{n}") : "";

    /// <summary>
    /// --target: the API's metrics endpoint (--metrics-url, default &lt;target&gt;/metrics), read before and after each
    /// trial for the server CPU per request; with APIs this tool starts, the edge's own endpoint when --api-metrics is on.
    /// </summary>
    public Uri? MetricsUrl { get; init; }

    /// <summary>--api-metrics as given (off, on, or off,on: every arm twice), recorded in the settings; null: not given (off).</summary>
    public string? ApiMetrics { get; init; }

    /// <summary>Parses --api-metrics: off, on, or off,on (every arm once without and once with its metrics endpoint, alternating).</summary>
    public static IReadOnlyList<bool> ParseApiMetrics(string text)
    {
        var values = new List<bool>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var on = part.ToLowerInvariant() switch
            {
                "off" => false,
                "on" => true,
                _ => throw new UsageException($"--api-metrics '{part}': use off, on, or off,on (each arm without and with the API's metrics endpoint)"),
            };
            if (!values.Contains(on))
            {
                values.Add(on);
            }
        }
        return values.Count > 0 ? values : throw new UsageException("--api-metrics needs off, on, or off,on");
    }

    /// <summary>The largest round trip --store-rtt accepts: a store farther away than this is not a session store.</summary>
    public static readonly TimeSpan MaxStoreRtt = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Parses --store-rtt: round trips such as 0,0.25ms,1ms or 250us, each from 0 to 100 ms, in the order given. A
    /// number other than 0 needs its unit: "1" read as one second would silently make every figure meaningless.
    /// </summary>
    public static IReadOnlyList<TimeSpan> ParseStoreRtt(string text, string option = "--store-rtt")
    {
        var rtts = new List<TimeSpan>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var t = part.ToLowerInvariant();
            TimeSpan rtt;
            if (t.EndsWith("us", StringComparison.Ordinal) || t.EndsWith("µs", StringComparison.Ordinal))
            {
                rtt = double.TryParse(t[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var us) && us >= 0 && us <= MaxStoreRtt.TotalMicroseconds
                    ? TimeSpan.FromTicks((long)Math.Round(us * 10))
                    : TimeSpan.MinValue;
            }
            else if (t is "0" || t.EndsWith("ms", StringComparison.Ordinal) || t.EndsWith('s'))
            {
                rtt = Durations.TryParse(t, out var d) ? d : TimeSpan.MinValue;
            }
            else
            {
                rtt = TimeSpan.MinValue;
            }
            if (rtt < TimeSpan.Zero || rtt > MaxStoreRtt)
            {
                throw new UsageException($"{option}: '{part}' is not a round trip from 0 to 100ms with its unit (e.g. {option} 0,0.25ms,1ms or 250us)");
            }
            if (!rtts.Contains(rtt))
            {
                rtts.Add(rtt);
            }
        }
        if (rtts.Count == 0)
        {
            throw new UsageException($"{option} needs at least one round trip, e.g. {option} 0,0.25ms,1ms");
        }
        return rtts;
    }

    /// <summary>The histogram-key suffix of a trial at <paramref name="rtt"/>, e.g. "@rtt0.25ms"; empty without the relay.</summary>
    public static string StoreRttKey(TimeSpan? rtt) =>
        rtt is { } r ? string.Create(CultureInfo.InvariantCulture, $"@rtt{r.TotalMilliseconds:0.####}ms") : "";

    public const string AsShipped = "as-shipped";

    /// <summary>
    /// Parses --http: 1.1, 2-never-indexed or 2-indexed, or several with commas (a trial dimension: each trial speaks
    /// one of them, in the plan's random order), each once, in the order given.
    /// </summary>
    public static IReadOnlyList<Engine.Http2.HttpWire> ParseHttpList(string text)
    {
        var wires = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => Engine.Http2.HttpWires.Find(p)
            ?? throw new UsageException($"--http '{p}': use {Engine.Http2.HttpWires.Choices} (several with commas)")).Distinct().ToList();
        return wires.Count == 0 ? throw new UsageException($"--http needs a wire: {Engine.Http2.HttpWires.Choices}") : wires;
    }

    /// <summary>Parses one --http wire (a list of more than one is refused: callers that take a list use <see cref="ParseHttpList"/>).</summary>
    public static Engine.Http2.HttpWire ParseHttp(string text) => ParseHttpList(text) is [var wire] ? wire
        : throw new UsageException($"--http '{text}': one wire here ({Engine.Http2.HttpWires.Choices})");

    /// <summary>Parses --users-per-connection: all (a gateway: every connection walks the whole pool) or a number from 1 (a browser).</summary>
    public static int? ParseUsersPerConnection(string text) =>
        string.Equals(text.Trim(), "all", StringComparison.OrdinalIgnoreCase) ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1_000_000 ? n
        : throw new UsageException($"--users-per-connection '{text}': use all (a gateway) or a number of users from 1 (1: a browser), several with commas");

    /// <summary>Parses --users-per-connection as a list (all,1: a gateway and a browser side by side), each once, in the order given.</summary>
    public static IReadOnlyList<int?> ParseUsersPerConnectionList(string text)
    {
        var list = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseUsersPerConnection).Distinct().ToList();
        return list.Count == 0 ? throw new UsageException("--users-per-connection needs all or a number, e.g. all,1") : list;
    }

    /// <summary>--http as given (the first is <see cref="Http"/>); empty: <see cref="Http"/> alone.</summary>
    public IReadOnlyList<Engine.Http2.HttpWire> HttpList { get; init; } = [];

    /// <summary>--users-per-connection as given (the first is <see cref="UsersPerConnection"/>); empty: that one alone.</summary>
    public IReadOnlyList<int?> UsersPerConnectionList { get; init; } = [];

    /// <summary>Every wire × users-per-connection a trial may use, in the order given; one entry when neither is a list.</summary>
    public IReadOnlyList<EdgeWire> EdgeWires =>
        [.. (HttpList.Count > 0 ? HttpList : [Http]).SelectMany(h => (UsersPerConnectionList.Count > 0 ? UsersPerConnectionList : [UsersPerConnection]).Select(u => new EdgeWire(h, u)))];

    /// <summary>Whether trials differ in wire or users per connection (then their keys say which).</summary>
    public bool EdgeIsDimension => EdgeWires.Count > 1;

    /// <summary>Whether any trial speaks HTTP/2 (the API then gets its h2c listener).</summary>
    public bool AnyHttp2 => EdgeWires.Any(e => Engine.Http2.HttpWires.IsHttp2(e.Http));

    /// <summary>The --http text results.json records: the list as given ("1.1,2-never-indexed,2-indexed").</summary>
    public string HttpName => string.Join(",", (HttpList.Count > 0 ? HttpList : [Http]).Select(Engine.Http2.HttpWires.Name));

    public string SpinLimitName => SpinLimit is { } limit ? limit.ToString(CultureInfo.InvariantCulture) : AsShipped;

    /// <summary>Parses --spin-limit: as-shipped, or a number of spins (0: none).</summary>
    public static int? ParseSpinLimit(string text)
    {
        var t = text.Trim();
        if (string.Equals(t, AsShipped, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit <= 10_000
            ? limit
            : throw new UsageException($"--spin-limit '{text}': use {AsShipped} or a number of spins from 0 to 10000 (0: no spinning)");
    }

    /// <summary>The default --metrics-url of a --target: the API's own listener, path /metrics.</summary>
    public static Uri DefaultMetricsUrl(Uri target) => new(target, Probes.MetricsProbe.MetricsPath);

    public bool NeedsStore => Target is null && Arms.Any(a => a.NeedsStore);

    public string Mode => RefreshOnly ? Contracts.Results.RunResults.RefreshMode : FindMax ? "find-max" : SloP99.Count > 0 ? "slo" : Soak is not null ? "soak" : "open-loop";

    public const string KernelDefault = "kernel";

    /// <summary>Parses --timer-slack-ns: a number of ns from 1 to 1000000, or kernel (leave the kernel's default).</summary>
    public static long? ParseTimerSlack(string text)
    {
        var t = text.Trim();
        if (string.Equals(t, KernelDefault, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var ns) && ns is >= 1 and <= 1_000_000
            ? ns
            : throw new UsageException($"--timer-slack-ns '{text}': use a number of nanoseconds from 1 to 1000000, or {KernelDefault} (the kernel's default)");
    }

    /// <summary>Parses --slo: p99 targets such as 1ms,5ms,10ms (each from 100 µs to 10 s).</summary>
    public static IReadOnlyList<TimeSpan> ParseSlo(string text)
    {
        var targets = new List<TimeSpan>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            TimeSpan target;
            try
            {
                target = Durations.Parse(part, "--slo");
            }
            catch (FormatException)
            {
                throw new UsageException($"--slo: '{part}' is not a p99 target (e.g. --slo 1ms,5ms,10ms)");
            }
            if (target < TimeSpan.FromMicroseconds(100) || target > TimeSpan.FromSeconds(10))
            {
                throw new UsageException($"--slo: '{part}' must lie between 100 µs and 10 s");
            }
            if (!targets.Contains(target))
            {
                targets.Add(target);
            }
        }
        if (targets.Count == 0)
        {
            throw new UsageException("--slo needs at least one p99 target, e.g. --slo 1ms,5ms,10ms");
        }
        targets.Sort();
        return targets;
    }

    /// <summary>Accepts <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, or a plain number of seconds (<see cref="Durations"/>).</summary>
    public static TimeSpan ParseDuration(string text, string option)
    {
        try
        {
            return Durations.Parse(text, option);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    public static IReadOnlyList<double> ParseRates(string text)
    {
        var rates = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate <= 0 || double.IsInfinity(rate) || rate > 1_000_000)
            {
                throw new UsageException($"--rates: '{part}' is not a positive rate in requests/s (e.g. --rates 500,1000,2000)");
            }
            rates.Add(rate);
        }
        if (rates.Count == 0)
        {
            throw new UsageException("--rates needs at least one rate, e.g. --rates 500,1000,2000");
        }
        return rates;
    }

    /// <summary>
    /// The arms of <paramref name="arms"/> (catalogue names or "all"), in the order given; an arm that signs tokens runs
    /// once per algorithm of <paramref name="algs"/>.
    /// </summary>
    public static IReadOnlyList<ArmSpec> ParseArms(string arms, string algs, string claims)
    {
        var claimProfile = claims.Trim().ToLowerInvariant();
        if (!ClaimProfiles.Contains(claimProfile))
        {
            throw new UsageException($"--claims '{claims}': use {string.Join(", ", ClaimProfiles)}");
        }
        var algorithms = string.Join(", ", ArmCatalogue.Algorithms);
        var algList = new List<string>();
        foreach (var a in algs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var alg = ArmCatalogue.FindAlgorithm(a) ?? throw new UsageException($"--alg '{a}': use {algorithms} (several with commas)");
            if (!algList.Contains(alg))
            {
                algList.Add(alg);
            }
        }
        if (algList.Count == 0)
        {
            throw new UsageException($"--alg needs at least one algorithm: {algorithms}");
        }
        IReadOnlyList<ArmDescriptor> descriptors;
        try
        {
            descriptors = ArmCatalogue.ParseList(arms);
        }
        catch (ArgumentException e)
        {
            throw new UsageException("--arms: " + e.Message);
        }
        var result = descriptors.SelectMany(d => d.HasAlgorithm
            ? algList.Select(alg => new ArmSpec(d, alg, claimProfile))
            : [new ArmSpec(d, null, claimProfile)]);
        return [.. result.DistinctBy(r => r.Label)];
    }

    /// <summary>--store-connections: the API's store multiplexer counts, the plan run once per value (the fleet restarted between); empty: one.</summary>
    public IReadOnlyList<int> StoreConnections { get; init; } = [];

    /// <summary>The multiplexer count the APIs being started get (<c>--store-connections</c> of the API); null: the API's default of one.</summary>
    public int? ApiStoreConnections { get; init; }

    /// <summary>Parses --store-connections: counts such as 1,8,64, each from 1 to 64, in the order given.</summary>
    public static IReadOnlyList<int> ParseStoreConnections(string text)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > MaxStoreConnections)
            {
                throw new UsageException($"--store-connections: '{part}' is not a count from 1 to {MaxStoreConnections} (e.g. --store-connections 1,8,64)");
            }
            if (!counts.Contains(n))
            {
                counts.Add(n);
            }
        }
        if (counts.Count == 0)
        {
            throw new UsageException("--store-connections needs at least one count, e.g. --store-connections 1,8,64");
        }
        return counts;
    }

    /// <summary>The API's limit on --store-connections.</summary>
    public const int MaxStoreConnections = 64;

    /// <summary>The histogram-key suffix of a trial over <paramref name="connections"/> multiplexers, e.g. "@sc8"; empty without the option.</summary>
    public static string StoreConnectionsKey(int? connections) =>
        connections is { } n ? string.Create(CultureInfo.InvariantCulture, $"@sc{n}") : "";
}

/// <summary>What a trial speaks at the edge: the wire (HTTP/1.1 or an HTTP/2 credential policy) and the users per TCP connection (null: all, a gateway).</summary>
public sealed record EdgeWire(Engine.Http2.HttpWire Http, int? UsersPerConnection)
{
    /// <summary>"all" (a gateway) or the number (1: a browser), as results record it.</summary>
    public string UsersName => UsersPerConnection is { } n ? n.ToString(CultureInfo.InvariantCulture) : "all";

    /// <summary>The histogram-key suffix of a trial on this edge, e.g. "@http2-indexed-upc1" (only when the edge is a dimension of the run).</summary>
    public string Key => $"@http{Engine.Http2.HttpWires.Name(Http)}-upc{UsersName}";
}
