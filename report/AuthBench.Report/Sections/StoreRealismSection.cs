using System.Globalization;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// Store realism (issue 12, item 2): the store's work per request against the number of client connections it serves
/// (the newest run made with <c>--store-connections</c>), and against its topology (standalone, a primary with the AOF
/// and a replica, a cluster of three primaries: the newest run of each topology). Medians over repetitions with 95 %
/// bootstrap intervals; a difference whose interval contains 0 reads "no measurable difference". Overloaded trials are
/// left out and counted.
/// </summary>
public sealed class StoreRealismSection : IReportSection
{
    /// <summary>The topology names of results.json (settings.store_topology, trials[].store_topology).</summary>
    public const string Standalone = "standalone";
    public const string ReplicaAof = "replica-aof";
    public const string Cluster3 = "cluster-3";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Heading => "## Store realism";

    public void Write(ReportContext report)
    {
        var connections = report.Inputs.StoreConnections;
        var topologies = report.Inputs.StoreTopologies ?? [];
        if (connections is null && topologies.Count == 0)
        {
            report.Line("_No store-realism run found (a complete run made with `--store-connections`, or with `--store redis-replica` or `--store redis-cluster`, under load/)._");
            report.Line();
            return;
        }
        report.Line("Store CPU is the store processes' user + system time (Redis INFO `used_cpu_*`) over the requests answered; commands leave out the probe's own "
            + "housekeeping (INFO, PING, CLIENT, CLUSTER…); bytes are the store's network input plus output, the probe's INFO replies taken out. "
            + $"CPU cells are the median over repetitions with its {ReportContext.Percent(Bootstrap.Level)} bootstrap interval and `n` repetitions; Δ cells are "
            + "differences of medians with theirs (the method is under [Headline](#headline)), **no measurable difference** where the interval contains zero; "
            + "commands and bytes are medians with the range. "
            + $"Trials with more than {ReportContext.Percent(Trial.OverloadShare)} of their requests late or dropped are overloaded and left out.");
        report.Line();
        if (connections is not null)
        {
            WriteConnections(report, connections);
        }
        if (topologies.Count > 0)
        {
            WriteTopologies(report, connections, topologies);
        }
    }

    private static void WriteConnections(ReportContext report, LoadRun run)
    {
        var counts = run.Results.Settings.StoreConnections ?? [];
        var baseCount = counts.Count > 0 ? counts.Min() : 1;
        report.Line($"### Store connections");
        report.Line();
        report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`): the same arms at the same rate, once per count of "
            + "store multiplexers in the API (`--store-connections`), the APIs restarted between counts. The arms' own store commands take the connections in "
            + "turn; a library that takes one multiplexer (FusionCache's near caches and their backplane) uses the first, and the ticket store holds one "
            + "IDistributedCache per multiplexer. "
            + $"Δ is against the same arm over {baseCount.ToString(Inv)} connection(s) in the same run.");
        report.Line();
        report.Line("| arm | rate (req/s) | connections | store CPU µs / request | Δ store CPU | commands / request | bytes / request | trials (overloaded) |");
        report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var recorded = Recorded(run).Where(t => t.Result.Store is not null).ToList();
        foreach (var label in ArmCatalogue.OrderLabels(recorded.Select(t => t.Result.Label).Distinct()))
        {
            foreach (var rate in recorded.Where(t => t.Result.Label == label).Select(t => t.Trial.TargetRps).Distinct().Order())
            {
                var of = recorded.Where(t => t.Result.Label == label && t.Trial.TargetRps == rate).ToList();
                var baseline = Fit(of.Where(t => (t.Result.StoreConnections ?? 1) == baseCount)).Select(t => t.Result.Store!.CpuUsPerRequest).ToList();
                foreach (var count in of.Select(t => t.Result.StoreConnections ?? 1).Distinct().Order())
                {
                    var at = of.Where(t => (t.Result.StoreConnections ?? 1) == count).ToList();
                    var ok = Fit(at);
                    var cpu = ok.Select(t => t.Result.Store!.CpuUsPerRequest).ToList();
                    var delta = count == baseCount ? "–" : Bootstrap.OfMedians(cpu, baseline).Show(2);
                    report.Line($"| `{label}` | {ReportContext.Rate(rate)} | {count.ToString(Inv)} | {WithInterval(cpu)} | {delta} "
                        + $"| {Median(ok.Select(t => t.Result.Store!.CommandsPerRequest), 2)} | {Median(ok.Select(t => t.Result.Store!.BytesPerRequest), 0)} "
                        + $"| {Counted(at)} |");
                }
            }
        }
        report.Line();
    }

    private static void WriteTopologies(ReportContext report, LoadRun? connections, IReadOnlyList<LoadRun> topologies)
    {
        report.Line("### Store topology");
        report.Line();
        var standalone = topologies.FirstOrDefault(r => TopologyOf(r) == Standalone);
        var links = string.Join("; ", topologies.Select(r => $"{TopologyOf(r)}: {report.RunLink(r)} (command: `{r.Results.Environment.CommandLine ?? ""}`)"));
        var standaloneFrom = standalone is not null ? "its own run"
            : connections is not null ? $"the single-connection trials of {report.RunLink(connections)}"
            : "no run (no standalone figures)";
        report.Line($"From {links}. `{ReplicaAof}`: one primary with `appendonly yes`, `appendfsync everysec`, and one replica (`replicaof`), both "
            + $"redis-server on loopback, the API connected to the primary; `{Cluster3}`: three redis-server primaries in cluster mode, all slots assigned, the "
            + "API connected to all three (StackExchange.Redis routes each key to its slot's node). The primary's and the cluster's figures are sums over their "
            + $"primaries; the replica's CPU and bytes are the replication stream's cost on the replica. Standalone figures come from {standaloneFrom}. "
            + "Runs of different topologies are separate runs: their Δ compares repetitions taken at different times.");
        report.Line();
        report.Line("| arm | rate (req/s) | topology | store CPU µs / request (primaries) | Δ against standalone | replica CPU µs / request | commands / request | bytes / request (primaries) | trials (overloaded) |");
        report.Line("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var rows = new List<(string Topology, List<(Trial Trial, TrialResult Result)> Trials)>();
        if (standalone is not null)
        {
            rows.Add((Standalone, Recorded(standalone).ToList()));
        }
        else if (connections is not null)
        {
            var least = (connections.Results.Settings.StoreConnections ?? [1]).Min();
            rows.Add((Standalone, [.. Recorded(connections).Where(t => (t.Result.StoreConnections ?? 1) == least)]));
        }
        foreach (var topology in new[] { ReplicaAof, Cluster3 })
        {
            if (topologies.LastOrDefault(r => TopologyOf(r) == topology) is { } run)
            {
                rows.Add((topology, Recorded(run).ToList()));
            }
        }
        var all = rows.SelectMany(r => r.Trials).Where(t => t.Result.Store is not null).ToList();
        foreach (var label in ArmCatalogue.OrderLabels(all.Select(t => t.Result.Label).Distinct()))
        {
            foreach (var rate in all.Where(t => t.Result.Label == label).Select(t => t.Trial.TargetRps).Distinct().Order())
            {
                List<double>? baseline = null;
                foreach (var (topology, trials) in rows)
                {
                    var at = trials.Where(t => t.Result.Label == label && t.Trial.TargetRps == rate && t.Result.Store is not null).ToList();
                    if (at.Count == 0)
                    {
                        continue;
                    }
                    var ok = Fit(at);
                    var cpu = ok.Select(t => t.Result.Store!.CpuUsPerRequest).ToList();
                    baseline ??= topology == Standalone ? cpu : null;
                    var delta = topology == Standalone || baseline is null ? "–" : Bootstrap.OfMedians(cpu, baseline).Show(2);
                    var replica = ok.SelectMany(t => t.Result.StoreNodes?.Where(n => n.Role == "replica") ?? []).Select(n => n.CpuUsPerRequest).ToList();
                    report.Line($"| `{label}` | {ReportContext.Rate(rate)} | {topology} | {WithInterval(cpu)} | {delta} "
                        + $"| {(replica.Count == 0 ? "–" : WithInterval(replica))} | {Median(ok.Select(t => t.Result.Store!.CommandsPerRequest), 2)} "
                        + $"| {Median(ok.Select(t => t.Result.Store!.BytesPerRequest), 0)} | {Counted(at)} |");
                }
            }
        }
        report.Line();
    }

    /// <summary>A run's store topology as results.json records it; "standalone" for runs written before it was recorded.</summary>
    public static string TopologyOf(LoadRun run) => run.Results.Settings.StoreTopology ?? Standalone;

    /// <summary>A run this section shows and the fixed-rate tables do not: a connection-count run, or a replicated or clustered store.</summary>
    public static bool IsStoreRealismRun(LoadRun run) =>
        run.Results.Settings.StoreConnections is not null || TopologyOf(run) is ReplicaAof or Cluster3;

    private static IEnumerable<(Trial Trial, TrialResult Result)> Recorded(LoadRun run) =>
        run.Results.Trials.Select(t => (Trial.From(t), t));

    private static List<(Trial Trial, TrialResult Result)> Fit(IEnumerable<(Trial Trial, TrialResult Result)> trials) =>
        [.. trials.Where(t => !t.Trial.Overloaded)];

    private static string Counted(IReadOnlyCollection<(Trial Trial, TrialResult Result)> trials) =>
        $"{trials.Count.ToString(Inv)} ({trials.Count(t => t.Trial.Overloaded).ToString(Inv)})";

    private static string Median(IEnumerable<double> values, int decimals) => Spread.Of(values).Show(decimals);

    /// <summary>"21.00 [20.00, 22.00] n = 3": the median with its bootstrap interval over its own repetitions.</summary>
    private static string WithInterval(IReadOnlyCollection<double> values)
    {
        var d = Bootstrap.OfMedian(values);
        return values.Count == 0 ? "–"
            : values.Count < 2 || double.IsNaN(d.Low) ? $"{LoadRun.Format(d.Estimate, 2)} (no interval: n = {values.Count.ToString(Inv)})"
            : $"{LoadRun.Format(d.Estimate, 2)} {d.Interval(2)} n = {values.Count.ToString(Inv)}";
    }
}
