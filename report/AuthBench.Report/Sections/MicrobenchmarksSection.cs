using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>Every BenchmarkDotNet class as a table with its ratio to the class's baseline, then the credential size table.</summary>
public sealed class MicrobenchmarksSection : IReportSection
{
    public string Heading => "## Microbenchmarks";

    public void Write(ReportContext report)
    {
        var micro = report.Micro;
        if (micro is null || micro.Benchmarks.Count == 0)
        {
            report.Line("_No microbenchmark results found._");
            report.Line();
            WriteSizes(report);
            return;
        }
        var provenance = micro.Provenance;
        report.Line($"Run of commit `{provenance.CommitText}`, dated {provenance.DateText}.");
        report.Line();
        report.Line(micro.Logs.Count == 0
            ? "No BenchmarkDotNet log was published beside these tables, so its warnings (multimodal distributions, minimum iteration time, …) are unknown."
            : $"The warnings column repeats what BenchmarkDotNet's log ({string.Join(", ", micro.Logs.Select(l => $"`{Path.GetFileName(l)}`"))}) printed under its \"Warnings\" "
              + "heading for the row's method: a multimodal distribution (mValue) means the median hides several typical times, a short minimum "
              + "iteration time means timer resolution weighs on it. The log names the method, not its parameter case, so a method with several "
              + "cases shows every warning of the method on each of its rows.");
        report.Line();
        report.Line("BenchmarkDotNet, Release. Times are medians in microseconds; Ratio is this row's median over the "
            + "baseline row of the same class and parameters (the physical floor, or the no-auth path), so it reads as "
            + "\"how many times the floor\". Allocated is bytes per operation.");
        report.Line();
        foreach (var type in micro.Benchmarks.Select(b => b.Type).Distinct().Order(StringComparer.Ordinal))
        {
            var rows = micro.Benchmarks.Where(b => b.Type == type).ToList();
            report.Line($"### {type}");
            report.Line();
            report.Line(HowToRead(type));
            report.Line();
            report.Line("| method | parameters | median (µs) | P95 (µs) | ratio | allocated (B) | BenchmarkDotNet warnings |");
            report.Line("| --- | --- | ---: | ---: | ---: | ---: | --- |");
            foreach (var group in rows.GroupBy(b => MicroFigures.GroupKey(b.Parameters)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var baseline = group.FirstOrDefault(b => IsBaseline(b));
                // Rows over the catalogue in its order (the baseline first); published rows keep the file's order.
                foreach (var b in group.OrderBy(b => MicroFigures.LabelOf(b) is { } label ? ArmCatalogue.Order(label) : 0))
                {
                    var ratio = baseline is null || baseline.MedianNs <= 0 ? double.NaN : b.MedianNs / baseline.MedianNs;
                    var name = b == baseline ? $"**{b.Method}** (baseline)" : b.Method;
                    report.Line($"| {name} | {ReportContext.Cell(b.Parameters)} | {LoadRun.Format(b.MedianNs / 1000, 3)} | {LoadRun.Format(b.P95Ns / 1000, 3)} | {LoadRun.Format(ratio, 2)} | {LoadRun.Format(b.AllocatedBytes, 0)} | {Warnings(micro, b)} |");
                }
            }
            report.Line();
        }
        WriteSizes(report);
    }

    private static string Warnings(MicroRun micro, MicroBenchmark b)
    {
        var warnings = micro.WarningsOf(b).Select(w => w.Text).ToList();
        return warnings.Count == 0 ? (micro.Logs.Count == 0 ? "unknown" : "no warning") : ReportContext.Cell(string.Join("; ", warnings));
    }

    /// <summary>
    /// Baselines by name: the benchmarks mark their floor or no-auth path with these names; a class that runs over the
    /// catalogue (parameter Label) compares with its reference label's row.
    /// </summary>
    internal static bool IsBaseline(MicroBenchmark b) => MicroFigures.LabelOf(b) is { } label
        ? label == MicroFigures.ReferenceLabel(b.Type)
        : b.Method.StartsWith("Floor", StringComparison.Ordinal)
          || b.Method is "None" or "Baseline" or "Cookie_HeaderLine"
          || (MicroFigures.IsHeadToHead(b.Type) && b.Method.Contains("Session", StringComparison.Ordinal));

    private static string HowToRead(string type) => type switch
    {
        _ when MicroFigures.IsHeadToHead(type) =>
            "How to read this: one session lookup is the baseline; a JWT row's ratio below one means a verification is cheaper than a lookup (the reciprocal of the ratio is how many verifications cost one lookup).",
        _ when type.Contains("Jwt", StringComparison.Ordinal) =>
            "How to read this: per algorithm and claim profile, the raw signature check is the floor; the ratio is what the token library adds on top of the cryptography.",
        _ when type.Contains("Session", StringComparison.Ordinal) =>
            "How to read this: PING is the round-trip floor of the store; the ratio is what a session read costs beyond the network round trip.",
        _ when type.Contains("CredentialSize", StringComparison.Ordinal) =>
            "How to read this: the time to write each credential's header line into a send buffer, the cookie line as the baseline; "
            + "it takes nanoseconds either way, so what a token's size costs is bandwidth (the size table below), not client CPU.",
        _ when type.Contains("Pipeline", StringComparison.Ordinal) =>
            "How to read this: a whole in-process ASP.NET Core request; the no-auth arm is the baseline, so the ratio minus one is authentication's share.",
        _ => "How to read this: the ratio compares each row with the baseline row of its class.",
    };

    private static void WriteSizes(ReportContext report)
    {
        if (report.Micro?.Sizes is not { } sizes)
        {
            return;
        }
        report.Line("### Credential sizes on the wire");
        report.Line();
        report.Line("How to read this: exact bytes per HTTP/1.1 request, header line and CRLF included, for tokens and cookies minted by the API's own code.");
        report.Line();
        // The columns are sizes.json's own field names, in its order: the table shows the file as published.
        var columns = SizesJsonContext.Default.HeaderSizeRow.Properties;
        report.Line("| " + string.Join(" | ", columns.Select(c => c.Name)) + " |");
        report.Line("|" + string.Concat(columns.Select(_ => " --- |")));
        foreach (var row in sizes.Rows)
        {
            report.Line("| " + string.Join(" | ", columns.Select(c => ReportContext.Cell(Show(c, row)))) + " |");
        }
        report.Line();
    }

    private static string Show(JsonPropertyInfo column, HeaderSizeRow row) => column.Get!(row) switch
    {
        null => "null",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };
}
