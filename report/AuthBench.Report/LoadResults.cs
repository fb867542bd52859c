using System.Globalization;
using System.Text.Json;

namespace AuthBench.Report;

/// <summary>Latency percentiles in microseconds, as results.json writes them.</summary>
public sealed record Percentiles(double P50, double P90, double P99, double P999, double P9999, double Max, double Mean)
{
    public static Percentiles Read(JsonElement e) => new(
        Num(e, "p50"), Num(e, "p90"), Num(e, "p99"), Num(e, "p999"), Num(e, "p9999"), Num(e, "max"), Num(e, "mean"));

    internal static double Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}

/// <summary>Store load per request (Redis INFO deltas divided by requests); null for arms that use no store.</summary>
public sealed record StoreFigures(double CommandsPerRequest, double UsecPerRequest, double CpuUsPerRequest, double BytesPerRequest);

/// <summary>One measured trial: one arm at one rate, one repetition.</summary>
public sealed record Trial(
    string Arm,
    string? Alg,
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
    StoreFigures? Store)
{
    /// <summary>"none", "session", "jwt-HS256": the arm as the report names it.</summary>
    public string Label => Arm.StartsWith("jwt", StringComparison.Ordinal) && !string.IsNullOrEmpty(Alg) ? $"{Arm}-{Alg}" : Arm;
}

/// <summary>A load run's results.json, read tolerantly: a missing figure is NaN, never a crash.</summary>
public sealed record LoadRun(string Directory, string FileName, int SchemaVersion, string Status, string Mode, bool HasFault, JsonElement Environment, IReadOnlyList<Trial> Trials)
{
    public static LoadRun Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var trials = new List<Trial>();
        if (root.TryGetProperty("trials", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in array.EnumerateArray())
            {
                trials.Add(ReadTrial(t));
            }
        }
        return new LoadRun(
            Path.GetDirectoryName(Path.GetFullPath(path))!,
            Path.GetFileName(path),
            root.TryGetProperty("schema_version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0,
            root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "unknown",
            root.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "rates",
            root.TryGetProperty("settings", out var settings) && settings.ValueKind == JsonValueKind.Object
                && settings.TryGetProperty("fault", out var f) && f.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined),
            root.TryGetProperty("environment", out var env) ? env.Clone() : default,
            trials);
    }

    /// <summary>A closed-loop saturation run (<c>--find-max</c>): no target rate, one row per arm.</summary>
    public bool IsFindMax => Mode == "find-max";

    /// <summary>An ordinary open-loop run at fixed rates, without a fault or soak: what the report's tables compare.</summary>
    public bool IsRatesRun => !IsFindMax && Mode != "soak" && !HasFault;

    private static Trial ReadTrial(JsonElement t)
    {
        StoreFigures? store = null;
        if (t.TryGetProperty("store", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            store = new StoreFigures(
                Percentiles.Num(s, "commands_per_request"),
                Percentiles.Num(s, "usec_per_request"),
                Percentiles.Num(s, "cpu_us_per_request"),
                Percentiles.Num(s, "bytes_per_request"));
        }
        var bytes = t.TryGetProperty("bytes_per_request", out var b) ? b : default;
        return new Trial(
            Str(t, "arm") ?? "?",
            Str(t, "alg"),
            Str(t, "claims") ?? "",
            Percentiles.Num(t, "target_rps"),
            t.TryGetProperty("repetition", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : 0,
            Percentiles.Num(t, "achieved_rps"),
            Long(t, "requests"),
            ErrorCount(t),
            Long(t, "late"),
            Long(t, "dropped"),
            Percentiles.Read(t.TryGetProperty("latency_us", out var l) ? l : default),
            Percentiles.Read(t.TryGetProperty("service_time_us", out var st) ? st : default),
            Percentiles.Num(bytes, "sent"),
            Percentiles.Num(bytes, "received"),
            Percentiles.Num(t, "server_cpu_us_per_request"),
            Percentiles.Num(t, "server_peak_rss_mb"),
            Percentiles.Num(t, "loadgen_cpu_us_per_request"),
            store);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    /// <summary>"errors" is either a number or an object of counts by kind.</summary>
    private static long ErrorCount(JsonElement t)
    {
        if (!t.TryGetProperty("errors", out var e))
        {
            return 0;
        }
        return e.ValueKind switch
        {
            JsonValueKind.Number => e.GetInt64(),
            JsonValueKind.Object => e.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).Sum(p => p.Value.GetInt64()),
            _ => 0,
        };
    }

    /// <summary>An environment value as text, e.g. Env("cpu_model"); nested objects are flattened as JSON.</summary>
    public string Env(string name)
    {
        if (Environment.ValueKind != JsonValueKind.Object || !Environment.TryGetProperty(name, out var v))
        {
            return "";
        }
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => v.GetRawText(),
        };
    }

    public static string Format(double value, int decimals = 1) =>
        double.IsNaN(value) ? "–" : value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
