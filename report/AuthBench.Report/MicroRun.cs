using System.Text.Json;
using AuthBench.Contracts.Results;

namespace AuthBench.Report;

/// <summary>One benchmark case from BenchmarkDotNet's full JSON export (times in nanoseconds).</summary>
public sealed record MicroBenchmark(
    string Type,
    string Method,
    string Parameters,
    double MedianNs,
    double MeanNs,
    double P95Ns,
    double AllocatedBytes)
{
    public string Key => $"{Type}.{Method}({Parameters})";
}

/// <summary>Every <c>*-report-full.json</c> of a folder, plus the generated size table if present.</summary>
public sealed record MicroRun(string Directory, IReadOnlyList<string> Files, JsonElement HostEnvironment, IReadOnlyList<MicroBenchmark> Benchmarks, SizesResults? Sizes)
{
    public static MicroRun? Read(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return null;
        }
        var files = System.IO.Directory.GetFiles(directory, "*-report-full.json", SearchOption.AllDirectories)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        var sizesPath = Path.Combine(directory, "sizes.json");
        var sizes = File.Exists(sizesPath) ? SizesJson.Read(sizesPath) : null;
        if (files.Count == 0 && sizes is null)
        {
            return null;
        }
        JsonElement host = default;
        var benchmarks = new List<MicroBenchmark>();
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = doc.RootElement;
            if (host.ValueKind == JsonValueKind.Undefined && root.TryGetProperty("HostEnvironmentInfo", out var h))
            {
                host = h.Clone();
            }
            if (!root.TryGetProperty("Benchmarks", out var array))
            {
                continue;
            }
            foreach (var b in array.EnumerateArray())
            {
                if (!b.TryGetProperty("Statistics", out var stats) || stats.ValueKind != JsonValueKind.Object)
                {
                    continue; // a benchmark that failed has no statistics; the run's log says why
                }
                var p95 = stats.TryGetProperty("Percentiles", out var pct) ? Num(pct, "P95") : double.NaN;
                var alloc = b.TryGetProperty("Memory", out var mem) ? Num(mem, "BytesAllocatedPerOperation") : double.NaN;
                benchmarks.Add(new MicroBenchmark(
                    b.GetProperty("Type").GetString() ?? "?",
                    b.GetProperty("Method").GetString() ?? "?",
                    b.TryGetProperty("Parameters", out var p) ? p.GetString() ?? "" : "",
                    Num(stats, "Median"),
                    Num(stats, "Mean"),
                    p95,
                    alloc));
            }
        }
        return new MicroRun(directory, files, host, benchmarks, sizes);
    }

    /// <summary>The file sizes.json was read from.</summary>
    public string SizesPath => Path.Combine(Directory, "sizes.json");

    private static double Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    public string Host(string name) =>
        HostEnvironment.ValueKind == JsonValueKind.Object && HostEnvironment.TryGetProperty(name, out var v)
            ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())
            : "";
}
