using AuthBench.Report.Sections;

namespace AuthBench.Report;

/// <summary>
/// Which load runs the report reads: of the complete runs under results/load, the newest of each kind, found by its
/// mode and settings (never by folder name). Run folders are named by UTC timestamp, so the newest sorts last.
/// The fixed-rate tables show the spin-free run where one exists, else the newest fixed-rate run (<paramref name="Load"/>);
/// the newest fixed-rate run of the other thread-pool setting goes beside it (<paramref name="SpinFree"/>,
/// <paramref name="AsShipped"/>: null for the setting <paramref name="Load"/> has itself, which it then stands for).
/// </summary>
public sealed record RunSelection(string? Load, string? AsShipped, string? Saturation, string? SpinFree = null, string? Slo = null, string? Outage = null,
    string? Refresh = null, string? RefreshSaturation = null, string? Fanout = null, string? StoreRtt = null, string? RelayCalibration = null,
    string? StoreConnections = null, string? Replication = null, string? Http2 = null)
{
    /// <summary>The newest complete run of each store topology (<see cref="StoreRealismSection"/>), standalone included where one was made for it.</summary>
    public IReadOnlyList<string> StoreTopologies { get; init; } = [];

    /// <summary>The claim profile of the standard tables: what every arm is compared at.</summary>
    public const string StandardClaims = "typical";

    /// <summary>The endpoint of the standard tables.</summary>
    public const string StandardEndpoint = "/api/me";

    /// <summary>
    /// The newest spin-free fixed-rate run of each configuration (claim profile, endpoint) other than the standard one,
    /// e.g. large claims or /api/items, oldest configuration first: the report shows them apart
    /// (<see cref="ConfigurationsSection"/>), never in the standard tables.
    /// </summary>
    public IReadOnlyList<string> Configurations { get; init; } = [];

    /// <summary>The window scenarios' kinds as results.json names them (trials[].window.kind).</summary>
    public static readonly IReadOnlyList<string> WindowKinds = ["revocation", "staleness"];

    /// <summary>The newest complete run of each window kind (one path when one run has both).</summary>
    public IReadOnlyList<string> Windows { get; init; } = [];

    /// <summary>The newest complete run made with <c>--instances</c> (API servers behind a load balancer); null: none.</summary>
    public string? Instances { get; init; }

    /// <summary>The complete runs read while selecting, so that a selected one is not read again.</summary>
    private IReadOnlyList<(string Path, LoadRun Run)> ReadRuns { get; init; } = [];

    /// <summary>
    /// The runs of <paramref name="results"/>/load a report uses; <paramref name="explicitLoad"/> (a results.json given
    /// with --load) replaces the load run, and the runs beside it are found for its setting.
    /// </summary>
    public static RunSelection Find(string results, string? explicitLoad = null)
    {
        var job = JobOf(results);
        var all = PreferJob(Complete(Path.Combine(results, "load")), job);
        // The standard sections read runs over the default topology only; the topology sections pick theirs from all.
        // Runs that compare the instrument rather than the arms (--target read through the metrics endpoint, --api-metrics
        // off,on) are published beside the others and quoted from their own summary.md; no standard section reads them.
        var runs = all.Where(r => r.Run.IsDefaultTopology && !IsInstrumentRun(r.Run)).ToList();
        string? NewestPath(Func<LoadRun, bool> kind) => Newest(runs, kind)?.Path;
        // The load tables compare the arms: of the runs of a kind, the newest of those with the most arms (a newer run of
        // two arms, made for another comparison, does not replace a run of every arm).
        // The job's own runs of a family where it made any (its configurations), else every run of the family.
        IEnumerable<(string Path, LoadRun Run)> OursWhereAny(IEnumerable<(string Path, LoadRun Run)> family)
        {
            var list = family.ToList();
            var ours = list.Where(r => IsJobRun(job, r)).ToList();
            return ours.Count > 0 ? ours : list;
        }
        string? WidestPath(Func<LoadRun, bool> kind)
        {
            // The job's own run of the kind, where it made one; else the newest of the widest.
            return OursWhereAny(runs.Where(r => kind(r.Run))).GroupBy(r => r.Run.Trials.Select(t => t.Label).Distinct().Count()).MaxBy(g => g.Key)?.Last().Path;
        }
        string? NewestAny(Func<LoadRun, bool> kind) => Newest(all, kind)?.Path;
        var spinFree = WidestPath(r => IsSpinFreeRates(r) && IsStandard(r));
        // The load tables show the spin-free fixed-rate run where there is one (idle spinning inflates CPU per request).
        var load = explicitLoad ?? spinFree ?? NewestPath(r => r.IsRatesRun && IsStandard(r)) ?? NewestPath(r => r.IsRatesRun);
        var selection = new RunSelection(load, null, NewestPath(r => r.IsFindMax && !r.IsInstances && !r.IsEdgeRun), null, NewestPath(IsSloRun), NewestPath(IsOutageRun),
            NewestPath(r => r.IsRefresh && !r.Results.Settings.FindMax), NewestPath(r => r.IsRefresh && r.Results.Settings.FindMax)) { ReadRuns = all };
        var loadRun = selection.Run(load);
        return selection with
        {
            SpinFree = loadRun is { IsSpinFree: true } ? null : spinFree,
            AsShipped = loadRun is { IsAsShipped: true } ? null : WidestPath(r => IsAsShippedRates(r) && IsStandard(r)),
            Configurations = [.. OursWhereAny(runs.Where(r => IsSpinFreeRates(r.Run) && !IsStandard(r.Run) && r.Path != load))
                .GroupBy(r => Configuration(r.Run)).Select(g => g.Last().Path)],
            Fanout = NewestPath(r => r.IsFanout),
            Http2 = NewestPath(IsHttp2Run),
            Windows = [.. WindowKinds.Select(kind => NewestPath(r => r.HasWindow(kind))).OfType<string>().Distinct()],
            StoreRtt = NewestAny(r => r.IsRatesRunAnyTopology && r.IsStoreRttRun && !r.IsInstances),
            RelayCalibration = NewestRelayCalibration(results),
            // Several multiplexers in one API (--store-connections), not several instances: a fleet run has a section of its own.
            StoreConnections = NewestAny(r => IsStoreCostRun(r) && !r.IsInstances && (r.Results.Settings.StoreConnections is { Count: > 0 } || r.Trials.Any(t => t.StoreConnections > 1))),
            Replication = NewestAny(r => IsStoreCostRun(r) && r.Trials.Any(t => t.StoreNodes?.Any(n => n.Role == ReplicaRole) == true)),
            Instances = NewestAny(r => r.IsInstances),
            StoreTopologies = [.. new[] { StoreRealismSection.ReplicaAof, StoreRealismSection.Cluster3 }
                .Select(topology => NewestAny(r => r.Results.Settings.StoreConnections is null && StoreRealismSection.TopologyOf(r) == topology)).OfType<string>()],
        };
    }

    /// <summary>What results/run.json says of the job that wrote these results (no phases when there is none).</summary>
    public static JobStatus JobOf(string results)
    {
        var path = Path.Combine(results, "run.json");
        if (!File.Exists(path))
        {
            return new JobStatus(null, null, []);
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            return JobStatus.Read(doc.RootElement.Clone());
        }
        catch (System.Text.Json.JsonException)
        {
            return new JobStatus(null, null, []);
        }
    }

    /// <summary>
    /// The runs in the order the selection reads them (the newest of a kind is the last): the runs of the job run.json
    /// records go last, so that every section shows the job's own run of its kind where the job made one, even where an
    /// earlier run of the kind is newer by name or has more arms (a --full run beside a default one); a kind the job did
    /// not make falls back to the newest run found.
    /// </summary>
    public static IReadOnlyList<(string Path, LoadRun Run)> PreferJob(IReadOnlyList<(string Path, LoadRun Run)> runs, JobStatus job)
    {
        if (job.Phases.Count == 0)
        {
            return runs;
        }
        return [.. runs.Where(r => !IsJobRun(job, r)), .. runs.Where(r => IsJobRun(job, r))];
    }

    /// <summary>Whether a run (its results.json path) is the output of one of <paramref name="job"/>'s phases.</summary>
    private static bool IsJobRun(JobStatus job, (string Path, LoadRun Run) run) =>
        job.Produced(System.IO.Path.GetDirectoryName(run.Path) ?? run.Path);

    /// <summary>The folder under results/ where <c>relay-calibrate</c> writes (results/relay/&lt;UTC timestamp&gt;/relay-calibration.json).</summary>
    public const string RelayFolder = "relay";

    /// <summary>The file name <c>relay-calibrate</c> writes.</summary>
    public const string RelayCalibrationFile = "relay-calibration.json";

    /// <summary>The role names of results.json's trials[].store_nodes.</summary>
    public const string PrimaryRole = "primary";

    /// <inheritdoc cref="PrimaryRole"/>
    public const string ReplicaRole = "replica";

    /// <summary>The newest relay-calibration.json under results/relay (folders named by UTC timestamp sort by time), or null.</summary>
    public static string? NewestRelayCalibration(string results)
    {
        var root = Path.Combine(results, RelayFolder);
        return !Directory.Exists(root) ? null
            : Directory.GetDirectories(root).Order(StringComparer.Ordinal).Select(d => Path.Combine(d, RelayCalibrationFile)).LastOrDefault(File.Exists);
    }

    /// <summary>
    /// A run whose trials price the store per request at steady load: fixed rates or closed loop, at the standard claims
    /// and endpoint, directly connected (no relay, whose hand-over changes the store's batching).
    /// </summary>
    public static bool IsStoreCostRun(LoadRun run) =>
        (run.IsRatesRunAnyTopology || run.IsFindMax) && IsStandard(run) && !run.IsStoreRttRun;

    /// <summary>The run at a selected path (one read while selecting, or a --load run read now); null for no path.</summary>
    public LoadRun? Run(string? path) =>
        path is null ? null : ReadRuns.Where(r => r.Path == path).Select(r => r.Run).FirstOrDefault() ?? LoadRun.Read(path);

    /// <summary>Every complete run under <paramref name="loadRoot"/> with its results.json path, oldest first.</summary>
    public static IReadOnlyList<(string Path, LoadRun Run)> Complete(string loadRoot) =>
        !Directory.Exists(loadRoot) ? []
        : [.. Directory.GetDirectories(loadRoot)
            .Select(d => Path.Combine(d, "results.json"))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .Select(p => (Path: p, Run: LoadRun.Read(p)))
            .Where(r => r.Run.Status == "complete")];

    /// <summary>
    /// Every run under <paramref name="loadRoot"/> whose status is not complete (interrupted, failed, still running), oldest
    /// first: no section compares them; the banner of an unfinished job lists those of its phases. A results.json that
    /// does not read (cut short) is left out.
    /// </summary>
    public static IReadOnlyList<LoadRun> NotComplete(string loadRoot)
    {
        if (!Directory.Exists(loadRoot))
        {
            return [];
        }
        var runs = new List<LoadRun>();
        foreach (var path in Directory.GetDirectories(loadRoot).Select(d => Path.Combine(d, "results.json")).Where(File.Exists).Order(StringComparer.Ordinal))
        {
            try
            {
                if (LoadRun.Read(path) is { Status: not "complete" } run)
                {
                    runs.Add(run);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // A file cut short by the interruption: nothing in it can be listed.
            }
        }
        return runs;
    }

    /// <summary>The newest run of a kind, or null.</summary>
    public static (string Path, LoadRun Run)? Newest(IReadOnlyList<(string Path, LoadRun Run)> runs, Func<LoadRun, bool> kind) =>
        runs.LastOrDefault(r => kind(r.Run)) is { Run: not null } found ? found : null;

    /// <summary>A run that compares the instrument, not the arms: driven through --target, or with --api-metrics.</summary>
    public static bool IsInstrumentRun(LoadRun run) => run.Results.Settings.Target is not null || run.Results.Settings.ApiMetrics is not null;

    /// <summary>A fixed-rate run with every API spin-free (<see cref="LoadRun.IsSpinFree"/>).</summary>
    public static bool IsSpinFreeRates(LoadRun run) => run.IsRatesRun && run.IsSpinFree;

    /// <summary>A fixed-rate run as shipped, the runtime's own spinning (<see cref="LoadRun.IsAsShipped"/>).</summary>
    public static bool IsAsShippedRates(LoadRun run) => run.IsRatesRun && run.IsAsShipped;

    /// <summary>A run at the standard claim profile and endpoint (<see cref="StandardClaims"/>, <see cref="StandardEndpoint"/>).</summary>
    public static bool IsStandard(LoadRun run) =>
        run.Results.Settings.Claims == StandardClaims && run.Results.Settings.Endpoint == StandardEndpoint;

    /// <summary>"large claims, /api/items": a run's configuration as the report names it.</summary>
    public static string Configuration(LoadRun run) => $"{run.Results.Settings.Claims} claims, {run.Results.Settings.Endpoint}";

    /// <summary>A store-outage run (<c>--fault store-outage@…</c>) with fault records.</summary>
    public static bool IsOutageRun(LoadRun run) =>
        run.Results.Settings.Fault is { } fault && fault.StartsWith("store-outage", StringComparison.Ordinal) && run.Results.Trials.Any(t => t.Fault is not null);

    /// <summary>A fixed-rate run whose trials spoke more than one wire (<c>--http 1.1,2-never-indexed,2-indexed</c>): the HTTP/2 section's.</summary>
    public static bool IsHttp2Run(LoadRun run) =>
        run.IsEdgeRun && !run.IsFindMax && !run.IsSlo && !run.IsRefresh && !run.IsFanout && run.Results.Trials.Select(t => t.Http).OfType<string>().Distinct().Count() > 1;

    /// <summary>An SLO search that recorded capacities.</summary>
    public static bool IsSloRun(LoadRun run) => run.IsSlo && run.Results.Slo.Count > 0;

    /// <summary>The spin-free fixed-rate run: the load run where it is one (it stands for its setting), else the one found beside it, or null.</summary>
    public static LoadRun? SpinFreeRun(ReportInputs inputs) => inputs.Load is { IsSpinFree: true } load ? load : inputs.SpinFree;

    /// <summary>The as-shipped fixed-rate run: the load run where it is one (it stands for its setting), else the one found beside it, or null.</summary>
    public static LoadRun? AsShippedRun(ReportInputs inputs) => inputs.Load is { IsAsShipped: true } load ? load : inputs.AsShipped;

    /// <summary>
    /// The fixed-rate runs the report uses, each once: spin-free first, then as shipped; the load run first where it is
    /// neither (another spin limit given with --load, or a test's inputs).
    /// </summary>
    public static IReadOnlyList<LoadRun> FixedRate(ReportInputs inputs)
    {
        List<LoadRun> runs = [.. new[] { SpinFreeRun(inputs), AsShippedRun(inputs) }.OfType<LoadRun>()];
        if (inputs.Load is { } load && !runs.Any(r => r.Directory == load.Directory))
        {
            runs.Insert(0, load);
        }
        return runs;
    }

    /// <summary>The runtime setting the load tool's --spin-limit sets.</summary>
    public const string SpinLimitVariable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    /// <summary>How a fixed-rate run's APIs ran their thread pool, in words, with the setting as results.json records it.</summary>
    public static string SpinName(LoadRun run) =>
        run.IsSpinFree ? $"spin-free (`{SpinLimitVariable}={run.SpinLimit}` in every API process: idle workers sleep at once)"
        : run.IsAsShipped ? $"as shipped (`{SpinLimitVariable}` not set: the runtime's own spinning)"
        : $"with `{SpinLimitVariable}={run.SpinLimit}`";

    /// <summary>One sentence saying which fixed-rate run the load tables show and why, and where the others are; "" without a load run.</summary>
    public static string LoadRunChoice(ReportInputs inputs, Func<string, string> relative)
    {
        if (inputs.Load is not { } load)
        {
            return "";
        }
        var shown = $"These tables come from {ReportContext.RunLink(load, relative)}, APIs {SpinName(load)}";
        var others = FixedRate(inputs).Where(r => r.Directory != load.Directory).ToList();
        if (others.Count == 0)
        {
            return shown + ".";
        }
        var beside = others.Select(o => load.IsSpinFree && o.IsAsShipped
            ? $"preferred to the as-shipped run {ReportContext.RunLink(o, relative)} because idle spinning inflates CPU per request at fixed rates"
            : $"the newest run whose APIs ran {SpinName(o)}, {ReportContext.RunLink(o, relative)}, is not shown here");
        return $"{shown}; {string.Join("; ", beside)}. Every fixed-rate run appears under [Generator](#generator); the spin-free and the "
            + "as-shipped one are set side by side under [CPU reconciliation](#cpu-reconciliation).";
    }
}
