using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthBench.Contracts.Results;

// results.json: the one contract between the load tool (its writer) and every reader (the report, its checks, the
// cross-check script). Add fields, never rename them; a breaking change bumps SchemaVersion. Property names become
// snake_case (LatencyUs → latency_us) through ResultsJsonContext.

/// <summary>The whole run: written after every trial, so an interrupted run keeps what it measured.</summary>
public sealed class RunResults
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>
    /// The mode of a run whose requests are <c>POST /auth/refresh</c> themselves (the load tool's --refresh-only): its
    /// per-request figures are per refresh, and no reader compares them with API requests.
    /// </summary>
    public const string RefreshMode = "refresh";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>running, complete, interrupted or failed.</summary>
    public string Status { get; set; } = "running";

    public string? Error { get; set; }

    public required string Mode { get; init; }

    public DateTimeOffset StartedUtc { get; init; }

    public DateTimeOffset? FinishedUtc { get; set; }

    public required RunSettings Settings { get; set; }

    public required EnvironmentInfo Environment { get; init; }

    /// <summary>Probes that could not run, with the reason (e.g. process probes in --target mode).</summary>
    public List<string> SkippedProbes { get; set; } = [];

    public List<ArmInfo> Arms { get; set; } = [];

    public List<TrialResult> Trials { get; set; } = [];

    /// <summary>The HdrHistogram files of this run, so that readers find them by arm and rate, never by file name.</summary>
    public List<HistogramFiles> Histograms { get; set; } = [];

    /// <summary>
    /// SLO capacities (mode "slo"): per arm and p99 target, the highest open-loop rate that met it. Its steps are also
    /// in <see cref="Trials"/> (key "slo").
    /// </summary>
    public List<SloCapacity> Slo { get; set; } = [];
}

/// <summary>
/// The SLO capacity of one arm for one p99 target: a bisection between 0 and the arm's saturation rate (a closed-loop
/// trial measured first in the same run). A step passes when its p99 latency (from the intended send time) is under the
/// target, its late and dropped starts together are under <see cref="MaxLateFraction"/> of the schedule, and nothing
/// failed. <see cref="CapacityRps"/> is the highest passing rate (null: none passed), <see cref="LowestFailingRps"/> the
/// lowest failing one (null: none failed, the capacity is the saturation rate's bracket); the truth lies between them.
/// </summary>
/// <param name="ApiCores">CPUs in the API's set (its whole machine's when isolation is off).</param>
public sealed record SloCapacity(
    string Label,
    double P99TargetMs,
    double MaxLateFraction,
    double SaturationRps,
    double? CapacityRps,
    double? LowestFailingRps,
    int ApiCores,
    double? CapacityRpsPerApiCore,
    IReadOnlyList<SloStep> Steps,
    string? Note = null);

/// <summary>One step of an SLO bisection: one recorded open-loop trial (its full record is trials[] at <see cref="Sequence"/>).</summary>
/// <param name="LateFraction">Late plus dropped starts over the requests scheduled.</param>
/// <param name="Reason">"pass", or what failed: "p99", "late", "errors".</param>
public sealed record SloStep(
    int Sequence,
    double TargetRps,
    double AchievedRps,
    long P99Us,
    double LateFraction,
    long Dropped,
    long Errors,
    bool Pass,
    string Reason,
    double? ServerCpuUsPerRequest,
    double? ApiCpuBusy);

/// <summary>
/// The latency and service-time histograms (HdrHistogram percentile files, microseconds) that merge every recorded
/// repetition of one arm at one rate; paths are relative to the run folder.
/// </summary>
public sealed record HistogramFiles(string Label, double? TargetRps, string Key, string LatencyFile, string ServiceTimeFile);

public sealed record RunSettings(
    IReadOnlyList<string> Arms,
    IReadOnlyList<string> Alg,
    string Claims,
    string Endpoint,
    IReadOnlyList<double> Rates,
    bool FindMax,
    int Connections,
    int MaxInFlight,
    double DurationS,
    double WarmupS,
    int Repeat,
    int Users,
    string Store,
    string? Target,
    bool Quick,
    string? Fault,
    double? SoakS,
    double LateThresholdMs,
    string? Order = null,
    int? Seed = null,
    string? SpinLimit = null,
    IReadOnlyList<double>? SloP99Ms = null,
    double? SloMaxLateFraction = null,
    int? SloSteps = null,
    long? TimerSlackNs = null,
    string? Pacing = null,
    string? Window = null,
    double? TokenLifetimeS = null,
    IReadOnlyList<double>? StoreRttMs = null,
    string? Http = null,
    int? UsersPerConnection = null,
    int? StreamsPerConnection = null,
    IReadOnlyList<int>? StoreConnections = null,
    string? StoreTopology = null,
    IReadOnlyList<int>? Instances = null,
    string? Balancer = null,
    string? MetricsUrl = null,
    string? ApiMetrics = null,
    string? UsersPerConnectionList = null);

public sealed class EnvironmentInfo
{
    public string? CpuModel { get; init; }
    public int Cores { get; init; }
    public string? Os { get; init; }
    public string? Kernel { get; init; }
    public string? DotnetRuntime { get; init; }
    public string? ApiGcMode { get; init; }
    public string? LoadgenGcMode { get; init; }
    public SortedDictionary<string, string> Packages { get; init; } = new(StringComparer.Ordinal);
    public StoreInfo? Store { get; set; }
    public string? GitCommit { get; init; }
    public string? CommandLine { get; init; }
    public string Transport { get; init; } = "HTTP/1.1 keep-alive over loopback TCP, no TLS";
    public string? Machine { get; init; }
    /// <summary>CPU sets asked for and read back, and whether idle APIs were stopped; null in files written before it existed.</summary>
    public IsolationInfo? Isolation { get; set; }

    /// <summary>How the generator's pacing thread was scheduled, as run (settings.pacing is what was asked).</summary>
    public string? PacingEffective { get; set; }

    /// <summary>--store-rtt: the delaying relay between API and store (where it forwards, how its release thread ran); null: direct.</summary>
    public string? StoreRelay { get; set; }
}

/// <summary>
/// Where the processes of a run could execute: CPU sets as asked (canonical kernel lists such as "0" or "0-1") and
/// each process's Cpus_allowed_list as read back from /proc after pinning.
/// </summary>
public sealed class IsolationInfo
{
    public bool Enabled { get; init; }
    /// <summary>True when asked for with --api-cpus/--loadgen-cpus (false: the default).</summary>
    public bool Explicit { get; init; }
    /// <summary>Why isolation is off, or what it could not do.</summary>
    public string? Note { get; set; }
    public string? Method { get; init; }
    public string? OnlineCpus { get; init; }
    public string? ApiCpus { get; init; }
    public string? LoadgenCpus { get; init; }
    public string? StoreCpus { get; init; }
    /// <summary>True when every API but the one under test was stopped (SIGSTOP) during each trial.</summary>
    public bool IdleApisStopped { get; set; }
    public string? IdleApisNote { get; set; }
    /// <summary>
    /// The GC the API processes actually run, from their thread names (".NET Server GC" threads, one per heap): an API
    /// started on one CPU falls back to workstation GC whatever its runtimeconfig says (environment.api_gc_mode).
    /// </summary>
    public string? ApiGcEffective { get; set; }
    /// <summary>Every pinning, in order (a store restarted by a fault is pinned again and listed again).</summary>
    public List<PinnedProcess> Processes { get; init; } = [];
}

/// <summary>
/// One process as pinned: <see cref="CpusAllowedList"/> holds the distinct Cpus_allowed_list values over its
/// <see cref="Threads"/> threads (one value equal to <see cref="Asked"/> when every thread is pinned).
/// </summary>
/// <param name="ServerGcThreads">For an API: its ".NET Server GC" threads when pinned (0: workstation GC).</param>
public sealed record PinnedProcess(string Role, string Name, int? Pid, string? Asked, bool Pinned, IReadOnlyList<string> CpusAllowedList, int Threads,
    string? Note, DateTimeOffset AtUtc, int? ServerGcThreads = null);

/// <summary>
/// CPU use over one trial from /proc/stat (busy = user+nice+system+irq+softirq+steal over the total, steal alone) and
/// the load tool's own CPU time; fractions from 0 to 1.
/// </summary>
/// <param name="ApiCpuBusy">Busy fraction of the API's CPU set (null when isolation is off).</param>
/// <param name="LoadgenCpusBusy">Busy fraction of the generator's and store's CPU set (null when isolation is off).</param>
/// <param name="LoadgenProcessCores">The load tool's CPU seconds per second of the trial.</param>
/// <param name="LoadgenProcessShare">The same over the CPUs of its set (all online CPUs when isolation is off).</param>
/// <param name="Steal">Steal over the total of every online CPU.</param>
/// <param name="PerCpu">Per CPU ("cpu0"): its busy and steal fractions.</param>
/// <param name="ApiProcessCores">
/// The API process's own CPU seconds per second of the trial (null in --target mode): against <paramref name="ApiCpuBusy"/>
/// it shows how much of the API set's busy time was the API's (the rest: the kernel, or processes that are not ours).
/// </param>
public sealed record TrialCpu(double? ApiCpuBusy, double? ApiCpuSteal, double? LoadgenCpusBusy, double? LoadgenCpusSteal, double LoadgenProcessCores,
    double LoadgenProcessShare, double? Steal, IReadOnlyDictionary<string, CpuShare> PerCpu, double? ApiProcessCores = null);

public sealed record CpuShare(double Busy, double Steal);

public sealed record StoreInfo(string Kind, string Version, string Topology, string Endpoint, string Description);

/// <summary>One API process as it announced itself, and its credential size.</summary>
/// <param name="Fanout">Set when the arm ran as a fan-out chain: its trials' server CPU is summed over every service of the chain.</param>
public sealed record ArmInfo(string Arm, string? Alg, string? Claims, string Label, string Url, int? Pid, string ReadyLine, double CredentialHeaderBytes,
    FanoutInfo? Fanout = null);

/// <summary>
/// A fan-out chain (issue 11, item 7): <paramref name="Services"/> processes of the arm's API (1 = the edge alone), each
/// calling the next on <c>/api/chain</c>; <paramref name="Mode"/> is per-service or edge-token (AuthBench.Contracts.Fanout);
/// <paramref name="Pids"/> the edge first.
/// </summary>
public sealed record FanoutInfo(int Services, string Mode, IReadOnlyList<int> Pids);

public sealed record Percentiles(long P50, long P90, long P99, long P999, long P9999, long Max, double Mean);

public sealed record BytesPerRequest(double Sent, double Received);

public sealed record StoreCostResult(double CommandsPerRequest, double UsecPerRequest, double CpuUsPerRequest, double BytesPerRequest, IReadOnlyDictionary<string, double> Commands);

/// <summary>
/// A store outage inside one trial. Times "since restart" run from the end of the store's restart; times "after stop"
/// from the end of its stop.
/// </summary>
/// <param name="AcceptedDuringOutage">2xx answers to requests sent after the stop and answered before the restart began.</param>
/// <param name="TimeToRecoverMs">First 2xx after the restart, since the restart.</param>
/// <param name="TimeToFirstNon503Ms">First answer after the restart that is not a 503, since the restart.</param>
/// <param name="TimeTo503Ms">First 503 to a request sent after the stop, since the stop: how fast the arm fails closed.</param>
/// <param name="LastAcceptedAfterStopMs">Send time of the last request accepted during the outage, since the stop: how long the arm served from what it held (a near cache's lease); null when it accepted none.</param>
public sealed record FaultResult(
    string Kind,
    double StartS,
    double LengthS,
    long AcceptedDuringOutage,
    double? TimeToRecoverMs,
    double? TimeToFirstNon503Ms,
    double? StoreStoppedAtS,
    double? StoreRestartedAtS,
    IReadOnlyList<IReadOnlyDictionary<string, long>> OutcomesPerSecond,
    double? TimeTo503Ms = null,
    double? LastAcceptedAfterStopMs = null);

/// <summary>
/// The revocation or staleness window one trial measured (<c>--window</c>). Delays run from the moment the API answered
/// the revocation or plan change (the earliest moment a client knows it is done), in ms and in units of the arm's
/// credential lifetime where one applies.
/// </summary>
/// <param name="Kind">"revocation" or "staleness".</param>
/// <param name="StartS">When the change was asked for, in seconds after the trial's origin.</param>
/// <param name="PoolUsers">Users in the pool: the engine sends each user's requests in turn.</param>
/// <param name="UserRequestIntervalMs">Time between two requests of one user at the trial's rate (pool users over rate): the revocation window's resolution.</param>
/// <param name="LifetimeKind">
/// What the lifetime units are: "token" (the JWT's lifetime), "access-token" (the refreshed arm's access token),
/// "near-cache-ttl" (how long a cached arm keeps an entry in memory); null when the arm's credential lifetime is its own
/// (not set by the load tool) or it has none.
/// </param>
/// <param name="LifetimeS">That lifetime in seconds; null with <paramref name="LifetimeKind"/>.</param>
/// <param name="Revocation">Per revocation method, "logout" then "admin"; null for a staleness window.</param>
/// <param name="Staleness">The plan change; null for a revocation window.</param>
public sealed record WindowResult(
    string Kind,
    double StartS,
    int PoolUsers,
    double? UserRequestIntervalMs,
    string? LifetimeKind,
    double? LifetimeS,
    IReadOnlyList<RevocationMethodResult>? Revocation,
    StalenessResult? Staleness);

/// <summary>
/// What one revocation method did to the requests of the users it revoked. Those users keep sending the credential
/// they held when they were revoked (the load tool neither renews it nor logs them in again), as a stolen one would be.
/// </summary>
/// <param name="Method">"logout" (<c>POST /auth/logout</c> with the user's own credential) or "admin" (<c>POST /admin/users/{sub}/revoke</c>).</param>
/// <param name="Users">Users revoked by this method.</param>
/// <param name="Acknowledged">Of them, revocations the API answered with a 2xx.</param>
/// <param name="LongestCallMs">The slowest revocation call, send to answer.</param>
/// <param name="SentAfter">Requests of those users sent after their revocation was answered.</param>
/// <param name="Accepted">Of them, answered 2xx.</param>
/// <param name="Rejected">Of them, answered 401 or 403.</param>
/// <param name="Other">Of them, any other status or no answer.</param>
/// <param name="LongestAcceptedMs">The latest send time of an accepted request after its user's revocation; null when none was accepted.</param>
/// <param name="FirstRejectionMs">Per user the first rejected request's send time after the revocation, the slowest user's; null when some user was never rejected.</param>
/// <param name="UsersAcceptedAtEnd">Users whose last request of the trial was still accepted: the revocation had not taken effect by the trial's end.</param>
/// <param name="LongestAcceptedLifetimes"><paramref name="LongestAcceptedMs"/> in units of the window's lifetime.</param>
/// <param name="FirstRejectionLifetimes"><paramref name="FirstRejectionMs"/> in units of the window's lifetime.</param>
public sealed record RevocationMethodResult(
    string Method,
    int Users,
    int Acknowledged,
    double? LongestCallMs,
    long SentAfter,
    long Accepted,
    long Rejected,
    long Other,
    double? LongestAcceptedMs,
    double? FirstRejectionMs,
    int UsersAcceptedAtEnd,
    double? LongestAcceptedLifetimes,
    double? FirstRejectionLifetimes);

/// <summary>
/// A plan change and how long <c>GET /api/me</c> went on showing the old plan. A probe loop beside the load sends one
/// request per changed user every <paramref name="ProbeIntervalMs"/> with the credential the user holds at that moment
/// (renewed as a real client's would be), from the change's answer until the new plan shows or the trial ends.
/// </summary>
/// <param name="Users">Users whose plan was changed.</param>
/// <param name="Acknowledged">Of them, changes the API answered with a 2xx.</param>
/// <param name="LongestCallMs">The slowest plan-change call, send to answer.</param>
/// <param name="Probes">Probe requests sent after the changes were answered.</param>
/// <param name="ProbeErrors">Of them, answered with anything but a 2xx, or not at all.</param>
/// <param name="UsersSeen">Users for whom a probe showed the new plan before the trial ended.</param>
/// <param name="VisibleAfterMs">Per user the send time of the first 2xx probe showing the new plan, the slowest user's; null when some user never saw it.</param>
/// <param name="LastStaleMs">The latest send time of a 2xx probe that still showed the old plan; null when none did.</param>
/// <param name="VisibleAfterLifetimes"><paramref name="VisibleAfterMs"/> in units of the window's lifetime.</param>
/// <param name="ObservedForMs">How long after the change the probes ran (to the trial's end or the new plan): a lower bound of the window when it was not seen.</param>
public sealed record StalenessResult(
    int Users,
    int Acknowledged,
    double? LongestCallMs,
    double ProbeIntervalMs,
    long Probes,
    long ProbeErrors,
    int UsersSeen,
    double? VisibleAfterMs,
    double? LastStaleMs,
    double? VisibleAfterLifetimes,
    double? ObservedForMs);

public sealed class TrialResult
{
    public required string Arm { get; init; }
    public string? Alg { get; init; }
    public string? Claims { get; init; }
    public required string Label { get; init; }
    public required string Endpoint { get; init; }
    /// <summary>The open-loop rate; null for --find-max (closed loop).</summary>
    public double? TargetRps { get; init; }
    public int Repetition { get; init; }
    public double DurationS { get; init; }
    public double AchievedRps { get; init; }
    /// <summary>Requests started (sent or attempted); dropped ones are not among them.</summary>
    public long Requests { get; init; }
    public long Responses { get; init; }
    /// <summary>Non-2xx statuses ("http_503") and transport failures ("connection_refused", "no_answer") by kind.</summary>
    public IReadOnlyDictionary<string, long> Errors { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> StatusCodes { get; init; } = new Dictionary<string, long>();
    public long Late { get; init; }
    public long Dropped { get; init; }
    public required Percentiles LatencyUs { get; init; }
    public required Percentiles ServiceTimeUs { get; init; }
    /// <summary>
    /// The generator's own delay: actual send minus intended send time, per request (open loop only; null in a closed
    /// loop, where a request is sent when the previous answer arrives). Latency includes it; service time does not.
    /// </summary>
    public Percentiles? DispatchDelayUs { get; init; }
    public required BytesPerRequest BytesPerRequest { get; init; }
    public double? ServerCpuUsPerRequest { get; init; }
    public double? ServerPeakRssMb { get; init; }
    public double? LoadgenCpuUsPerRequest { get; init; }
    public StoreCostResult? Store { get; init; }
    public FaultResult? Fault { get; init; }
    /// <summary>Soak mode: the minute of the arm's soak this trial is, and the API's RSS at its end.</summary>
    public int? SoakMinute { get; init; }
    public double? ServerRssMb { get; init; }
    public DateTimeOffset StartedUtc { get; init; }
    /// <summary>The trial's place in the run's order, from 1, warm-ups included (they are not recorded: gaps are theirs).</summary>
    public int? Sequence { get; init; }
    public TrialCpu? Cpu { get; init; }
    /// <summary>
    /// The refreshes of an arm with a refresh endpoint during the trial (null for other arms, and in files written
    /// before it existed): the client's background refreshes beside the API requests, or in a refresh-only run the
    /// trial's own requests as the client saw them.
    /// </summary>
    public RefreshResult? Refreshes { get; init; }

    /// <summary>The revocation or staleness window of this trial (<c>--window</c>); null in other runs and in files written before it existed.</summary>
    public WindowResult? Window { get; init; }

    /// <summary>--store-rtt: the round trip the delaying relay added between API and store, and its accuracy; null: direct.</summary>
    public StoreRelayResult? StoreRelay { get; init; }

    /// <summary>--store-connections: the API's store multiplexers in this trial; null: one (files written before it existed).</summary>
    public int? StoreConnections { get; init; }

    /// <summary>The store's topology ("standalone", "replica-aof", "cluster-3"); null: standalone.</summary>
    public string? StoreTopology { get; init; }

    /// <summary>Per store node (role "primary" or "replica"); <see cref="Store"/> stays the sum over primaries. Null: one standalone node.</summary>
    public IReadOnlyList<StoreNodeCost>? StoreNodes { get; init; }

    /// <summary>--instances: API servers behind the balancer (ServerCpuUsPerRequest is then their sum); null: one, no balancer.</summary>
    public int? Instances { get; init; }

    /// <summary>The balancer's CPU per request; null: no balancer.</summary>
    public double? BalancerCpuUsPerRequest { get; init; }

    /// <summary>Where ServerCpuUsPerRequest came from: "proc" (a process the run started) or "metrics" (the API's metrics endpoint); null: proc.</summary>
    public string? ServerCpuSource { get; init; }

    /// <summary>--instances: the responses the balancer counted from each server in this trial, in server order (its statistics page); null without one.</summary>
    public IReadOnlyList<long>? InstanceResponses { get; init; }

    /// <summary>
    /// The trial's requests of the measured endpoint as the API itself counted them (its metrics endpoint); null when
    /// it has none. Beside <see cref="Responses"/> it cross-checks the two counts (more than 1 % apart is flagged).
    /// </summary>
    public long? ServerRequests { get; init; }

    /// <summary>The wire of this trial ("1.1", "2-never-indexed", "2-indexed"); null in files from before: settings.http.</summary>
    public string? Http { get; init; }

    /// <summary>Users per TCP connection in this trial (1: a browser); null: all (a gateway), or in a file without <see cref="Http"/> settings.users_per_connection.</summary>
    public int? UsersPerConnection { get; init; }

    /// <summary>
    /// The credential header's share of <see cref="BytesPerRequest"/>.Sent: HTTP/1.1 its header line with CRLF; HTTP/2
    /// its HPACK representation in the header block (a never-indexed literal, or after the first request a 1-2 byte
    /// index when the dynamic table still holds it). Null in files from before.
    /// </summary>
    public double? CredentialBytesPerRequest { get; init; }
}

/// <summary>The wires a trial can speak, as results.json names them (settings.http, trials[].http); the load tool's --http takes the same names.</summary>
public static class HttpWireNames
{
    /// <summary>HTTP/1.1 keep-alive: the credential's header line travels whole on every request.</summary>
    public const string Http11 = "1.1";

    /// <summary>HTTP/2 (h2c), the credential as a never-indexed HPACK literal (Huffman-coded when shorter), as nghttp2 sends authorization.</summary>
    public const string Http2NeverIndexed = "2-never-indexed";

    /// <summary>HTTP/2 (h2c), the credential added to the HPACK dynamic table: a repeat on the same connection costs an index.</summary>
    public const string Http2Indexed = "2-indexed";

    /// <summary>In report order.</summary>
    public static readonly IReadOnlyList<string> All = [Http11, Http2NeverIndexed, Http2Indexed];
}

/// <summary>One store node's work per request in a trial: its role ("primary" or "replica"), CPU, commands and network bytes.</summary>
public sealed record StoreNodeCost(string Endpoint, string Role, double CpuUsPerRequest, double CommandsPerRequest, double BytesPerRequest);

/// <summary>
/// The <c>POST /auth/refresh</c> requests of one trial: how many, how they ended, their service time (send to answer, µs;
/// null before the first answer) and the store's work per refresh.
/// </summary>
/// <param name="Source">"background" (the client renews before the access token expires, beside the API requests) or "driven" (a refresh-only run).</param>
/// <param name="Failures">By kind: "rejected_401" (the family is gone), "unavailable_503" (the store is down), "error" (anything else, no answer included).</param>
/// <param name="Relogins">Logins that replaced a rejected refresh (background only: a refresh-only run drops the user instead).</param>
/// <param name="StoreCommandsPerRefresh">
/// Store commands of the trial over its refreshes: in a refresh-only run the per-request figure; in a background run
/// only where the arm's API requests use no store (otherwise null), logins after a rejection included.
/// </param>
/// <param name="UsersWithoutToken">Refresh-only: users whose token was lost (rejected, or no answer, so the server may have rotated it), left out of the rest of the run.</param>
/// <param name="NoFreeUser">Refresh-only: requests sent without a token because every user with one had a refresh in flight (answered 401; counted in failures too).</param>
public sealed record RefreshResult(
    string Source,
    long Requests,
    long Succeeded,
    IReadOnlyDictionary<string, long> Failures,
    long Relogins,
    long? P50Us,
    long? P99Us,
    long? MaxUs,
    double? MeanUs,
    double? StoreCommandsPerRefresh,
    long? UsersWithoutToken = null,
    long? NoFreeUser = null)
{
    public const string Background = "background";
    public const string Driven = "driven";
}

/// <summary>Serializer for results.json (source-generated: no reflection in the writer or any reader).</summary>
public static class ResultsJson
{
    public static string Serialize(RunResults results) => JsonSerializer.Serialize(results, ResultsJsonContext.Default.RunResults);

    /// <summary>Reads a results.json; throws <see cref="JsonException"/> on a file that is not one.</summary>
    public static RunResults Deserialize(string json) =>
        JsonSerializer.Deserialize(json, ResultsJsonContext.Default.RunResults) ?? throw new JsonException("results.json holds null");

    public static RunResults Read(string path) => Deserialize(File.ReadAllText(path));
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RunResults))]
public sealed partial class ResultsJsonContext : JsonSerializerContext;
