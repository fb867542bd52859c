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

/// <summary>
/// A warning BenchmarkDotNet's log printed under "// * Warnings *": its analyser (MultimodalDistribution,
/// MinIterationTime, …) and message, for a method of a class. The log names the method, not its parameter case.
/// </summary>
public sealed record MicroWarning(string Type, string Method, string Kind, string Message)
{
    public string Text => $"{Kind}: {Message}";
}

/// <summary>Which commit and when the microbenchmarks ran, as the folder's files record it; null where they hold nothing.</summary>
public sealed record MicroProvenance(string? Commit, string? Date, string? DateSource)
{
    public string CommitText => Commit ?? "unknown";

    public string DateText => Date is null ? "unknown" : $"{Date} ({DateSource})";
}

/// <summary>Every <c>*-report-full.json</c> of a folder, plus the generated size table if present.</summary>
public sealed record MicroRun(string Directory, IReadOnlyList<string> Files, JsonElement HostEnvironment, IReadOnlyList<MicroBenchmark> Benchmarks, SizesResults? Sizes)
{
    /// <summary>The commit and date of the run: run.md's, else the date in BenchmarkDotNet's table titles.</summary>
    public MicroProvenance Provenance { get; init; } = new(null, null, null);

    /// <summary>The warnings of every BenchmarkDotNet log in the folder.</summary>
    public IReadOnlyList<MicroWarning> Warnings { get; init; } = [];

    /// <summary>The log files the warnings came from.</summary>
    public IReadOnlyList<string> Logs { get; init; } = [];

    /// <summary>
    /// The garbage collector the benchmark processes ran, as BenchmarkDotNet's logs print it ("// GC=Concurrent Workstation"
    /// per process, "GC = …" in its detailed results), each value once; empty without a log.
    /// </summary>
    public IReadOnlyList<string> GcModes { get; init; } = [];

    public IEnumerable<MicroWarning> WarningsOf(MicroBenchmark b) => Warnings.Where(w => w.Type == b.Type && w.Method == b.Method);

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
        var titles = new List<string>();
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = doc.RootElement;
            if (root.TryGetProperty("Title", out var title) && title.ValueKind == JsonValueKind.String)
            {
                titles.Add(title.GetString()!);
            }
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
        var logs = System.IO.Directory.GetFiles(directory, "*.log", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();
        return new MicroRun(directory, files, host, benchmarks, sizes)
        {
            Provenance = ReadProvenance(directory, titles),
            Warnings = [.. logs.SelectMany(ReadWarnings).Distinct()],
            Logs = logs,
            GcModes = [.. logs.SelectMany(ReadGcModes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        };
    }

    /// <summary>run.md's "- Commit: …" and "- Date (UTC): …" lines; without them, the earliest "-yyyyMMdd-HHmmss" of the tables' titles.</summary>
    private static MicroProvenance ReadProvenance(string directory, IReadOnlyList<string> titles)
    {
        string? commit = null;
        string? date = null;
        var runMd = Path.Combine(directory, "run.md");
        if (File.Exists(runMd))
        {
            foreach (var line in File.ReadLines(runMd))
            {
                commit ??= Field(line, "- Commit:");
                date ??= Field(line, "- Date (UTC):");
            }
        }
        if (date is not null)
        {
            return new MicroProvenance(commit, date + " UTC", "run.md");
        }
        var stamps = titles
            .Select(t => System.Text.RegularExpressions.Regex.Match(t, @"-(\d{8}-\d{6})$"))
            .Where(m => m.Success)
            .Select(m => DateTime.ParseExact(m.Groups[1].Value, "yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        return stamps.Count == 0
            ? new MicroProvenance(commit, null, null)
            : new MicroProvenance(commit, stamps[0].ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), "local time of BenchmarkDotNet's first table title");
    }

    private static string? Field(string line, string prefix) =>
        line.StartsWith(prefix, StringComparison.Ordinal) && line[prefix.Length..].Trim() is { Length: > 0 } v ? v : null;

    /// <summary>The "// * Warnings *" blocks of a BenchmarkDotNet log: an analyser's name, then "  Type.Method: Job -> message" lines.</summary>
    private static IEnumerable<MicroWarning> ReadWarnings(string log)
    {
        var inBlock = false;
        string? kind = null;
        foreach (var line in File.ReadLines(log))
        {
            if (line.StartsWith("// * Warnings *", StringComparison.Ordinal))
            {
                (inBlock, kind) = (true, null);
                continue;
            }
            if (!inBlock)
            {
                continue;
            }
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
            {
                inBlock = false;
                continue;
            }
            if (!char.IsWhiteSpace(line[0]))
            {
                kind = line.Trim();
                continue;
            }
            var m = System.Text.RegularExpressions.Regex.Match(line, @"^\s+(\w+)\.(\w+):.*?->\s*(.+)$");
            if (kind is not null && m.Success)
            {
                yield return new MicroWarning(m.Groups[1].Value, m.Groups[2].Value, kind, m.Groups[3].Value.Trim());
            }
        }
    }

    private static IEnumerable<string> ReadGcModes(string log) =>
        File.ReadLines(log)
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"(?:^//\s*GC\s*=|;\s*GC\s*=)\s*(.+?)\s*$"))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value);

    /// <summary>The file sizes.json was read from.</summary>
    public string SizesPath => Path.Combine(Directory, "sizes.json");

    private static double Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    public string Host(string name) =>
        HostEnvironment.ValueKind == JsonValueKind.Object && HostEnvironment.TryGetProperty(name, out var v)
            ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())
            : "";
}
