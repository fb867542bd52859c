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

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>running, complete, interrupted or failed.</summary>
    public string Status { get; set; } = "running";

    public string? Error { get; set; }

    public required string Mode { get; init; }

    public DateTimeOffset StartedUtc { get; init; }

    public DateTimeOffset? FinishedUtc { get; set; }

    public required RunSettings Settings { get; init; }

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
    string? Http = null,
    int? UsersPerConnection = null,
    int? StreamsPerConnection = null);

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
public sealed record ArmInfo(string Arm, string? Alg, string? Claims, string Label, string Url, int? Pid, string ReadyLine, double CredentialHeaderBytes);

public sealed record Percentiles(long P50, long P90, long P99, long P999, long P9999, long Max, double Mean);

public sealed record BytesPerRequest(double Sent, double Received);

public sealed record StoreCostResult(double CommandsPerRequest, double UsecPerRequest, double CpuUsPerRequest, double BytesPerRequest, IReadOnlyDictionary<string, double> Commands);

public sealed record FaultResult(
    string Kind,
    double StartS,
    double LengthS,
    long AcceptedDuringOutage,
    double? TimeToRecoverMs,
    double? TimeToFirstNon503Ms,
    double? StoreStoppedAtS,
    double? StoreRestartedAtS,
    IReadOnlyList<IReadOnlyDictionary<string, long>> OutcomesPerSecond);

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
