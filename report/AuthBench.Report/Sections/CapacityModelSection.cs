using System.Globalization;
using AuthBench.Contracts.Arms;

namespace AuthBench.Report.Sections;

/// <summary>
/// The capacity model in servers, from measured inputs only: each arm's API CPU per request (measured, plus an
/// application-work parameter), store CPU per request as one API server's own store connection sees it at that
/// server's rate (interpolated between measured per-connection rates), replication where a run measured it; the answer
/// is the number of API servers at which one store primary's core fills up, each arm's fleet cores against the jwt
/// arm's, and the debate's "JWT only scales better north of 100 servers" tested on those numbers.
/// </summary>
public sealed class CapacityModelSection : IReportSection
{
    /// <summary>Application CPU per request added to every arm's measured cost (ms): scenario parameters, not measurements.</summary>
    public static readonly double[] AppCpuMs = [0.1, 1, 10];

    /// <summary>Fleet sizes (API servers of the jwt arm) the cores are compared at: scenario parameters.</summary>
    public static readonly int[] FleetSizes = [10, 100, 1000];

    /// <summary>The share of its cores every API server is run at: the planning headroom, a parameter.</summary>
    public const double ServerUtilisation = 0.5;

    /// <summary>The debate's threshold: "JWT only scales better north of this many servers".</summary>
    public const int ClaimServers = 100;

    /// <summary>
    /// The claim holds where one primary fills between <see cref="ClaimServers"/> and this many times as many servers: much
    /// later, and the store is no scaling concern in the range the claim speaks of.
    /// </summary>
    public const int ClaimSpan = 10;

    /// <summary>The algorithm of the jwt arm compared with arms that have none.</summary>
    public const string ReferenceAlg = "ES256";

    public string Heading => "## Capacity model";

    /// <summary>One measured point of store CPU per request against the request rate on each client connection.</summary>
    public sealed record StorePoint(double RatePerConnection, double CpuUsPerRequest, double ReplicaCpuUsPerRequest, int Connections, double TotalRate, int N, string Run);

    /// <summary>Store CPU per request at a per-connection rate, and how it was found.</summary>
    public readonly record struct StoreEstimate(double CpuUsPerRequest, double ReplicaCpuUsPerRequest, bool Extrapolated, string How);

    /// <summary>A store assumption of the model: its name and the measured points behind it.</summary>
    public sealed record StoreCurve(string Name, IReadOnlyList<StorePoint> Points, bool Replicated)
    {
        /// <summary>
        /// Linear in log10 of the rate between the two measured points around <paramref name="rate"/>; outside the measured
        /// range, held at the nearest point and flagged extrapolated (store CPU per request falls as rate rises, so held
        /// below the range it understates the store's cost).
        /// </summary>
        public StoreEstimate At(double rate)
        {
            var p = Points;
            string Point(StorePoint s) => $"{ReportContext.Rate(s.RatePerConnection)} requests/s per connection";
            if (rate <= p[0].RatePerConnection)
            {
                return new(p[0].CpuUsPerRequest, p[0].ReplicaCpuUsPerRequest, rate < p[0].RatePerConnection * (1 - Tolerance),
                    rate < p[0].RatePerConnection * (1 - Tolerance) ? $"**extrapolated**: below the lowest measured rate, held at {Point(p[0])}" : $"measured at {Point(p[0])}");
            }
            if (rate >= p[^1].RatePerConnection)
            {
                return new(p[^1].CpuUsPerRequest, p[^1].ReplicaCpuUsPerRequest, rate > p[^1].RatePerConnection * (1 + Tolerance),
                    rate > p[^1].RatePerConnection * (1 + Tolerance) ? $"**extrapolated**: above the highest measured rate, held at {Point(p[^1])}" : $"measured at {Point(p[^1])}");
            }
            var hi = 1;
            while (p[hi].RatePerConnection < rate)
            {
                hi++;
            }
            var (a, b) = (p[hi - 1], p[hi]);
            var w = (Math.Log10(rate) - Math.Log10(a.RatePerConnection)) / (Math.Log10(b.RatePerConnection) - Math.Log10(a.RatePerConnection));
            return new(a.CpuUsPerRequest + (w * (b.CpuUsPerRequest - a.CpuUsPerRequest)), a.ReplicaCpuUsPerRequest + (w * (b.ReplicaCpuUsPerRequest - a.ReplicaCpuUsPerRequest)),
                false, $"interpolated between {Point(a)} and {Point(b)}");
        }

        /// <summary>A rate within this share of a measured point counts as measured there.</summary>
        private const double Tolerance = 0.05;
    }

    /// <summary>One arm's modelled figures under one application cost and store assumption.</summary>
    public sealed record Projection(string Arm, string Reference, double AppCpuMs, StoreCurve? Store, double ApiUsPerRequest, double PerServerRate,
        StoreEstimate? StoreCost, double ServersToFill, double FleetRateToFill, Ratio CoresOverReference, double ReferencePerServerRate, double ReferenceApiUsPerRequest);

    public void Write(ReportContext report)
    {
        var baseline = ReportContext.BaselineLabel;
        var sources = ApiSources(report);
        if (sources.Count == 0)
        {
            report.Line($"_No saturation (closed-loop) or fixed-rate run with the `{baseline}` arm and a jwt arm: the model needs each arm's "
                + "measured API CPU per request. A full `scripts/run-all.sh` produces them._");
            report.Line();
            return;
        }
        var runs = StoreRuns(report);
        var missing = new List<string>();
        if (report.Inputs.StoreConnections is null)
        {
            missing.Add("no connection-count run (trials with several store connections at one total rate, `--store-connections`): the store points "
                + "below are single-connection trials, one API process's one multiplexer at its own rate, which is what one server of a fleet sends, "
                + "but with the other servers' connections absent (a store serving many connections wakes for several at once, so if anything "
                + "these points overstate its CPU per request)");
        }
        if (report.Inputs.Replication is null)
        {
            missing.Add("no replica + AOF run (trials with per-node store figures, `store_nodes`): every row assumes a standalone primary "
                + "without persistence, so the replication stream's and the AOF's cost is not in it");
        }
        if (report.Saturation is null || !report.Saturation.Trials.Any(t => t.Label == baseline))
        {
            missing.Add("no saturation run: API CPU per request comes from the fixed-rate run, idle thread-pool wake-ups included");
        }

        report.Line("The question the debate asks in servers: with every input measured here and the application's own work as a parameter, "
            + "at how many API servers does one store primary's core fill up, and what does each arm's fleet cost in cores against the jwt arm's. "
            + $"Every API server runs at {ReportContext.Percent(ServerUtilisation)} of its cores (the planning headroom, a parameter) and has one store "
            + "connection, so the store sees as many connections as there are servers, each at one server's rate. "
            + ReportContext.IntervalPointer);
        report.Line();
        report.Line("How the numbers are made:");
        report.Line();
        report.Line("- **API CPU per request**: the arm's measured server CPU per request (framework and authentication; "
            + $"the part over `{baseline}` is its authentication) plus the application's work per request, "
            + $"{string.Join(", ", AppCpuMs.Select(Ms))} ms. Sources: "
            + string.Join("; ", sources.Select(s => $"{s.Describe} ({report.RunLink(s.Run)})")) + ".");
        report.Line($"- **Per-server rate**: the server's cores at {ReportContext.Percent(ServerUtilisation)} over the API CPU per request; a server has as many "
            + "cores as the measured API's CPU set.");
        report.Line("- **Store CPU per request**: the store's CPU (Redis INFO, primaries summed) per request, measured at the per-connection rates "
            + "listed below, read at the per-server rate: linear in the logarithm of the rate between two measured points, held at the nearest "
            + "point outside them and marked **extrapolated** there (below the lowest measured rate that understates the store's cost).");
        report.Line("- **One primary fills** when the servers' requests times store CPU per request reach one core-second per second (Redis runs "
            + "commands on one thread): servers = one second over (per-server rate × store CPU per request); the fleet rate is then one second "
            + "over store CPU per request.");
        report.Line("- **Fleet cores** are busy cores, API plus store (replicas included where measured), at the fleet rate of that many jwt "
            + "servers; the ratio to the jwt arm's is a ratio of medians over repetitions of the API CPU with its bootstrap interval (the store's "
            + "share enters as the measured median).");
        report.Line();
        if (missing.Count > 0)
        {
            report.Line("Inputs missing, and what stands in for them:");
            report.Line();
            foreach (var m in missing)
            {
                report.Line($"- {m}.");
            }
            report.Line();
        }

        var storeArms = sources.SelectMany(s => s.Own).Where(UsesStore).Distinct().ToList();
        var curves = storeArms.ToDictionary(a => a, a => Curves(runs, a));
        WritePoints(report, curves);

        var projections = new List<Projection>();
        foreach (var source in sources)
        {
            foreach (var arm in source.Own.Where(l => source.Reference(l) is { } r && r != l))
            {
                foreach (var app in AppCpuMs)
                {
                    IReadOnlyList<StoreCurve?> stores = UsesStore(arm) ? [.. curves[arm]] : [null];
                    projections.AddRange(stores.Select(store => Project(source, arm, app, store)));
                }
            }
        }
        WriteFill(report, projections);
        WriteFleet(report, projections);
        WriteClaim(report, projections);
    }

    /// <summary>Where an arm's API CPU per request comes from: a run and the trials of it that count.</summary>
    /// <param name="Labels">The arms of the run the model may read (its own arms, the baseline and the jwt arms it compares with).</param>
    /// <param name="Own">The arms projected from this source.</param>
    private sealed record ApiSource(LoadRun Run, string Describe, IReadOnlyList<string> Labels, IReadOnlyList<string> Own, Func<string, IReadOnlyList<Trial>> Trials, int CoresPerServer)
    {
        public double Median(string label) => Spread.Of(Trials(label).Select(t => t.ServerCpuUsPerRequest)).Median;

        /// <summary>The jwt arm this arm is compared with: at its algorithm, else <see cref="ReferenceAlg"/>, else any jwt arm of the run.</summary>
        public string? Reference(string label)
        {
            var alg = ArmCatalogue.ParseLabel(label)?.Alg ?? ReferenceAlg;
            var jwt = ArmCatalogue.Jwt.Label(alg);
            return Labels.Contains(jwt) ? jwt : Labels.FirstOrDefault(l => ArmCatalogue.ParseLabel(l)?.Arm == ArmCatalogue.Jwt);
        }
    }

    /// <summary>
    /// The saturation run where it has the baseline and a jwt arm (cleanest: no idle work in CPU per request), then the fixed-rate
    /// run for the arms the saturation run lacks; each arm is compared with the jwt arm of its own source.
    /// </summary>
    private static List<ApiSource> ApiSources(ReportContext report)
    {
        var baseline = ReportContext.BaselineLabel;
        static bool IsJwt(string label) => ArmCatalogue.ParseLabel(label)?.Arm == ArmCatalogue.Jwt;
        var sources = new List<ApiSource>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        if (report.Saturation is { } sat && sat.Trials.Any(t => t.Label == baseline))
        {
            var labels = ArmCatalogue.OrderLabels(sat.Trials.Select(t => t.Label).Where(l => ReportContext.CountedSaturationTrials(sat, l).Any()));
            if (labels.Any(IsJwt))
            {
                var own = labels.Where(l => l != baseline).ToList();
                sources.Add(new ApiSource(sat, "the saturation run (closed loop, the trials whose API core was full) for "
                    + string.Join(", ", own.Select(l => $"`{l}`")), labels, own, l => [.. ReportContext.CountedSaturationTrials(sat, l)], ApiCores(sat)));
                covered.UnionWith(own);
            }
        }
        if (report.Load is { } load && load.Trials.Any(t => t.Label == baseline))
        {
            var rate = report.ModerateRate();
            var labels = ArmCatalogue.OrderLabels(load.Trials.Where(t => t.TargetRps == rate).Select(t => t.Label));
            var own = labels.Where(l => l != baseline && !covered.Contains(l)).ToList();
            if (own.Count > 0 && labels.Any(IsJwt))
            {
                sources.Add(new ApiSource(load, $"the fixed-rate run at {ReportContext.Rate(rate)} requests/s, APIs {RunSelection.SpinName(load)}, "
                    + $"for {(sources.Count > 0 ? "the arms the saturation run lacks" : "every arm")} (its idle wake-ups are in every arm's CPU per request "
                    + "and inflate it; each arm is compared with the jwt arm of the same run)",
                    labels, own, l => [.. load.Trials.Where(t => t.Label == l && t.TargetRps == rate && !t.Overloaded)], ApiCores(load)));
            }
        }
        return sources;
    }

    /// <summary>The number of CPUs in the API's CPU set as the run read it back; one where none was recorded.</summary>
    private static int ApiCores(LoadRun run)
    {
        var cpus = run.Results.Environment.Isolation?.ApiCpus;
        return cpus is not null && Common.CpuSet.TryParse(cpus, out var set, out _) ? Math.Max(1, set.Count) : 1;
    }

    private static bool UsesStore(string label) => ArmCatalogue.ParseLabel(label) is { } parsed && parsed.Arm.UsesStore;

    /// <summary>The runs whose trials price the store: the load and saturation runs, the connection-count and the replication run.</summary>
    private static List<LoadRun> StoreRuns(ReportContext report) =>
        [.. new[] { report.Load, report.Saturation, report.Inputs.StoreConnections, report.Inputs.Replication }.OfType<LoadRun>()
            .Where(RunSelection.IsStoreCostRun).DistinctBy(r => r.Directory)];

    /// <summary>The standalone curve of an arm, and the replicated one where a run measured per-node figures with a replica.</summary>
    public static IReadOnlyList<StoreCurve> Curves(IEnumerable<LoadRun> runs, string label)
    {
        var list = runs.ToList();
        var curves = new List<StoreCurve>();
        var standalone = Points(list, label, t => t.Topology == LoadRun.StandaloneTopology && t.NodeCpu(RunSelection.ReplicaRole) is double.NaN or 0);
        if (standalone.Count > 0)
        {
            curves.Add(new StoreCurve(LoadRun.StandaloneTopology, standalone, false));
        }
        foreach (var topology in list.SelectMany(r => r.Trials).Where(t => t.Label == label && t.NodeCpu(RunSelection.ReplicaRole) > 0).Select(t => t.Topology).Distinct(StringComparer.Ordinal))
        {
            var replicated = Points(list, label, t => t.Topology == topology && t.NodeCpu(RunSelection.ReplicaRole) > 0);
            if (replicated.Count > 0)
            {
                curves.Add(new StoreCurve(topology, replicated, true));
            }
        }
        return curves;
    }

    /// <summary>Medians over repetitions per run, offered rate and connection count, sorted by rate per connection.</summary>
    private static List<StorePoint> Points(IEnumerable<LoadRun> runs, string label, Func<Trial, bool> topology) =>
        [.. runs.SelectMany(r => r.Trials.Where(t => t.Label == label && !t.Overloaded && t.Store is { CommandsPerRequest: > 0 } && t.StoreRttMs is null && topology(t))
                .GroupBy(t => (t.TargetRps, t.StoreClientConnections))
                .Select(g => new StorePoint(
                    Spread.Of(g.Select(t => t.RatePerStoreConnection)).Median,
                    Spread.Of(g.Select(t => t.Store!.CpuUsPerRequest)).Median,
                    Spread.Of(g.Select(t => t.NodeCpu(RunSelection.ReplicaRole) is var c && double.IsNaN(c) ? 0 : c)).Median,
                    g.Key.StoreClientConnections,
                    Spread.Of(g.Select(t => t.AchievedRps)).Median,
                    g.Count(),
                    r.Directory)))
            .Where(p => p.RatePerConnection > 0 && !double.IsNaN(p.CpuUsPerRequest))
            .OrderBy(p => p.RatePerConnection)];

    private static Projection Project(ApiSource source, string arm, double appMs, StoreCurve? store)
    {
        var reference = source.Reference(arm)!;
        var app = appMs * 1000;
        var api = source.Median(arm) + app;
        var perServer = ServerUtilisation * source.CoresPerServer * 1e6 / api;
        var refApi = source.Median(reference) + app;
        var refPerServer = ServerUtilisation * source.CoresPerServer * 1e6 / refApi;
        var cost = store?.At(perServer);
        var storeUs = cost is { } c ? c.CpuUsPerRequest + (store!.Replicated ? c.ReplicaCpuUsPerRequest : 0) : 0;
        var servers = cost is { } s ? 1e6 / (perServer * s.CpuUsPerRequest) : double.NaN;
        var ratio = Bootstrap.OfRatioOfMedians(source.Trials(arm).Select(t => t.ServerCpuUsPerRequest + app + storeUs),
            source.Trials(reference).Select(t => t.ServerCpuUsPerRequest + app));
        return new Projection(arm, reference, appMs, store, api, perServer, cost, servers, cost is { } f ? 1e6 / f.CpuUsPerRequest : double.NaN, ratio, refPerServer, refApi);
    }

    private static void WritePoints(ReportContext report, Dictionary<string, IReadOnlyList<StoreCurve>> curves)
    {
        if (curves.Count == 0)
        {
            return;
        }
        report.Line("### Store CPU per request against the rate on each connection (measured)");
        report.Line();
        report.Line("| arm | store | requests/s per connection | connections | total requests/s | store CPU µs/req (primaries) | replica CPU µs/req | repetitions | run |");
        report.Line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var (arm, list) in curves)
        {
            if (list.Count == 0)
            {
                report.Line($"| `{arm}` | – | – | – | – | – | – | – | no trial with store figures |");
                continue;
            }
            foreach (var curve in list)
            {
                foreach (var p in curve.Points)
                {
                    var dir = report.Relative(p.Run);
                    report.Line($"| `{arm}` | {curve.Name} | {ReportContext.Rate(p.RatePerConnection)} | {p.Connections.ToString(CultureInfo.InvariantCulture)} | {ReportContext.Rate(p.TotalRate)} "
                        + $"| {LoadRun.Format(p.CpuUsPerRequest)} | {(curve.Replicated ? LoadRun.Format(p.ReplicaCpuUsPerRequest) : "–")} | {p.N.ToString(CultureInfo.InvariantCulture)} | `{dir}` |");
                }
            }
        }
        report.Line();
    }

    private static void WriteFill(ReportContext report, IReadOnlyList<Projection> projections)
    {
        var filling = projections.Where(p => p.StoreCost is not null).ToList();
        report.Line("### Where one store primary fills up");
        report.Line();
        if (filling.Count == 0)
        {
            report.Line("_No store-backed arm with store figures in the runs read: nothing fills a store._");
            report.Line();
            return;
        }
        report.Line("| arm | store | app CPU (ms/req) | API CPU µs/req | per-server rate (req/s) | store CPU µs/req at that rate | replica CPU µs/req | API servers when one primary fills | fleet requests/s then | store figure |");
        report.Line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var p in filling)
        {
            var c = p.StoreCost!.Value;
            report.Findings.Add(new Finding(FindingKind.ServersToFill, p.Arm, FindingDetail(p), ReportContext.Rate(p.ServersToFill), "servers", "",
                Findings.Anchor(new CapacityModelSection().Heading),
                $"a model from measured costs, not a measured fleet: servers at {ReportContext.Percent(ServerUtilisation)} of their cores, one store connection each; {c.How}")
            { Value = p.ServersToFill });
            report.Line($"| `{p.Arm}` | {p.Store!.Name} | {Ms(p.AppCpuMs)} | {LoadRun.Format(p.ApiUsPerRequest)} | {ReportContext.Rate(p.PerServerRate)} | {LoadRun.Format(c.CpuUsPerRequest)} "
                + $"| {(p.Store.Replicated ? LoadRun.Format(c.ReplicaCpuUsPerRequest) : "–")} | **{ReportContext.Rate(p.ServersToFill)}** | {ReportContext.Rate(p.FleetRateToFill)} | {c.How} |");
        }
        report.Line();
    }

    private static void WriteFleet(ReportContext report, IReadOnlyList<Projection> projections)
    {
        report.Line("### Fleet cost in cores against the jwt arm");
        report.Line();
        report.Line($"At the fleet rate of {string.Join(", ", FleetSizes.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} jwt servers "
            + $"(each at {ReportContext.Percent(ServerUtilisation)} of its cores): busy cores of the API fleet plus the store, and store primaries needed "
            + "(each one core). Every cost is per request at a per-server rate the utilisation fixes, so the ratio is the same at every fleet size; "
            + "what grows is the number of store primaries, a shard the jwt arm never needs.");
        report.Line();
        report.Line("| arm | over | store | app CPU (ms/req) | cores over the jwt arm's [interval] | "
            + string.Join(" | ", FleetSizes.Select(n => $"{n.ToString("N0", CultureInfo.InvariantCulture)} servers: fleet req/s, cores (jwt), store primaries")) + " |");
        report.Line("| --- | --- | --- | ---: | ---: |" + string.Concat(FleetSizes.Select(_ => " ---: |")));
        foreach (var p in projections)
        {
            var storeUs = p.StoreCost is { } c ? c.CpuUsPerRequest + (p.Store!.Replicated ? c.ReplicaCpuUsPerRequest : 0) : 0;
            var cells = FleetSizes.Select(n =>
            {
                var rate = n * p.ReferencePerServerRate;
                var cores = rate * (p.ApiUsPerRequest + storeUs) / 1e6;
                var refCores = rate * p.ReferenceApiUsPerRequest / 1e6;
                var primaries = p.StoreCost is { } s ? Math.Ceiling(rate * s.CpuUsPerRequest / 1e6).ToString("N0", CultureInfo.InvariantCulture) : "–";
                return $"{ReportContext.Rate(rate)}, {LoadRun.Format(cores)} ({LoadRun.Format(refCores)}), {primaries}";
            });
            report.Findings.Add(new Finding(FindingKind.FleetCoresOverJwt, p.Arm, FindingDetail(p), p.CoresOverReference.Show(SentenceDecimals), $"× `{p.Reference}`'s cores", "",
                Findings.Anchor(new CapacityModelSection().Heading), "a model from measured costs: busy API and store cores at the same fleet rate")
            { Value = p.CoresOverReference.Estimate, Ratio = p.CoresOverReference });
            report.Line($"| `{p.Arm}` | `{p.Reference}` | {p.Store?.Name ?? "none"} | {Ms(p.AppCpuMs)} | {p.CoresOverReference.Show()} | {string.Join(" | ", cells)} |");
        }
        report.Line();
    }

    /// <summary>
    /// The debate's claim against the numbers, for the session arm where it was modelled (else the first store-backed arm):
    /// it holds under an assumption where one primary fills between <see cref="ClaimServers"/> and <see cref="ClaimSpan"/>
    /// times as many servers; below, the store limits sooner than claimed; above, later.
    /// </summary>
    private static void WriteClaim(ReportContext report, IReadOnlyList<Projection> projections)
    {
        var filling = projections.Where(p => p.StoreCost is not null && !double.IsNaN(p.ServersToFill)).ToList();
        var arm = filling.Select(p => p.Arm).FirstOrDefault(a => a == ArmCatalogue.Session.Name) ?? filling.Select(p => p.Arm).FirstOrDefault();
        if (arm is null)
        {
            report.Line($"- **\"JWT only scales better north of {ClaimServers} servers\"** cannot be tested: no store-backed arm with store figures.");
            report.Line();
            return;
        }
        var rows = filling.Where(p => p.Arm == arm).ToList();
        var claim = $"\"JWT only scales better north of {ClaimServers.ToString("N0", CultureInfo.InvariantCulture)} servers\"";
        string Assumption(Projection p) => $"{Ms(p.AppCpuMs)} ms of application CPU per request, {p.Store!.Name} store"
            + (p.StoreCost!.Value.Extrapolated ? ", store figure extrapolated" : "");
        string Fill(Projection p) => $"{ReportContext.Rate(p.ServersToFill)} servers";
        var holds = rows.Where(p => p.ServersToFill >= ClaimServers && p.ServersToFill < ClaimServers * ClaimSpan).ToList();
        var sooner = rows.Where(p => p.ServersToFill < ClaimServers).ToList();
        var later = rows.Where(p => p.ServersToFill >= ClaimServers * ClaimSpan).ToList();
        var parts = new List<string>();
        if (holds.Count > 0)
        {
            parts.Add($"it holds with {string.Join("; with ", holds.Select(p => $"{Assumption(p)} (one primary fills at {Fill(p)})"))}");
        }
        if (sooner.Count > 0)
        {
            parts.Add($"the store limits sooner than claimed with {string.Join("; with ", sooner.Select(p => $"{Assumption(p)} (at {Fill(p)})"))}");
        }
        if (later.Count > 0)
        {
            parts.Add($"the store limits much later than claimed, so the claim's threshold is too low, with {string.Join("; with ", later.Select(p => $"{Assumption(p)} (at {Fill(p)})"))}");
        }
        string With(IEnumerable<Projection> ps) => string.Join(", ", ps.Select(p => $"{Ms(p.AppCpuMs)} ms, {p.Store!.Name} store ({p.CoresOverReference.Show(SentenceDecimals)})"));
        var fewer = rows.Where(p => p.CoresOverReference.HasInterval && p.CoresOverReference.High < 1).ToList();
        var more = rows.Where(p => p.CoresOverReference.HasInterval && p.CoresOverReference.Low > 1).ToList();
        var same = rows.Except(fewer).Except(more).ToList();
        var costParts = new List<string>();
        if (fewer.Count > 0)
        {
            costParts.Add($"fewer than the jwt arm's with {With(fewer)}");
        }
        if (more.Count > 0)
        {
            costParts.Add($"more than the jwt arm's with {With(more)}");
        }
        if (same.Count > 0)
        {
            costParts.Add($"no measurable difference with {With(same)}");
        }
        var cost = $" In busy cores the `{arm}` fleet needs {string.Join("; ", costParts)} (ratios over the jwt arm's, the same at every fleet size), "
            + (more.Count == rows.Count ? "so the jwt arm is cheaper before any store fills too." : "so where it scales worse is the store primary, not the fleet's cores.");
        report.Line($"- **Tested: {claim}**, for `{arm}` against `{rows[0].Reference}`, servers at {ReportContext.Percent(ServerUtilisation)} of their cores, "
            + $"\"holds\" meaning one store primary fills between {ClaimServers.ToString("N0", CultureInfo.InvariantCulture)} and "
            + $"{(ClaimServers * ClaimSpan).ToString("N0", CultureInfo.InvariantCulture)} servers: {string.Join("; ", parts)}.{cost}");
        // The connection-count points were measured at one total rate: a store serving many connections at a higher total
        // rate finds several ready per event-loop turn, so its CPU per request there is at most what was measured.
        var totals = rows.SelectMany(p => p.Store!.Points).Where(pt => pt.Connections > 1).Select(pt => pt.TotalRate).Distinct().Order().ToList();
        if (totals.Count > 0)
        {
            report.Line($"- **Where the store figure comes from.** The points with several connections were measured at a total of "
                + $"{string.Join(", ", totals.Select(ReportContext.Rate))} requests/s, far below the fleet rates at which a primary fills: there each "
                + "connection's commands arrive as rarely as measured, but the store finds several connections ready in one event-loop turn, so its CPU per "
                + "request at those fleet rates is at most the measured figure, and the server counts above are lower bounds for the store-backed arms.");
        }
        report.Line("- **What the model leaves out.** Queueing near a full core, the store's network round trip (see [Store across a network](#store-across-a-network): "
            + "waiting costs the API memory and connections, not CPU), and the servers' own variation; one primary per store means sharding by key "
            + "beyond it, which needs no coordination but is one more system to run.");
        report.Line();
    }

    private static string Ms(double ms) => ms.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>"0.1 ms app CPU, standalone store": the assumption a projection was made under, the detail of its findings.</summary>
    public static string FindingDetail(Projection p) => $"{Ms(p.AppCpuMs)} ms app CPU, {p.Store?.Name ?? "no"} store";

    /// <summary>The claim sentence shows ratios one decimal finer than the table, so that a ratio just below one does not read as one.</summary>
    private const int SentenceDecimals = 3;
}
