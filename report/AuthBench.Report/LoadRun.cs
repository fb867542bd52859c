using System.Globalization;
using System.Text.Json;
using AuthBench.Contracts.Results;

namespace AuthBench.Report;

/// <summary>Latency percentiles in microseconds; NaN where a file lacks one.</summary>
public sealed record Percentiles(double P50, double P90, double P99, double P999, double P9999, double Max, double Mean)
{
    public static readonly Percentiles Missing = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static Percentiles From(Contracts.Results.Percentiles? p) =>
        p is null ? Missing : new(p.P50, p.P90, p.P99, p.P999, p.P9999, p.Max, p.Mean);
}

/// <summary>Store load per request (Redis INFO deltas divided by requests); null for arms that use no store.</summary>
public sealed record StoreFigures(double CommandsPerRequest, double UsecPerRequest, double CpuUsPerRequest, double BytesPerRequest);

/// <summary>One measured trial: one arm at one rate, one repetition, as the report reads it (a missing figure is NaN).</summary>
public sealed record Trial(
    string Label,
    string Claims,
    double TargetRps,
    int Repetition,
    double AchievedRps,
    long Requests,
    long Errors,
    long Late,
    long Dropped,
    Percentiles Latency,
    Percentiles ServiceTime,
    double BytesSent,
    double BytesReceived,
    double ServerCpuUsPerRequest,
    double ServerPeakRssMb,
    double LoadgenCpuUsPerRequest,
    StoreFigures? Store,
    double ApiCpuBusy = double.NaN,
    double LoadgenCpusBusy = double.NaN,
    Percentiles? DispatchDelay = null)
{
    /// <summary>The share of a trial's intended requests that were late or dropped above which it is overloaded.</summary>
    public const double OverloadShare = 0.01;

    /// <summary>Requests the schedule intended: the started ones plus the dropped ones (which never started).</summary>
    public long Intended => Requests + Dropped;

    /// <summary>Late starts plus dropped requests over intended requests: the share not sent when the schedule said.</summary>
    public double NotOnTimeShare => Intended == 0 ? 0 : (double)(Late + Dropped) / Intended;

    /// <summary>
    /// More than <see cref="OverloadShare"/> of the requests late or dropped: the offered rate was beyond what the arm
    /// served, its histograms lack the dropped requests, and its latency is not comparable.
    /// </summary>
    public bool Overloaded => NotOnTimeShare > OverloadShare;

    /// <summary>
    /// The busy share of the API's CPU set below which a saturation trial did not fill the API's core: something else
    /// (the generator, the store, a lock) limited it, so its CPU per request is not one core-second over its throughput.
    /// </summary>
    public const double ApiCoreFullBusy = 0.97;

    /// <summary>A trial whose API CPU set was measured (isolation on) and was busy less than <see cref="ApiCoreFullBusy"/>.</summary>
    public bool ApiCoreNotFull => !double.IsNaN(ApiCpuBusy) && ApiCpuBusy < ApiCoreFullBusy;

    /// <summary>Errors plus dropped requests: a dropped request is a failure the client saw.</summary>
    public long Failures => Errors + Dropped;

    /// <summary>The one place where an absent figure of a published file becomes NaN, never a crash.</summary>
    internal static double Nan(double? value) => value ?? double.NaN;

    public static Trial From(TrialResult t) => new(
        t.Label,
        t.Claims ?? "",
        Nan(t.TargetRps),
        t.Repetition,
        t.AchievedRps,
        t.Requests,
        t.Errors?.Values.Sum() ?? 0,
        t.Late,
        t.Dropped,
        Percentiles.From(t.LatencyUs),
        Percentiles.From(t.ServiceTimeUs),
        Nan(t.BytesPerRequest?.Sent),
        Nan(t.BytesPerRequest?.Received),
        Nan(t.ServerCpuUsPerRequest),
        Nan(t.ServerPeakRssMb),
        Nan(t.LoadgenCpuUsPerRequest),
        t.Store is { } s ? new StoreFigures(s.CommandsPerRequest, s.UsecPerRequest, s.CpuUsPerRequest, s.BytesPerRequest) : null,
        Nan(t.Cpu?.ApiCpuBusy),
        Nan(t.Cpu?.LoadgenCpusBusy),
        t.DispatchDelayUs is null ? null : Percentiles.From(t.DispatchDelayUs));
}

/// <summary>A load run's results.json, read through the results contract (<see cref="ResultsJson"/>).</summary>
public sealed record LoadRun(string Directory, string FileName, RunResults Results, IReadOnlyList<Trial> Trials)
{
    public static LoadRun Read(string path)
    {
        var results = ResultsJson.Read(path);
        return new LoadRun(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path), results, [.. results.Trials.Select(Trial.From)]);
    }

    public string Status => Results.Status;

    /// <summary>results.json's histogram list; empty for runs published before it existed.</summary>
    public IReadOnlyList<HistogramFiles> Histograms => Results.Histograms;

    /// <summary>A closed-loop saturation run (<c>--find-max</c>): no target rate, one row per arm.</summary>
    public bool IsFindMax => Results.Mode == "find-max";

    /// <summary>An SLO capacity search (mode "slo"): its trials are bisection steps, not fixed rates to compare.</summary>
    public bool IsSlo => Results.Mode == "slo";

    /// <summary>A refresh-only run (mode "refresh"): its requests are <c>POST /auth/refresh</c>, priced apart, never compared with API requests.</summary>
    public bool IsRefresh => Results.Mode == RunResults.RefreshMode;

    /// <summary>An ordinary open-loop run at fixed rates, without a fault, soak or SLO search: what the report's tables compare.</summary>
    public bool IsRatesRun => !IsFindMax && !IsSlo && !IsRefresh && Results.Mode != "soak" && Results.Settings.Fault is null && Results.Settings.Window is null && !IsFanout
        && !Sections.StoreRealismSection.IsStoreRealismRun(this);

    /// <summary>A run made with <c>--fanout</c>: its arms are chains of services, shown in the fan-out section only.</summary>
    public bool IsFanout => Results.Arms.Any(a => a.Fanout is not null);

    /// <summary>A run with a window scenario of <paramref name="kind"/> ("revocation", "staleness") in its trials (<c>--window</c>).</summary>
    public bool HasWindow(string kind) => Results.Trials.Any(t => t.Window?.Kind == kind);

    /// <summary>The spin limit the APIs ran with as results.json records it: "as-shipped" for runs written before it was recorded.</summary>
    public string SpinLimit => Results.Settings.SpinLimit ?? AsShippedSpinLimit;

    /// <summary>The load tool's name for the runtime's own spin limit (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit not set).</summary>
    public const string AsShippedSpinLimit = "as-shipped";

    /// <summary>The spin limit of a spin-free run: no spinning at all.</summary>
    public const string SpinFreeSpinLimit = "0";

    /// <summary>
    /// A run whose APIs did not spin (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0, settings.spin_limit "0"): their idle
    /// CPU is wake-ups only.
    /// </summary>
    public bool IsSpinFree => SpinLimit == SpinFreeSpinLimit;

    /// <summary>A run whose APIs spun as the runtime ships (settings.spin_limit "as-shipped", or none recorded).</summary>
    public bool IsAsShipped => SpinLimit == AsShippedSpinLimit;

    /// <summary>The API processes' CPU set was isolated from the generator's and the store's.</summary>
    public bool IsIsolated => Results.Environment.Isolation is { Enabled: true };

    /// <summary>The environment as results.json writes it, for the report's flattened table.</summary>
    public JsonElement Environment => JsonSerializer.SerializeToElement(Results.Environment, ResultsJsonContext.Default.EnvironmentInfo);

    /// <summary>
    /// The histogram files of one arm at one rate (paths relative to the run folder): from results.json's list, or for
    /// runs published before the list existed, the names the load tool gave them (<c>latency-&lt;label&gt;-&lt;rate&gt;.hgrm</c>).
    /// </summary>
    public HistogramFiles? Histogram(string label, double rate) =>
        Histograms.Count > 0
            ? Histograms.FirstOrDefault(h => h.Label == label && h.TargetRps == rate)
            : Trials.Any(t => t.Label == label && t.TargetRps == rate) ? PublishedHistogram(label, rate) : null;

    /// <summary>Every histogram file of the run that exists, relative to the run folder.</summary>
    public IEnumerable<string> HistogramFiles()
    {
        var files = Histograms.Count > 0
            ? Histograms
            : Trials.Select(t => (t.Label, t.TargetRps)).Distinct().Select(k => PublishedHistogram(k.Label, k.TargetRps));
        return files.SelectMany(h => new[] { h.LatencyFile, h.ServiceTimeFile })
            .Where(f => File.Exists(Path.Combine(Directory, f)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
    }

    private static HistogramFiles PublishedHistogram(string label, double rate)
    {
        var key = double.IsNaN(rate) ? "max" : ((long)rate).ToString(CultureInfo.InvariantCulture);
        return new HistogramFiles(label, double.IsNaN(rate) ? null : rate, key, $"latency-{label}-{key}.hgrm", $"service-time-{label}-{key}.hgrm");
    }

    public static string Format(double value, int decimals = 1) =>
        double.IsNaN(value) ? "–" : value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
