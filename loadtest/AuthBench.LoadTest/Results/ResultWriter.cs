using AuthBench.Common;
using AuthBench.Contracts.Results;
using System.Globalization;
using System.Text;
using HdrHistogram;

namespace AuthBench.LoadTest.Results;

/// <summary>results.json, trials.csv, summary.md and the .hgrm files, all written atomically.</summary>
public sealed class ResultWriter(string directory)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Directory { get; } = directory;

    public void WriteAll(RunResults results, HistogramSet histograms)
    {
        AtomicFile.WriteAllText(Path.Combine(Directory, "results.json"), ResultsJson.Serialize(results));
        AtomicFile.WriteAllText(Path.Combine(Directory, "trials.csv"), Csv(results));
        AtomicFile.WriteAllText(Path.Combine(Directory, "summary.md"), Summary.Render(results));
        histograms.ForEach((files, latency, service) =>
        {
            AtomicFile.WriteAllText(Path.Combine(Directory, files.LatencyFile), Hgrm(latency));
            AtomicFile.WriteAllText(Path.Combine(Directory, files.ServiceTimeFile), Hgrm(service));
        });
    }

    /// <summary>HdrHistogram's percentile distribution; values in microseconds, as recorded (the report divides by 1000 for ms).</summary>
    public static string Hgrm(LongHistogram histogram)
    {
        using var writer = new StringWriter(Inv);
        writer.WriteLine("# AuthBench load test: values in microseconds (HdrHistogram, 3 significant digits)");
        if (histogram.TotalCount > 0)
        {
            histogram.OutputPercentileDistribution(writer, 5, 1.0, false);
        }
        return writer.ToString();
    }

    public static string Csv(RunResults results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("arm,alg,claims,label,endpoint,target_rps,repetition,duration_s,achieved_rps,requests,responses,errors,late,dropped,"
            + "latency_p50_us,latency_p90_us,latency_p99_us,latency_p999_us,latency_p9999_us,latency_max_us,latency_mean_us,"
            + "service_p50_us,service_p90_us,service_p99_us,service_p999_us,service_p9999_us,service_max_us,service_mean_us,"
            + "bytes_sent_per_request,bytes_received_per_request,server_cpu_us_per_request,server_peak_rss_mb,loadgen_cpu_us_per_request,"
            + "store_commands_per_request,store_usec_per_request,store_cpu_us_per_request,store_bytes_per_request,soak_minute,store_rtt_ms,store_relay_lateness_p99_us,"
            + "http,users_per_connection,credential_bytes_per_request");
        foreach (var t in results.Trials)
        {
            var cells = new object?[]
            {
                t.Arm, t.Alg, t.Claims, t.Label, t.Endpoint, t.TargetRps, t.Repetition, t.DurationS, t.AchievedRps, t.Requests, t.Responses,
                t.Errors.Values.Sum(), t.Late, t.Dropped,
                t.LatencyUs.P50, t.LatencyUs.P90, t.LatencyUs.P99, t.LatencyUs.P999, t.LatencyUs.P9999, t.LatencyUs.Max, t.LatencyUs.Mean,
                t.ServiceTimeUs.P50, t.ServiceTimeUs.P90, t.ServiceTimeUs.P99, t.ServiceTimeUs.P999, t.ServiceTimeUs.P9999, t.ServiceTimeUs.Max, t.ServiceTimeUs.Mean,
                t.BytesPerRequest.Sent, t.BytesPerRequest.Received, t.ServerCpuUsPerRequest, t.ServerPeakRssMb, t.LoadgenCpuUsPerRequest,
                t.Store?.CommandsPerRequest, t.Store?.UsecPerRequest, t.Store?.CpuUsPerRequest, t.Store?.BytesPerRequest, t.SoakMinute,
                t.StoreRelay?.RttMs, t.StoreRelay?.LatenessP99Us,
                t.Http, t.Http is null ? null : t.UsersPerConnection?.ToString(Inv) ?? "all", t.CredentialBytesPerRequest,
            };
            sb.AppendLine(string.Join(',', cells.Select(Cell)));
        }
        return sb.ToString();
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => Math.Round(d, 3).ToString(Inv),
        IFormattable f => f.ToString(null, Inv),
        string s when s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) => $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"",
        _ => value.ToString() ?? "",
    };
}
