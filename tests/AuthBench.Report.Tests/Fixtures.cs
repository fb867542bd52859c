using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Tests;

/// <summary>Small results.json runs written through the contract, as the load tool writes them.</summary>
internal static class Fixtures
{
    public static readonly RunSettings Settings = new(
        [.. ArmCatalogue.All.Select(a => a.Name)], ["HS256"], "typical", "/api/me", [100, 200, 400], false, 8, 64, 10, 1, 3, 100, "auto", null, false, null, null, 10);

    public static TrialResult Trial(ArmDescriptor arm, string? alg, double? rate, int rep, double cpu, long p99, double sent, double? storeBytes,
        IReadOnlyDictionary<string, long>? errors = null, FaultResult? fault = null, double achieved = double.NaN, long late = 0, long dropped = 0,
        StoreRelayResult? relay = null, double storeCpu = 5, int? storeConnections = null, string? topology = null, IReadOnlyList<StoreNodeCost>? nodes = null,
        int? instances = null, long? p50 = null, string? cpuSource = null) => new()
    {
        Arm = arm.Name,
        Alg = alg,
        Claims = "typical",
        Label = arm.Label(alg),
        Endpoint = "/api/me",
        TargetRps = rate,
        Repetition = rep,
        AchievedRps = double.IsNaN(achieved) ? rate ?? 0 : achieved,
        Requests = (long)((rate ?? 100) * 10) - dropped,
        Late = late,
        Dropped = dropped,
        Errors = errors ?? new Dictionary<string, long>(),
        LatencyUs = new Contracts.Results.Percentiles(p50 ?? p99 / 3, p99 / 2, p99, p99 * 2, p99 * 3, p99 * 4, p99 / 3.0),
        ServiceTimeUs = new Contracts.Results.Percentiles(1, 1, 1, 1, 1, 1, 1),
        BytesPerRequest = new BytesPerRequest(sent, 300),
        ServerCpuUsPerRequest = cpu,
        ServerPeakRssMb = 100,
        LoadgenCpuUsPerRequest = 15,
        Store = storeBytes is null ? null : new StoreCostResult(1, 2, storeCpu, storeBytes.Value, new Dictionary<string, double>()),
        Fault = fault,
        StoreRelay = relay,
        StoreConnections = storeConnections,
        StoreTopology = topology,
        StoreNodes = nodes,
        Instances = instances,
        ServerCpuSource = cpuSource,
    };

    public static RunResults Run(IEnumerable<TrialResult> trials, string mode = "rates", string status = "complete", RunSettings? settings = null,
        IEnumerable<HistogramFiles>? histograms = null)
    {
        var run = new RunResults
        {
            Mode = mode,
            Status = status,
            Settings = settings ?? Settings,
            Environment = new EnvironmentInfo { CpuModel = "test cpu" },
            Trials = [.. trials],
        };
        run.Histograms.AddRange(histograms ?? []);
        return run;
    }

    public static string Write(string directory, RunResults run)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "results.json");
        File.WriteAllText(path, ResultsJson.Serialize(run));
        return path;
    }

    /// <summary>An .hgrm with 100 µs at p0–p50, 200 µs at p90 and 900 µs at p99, every value times <paramref name="scale"/>.</summary>
    public static void WriteHgrm(string path, double scale = 1) => File.WriteAllLines(path,
    [
        "       Value     Percentile TotalCount 1/(1-Percentile)",
        "",
        FormattableString.Invariant($"     {100 * scale:0.000} 0.000000000000          1           1.00"),
        FormattableString.Invariant($"     {100 * scale:0.000} 0.500000000000         50           2.00"),
        FormattableString.Invariant($"     {200 * scale:0.000} 0.900000000000         90          10.00"),
        FormattableString.Invariant($"     {900 * scale:0.000} 0.990000000000         99         100.00"),
        "#[Mean    =      150.000, StdDeviation   =       10.000]",
    ]);

    /// <summary>A minimal BenchmarkDotNet full JSON export: one entry per (method, parameters, median ns).</summary>
    public static void WriteMicro(string directory, string type, IEnumerable<(string Method, string Parameters, double MedianNs)> rows, string? title = null)
    {
        Directory.CreateDirectory(directory);
        var benchmarks = new System.Text.Json.Nodes.JsonArray();
        foreach (var (method, parameters, median) in rows)
        {
            benchmarks.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["Type"] = type,
                ["Method"] = method,
                ["Parameters"] = parameters,
                ["Statistics"] = new System.Text.Json.Nodes.JsonObject { ["Median"] = median, ["Mean"] = median, ["Percentiles"] = new System.Text.Json.Nodes.JsonObject { ["P95"] = median } },
            });
        }
        File.WriteAllText(Path.Combine(directory, $"AuthBench.Benchmarks.{type}-report-full.json"),
            new System.Text.Json.Nodes.JsonObject { ["Title"] = title, ["Benchmarks"] = benchmarks }.ToJsonString());
    }
}
