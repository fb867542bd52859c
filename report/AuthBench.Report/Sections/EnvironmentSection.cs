using System.Text.Json;

namespace AuthBench.Report.Sections;

/// <summary>What produced the figures: run.json, the load run's environment and BenchmarkDotNet's host block, flattened.</summary>
public sealed class EnvironmentSection : IReportSection
{
    private static readonly string[] MicroHostKeys =
        ["BenchmarkDotNetVersion", "OsVersion", "ProcessorName", "PhysicalCoreCount", "LogicalCoreCount", "RuntimeVersion", "Architecture", "Configuration", "DotNetCliVersion", "HardwareTimerKind"];

    public string Heading => "## Environment";

    public void Write(ReportContext report)
    {
        var rows = new List<(string, string)>();
        if (report.Inputs.RunInfo.ValueKind == JsonValueKind.Object)
        {
            rows.AddRange(Flatten(report.Inputs.RunInfo, "run"));
        }
        if (report.Load is { } load)
        {
            rows.Add(("load.status", load.Status));
            rows.AddRange(Flatten(load.Environment, "load"));
        }
        if (report.Micro is { } run)
        {
            rows.Add(("micro.commit", run.Provenance.CommitText));
            rows.Add(("micro.date", run.Provenance.DateText));
        }
        if (report.Micro is { } micro && micro.HostEnvironment.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in MicroHostKeys)
            {
                var value = micro.Host(key);
                if (value.Length > 0)
                {
                    rows.Add(("micro." + key, value));
                }
            }
        }
        if (rows.Count == 0)
        {
            report.Line("_No environment recorded: no results were found._");
            report.Line();
            return;
        }
        report.Line("| what | value |");
        report.Line("| --- | --- |");
        foreach (var (k, v) in rows)
        {
            report.Line($"| {ReportContext.Cell(k)} | {ReportContext.Cell(v)} |");
        }
        report.Line();
    }

    private static IEnumerable<(string, string)> Flatten(JsonElement e, string prefix)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }
        foreach (var p in e.EnumerateObject())
        {
            var key = prefix + "." + p.Name;
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var inner in Flatten(p.Value, key))
                    {
                        yield return inner;
                    }
                    break;
                case JsonValueKind.Array:
                    yield return (key, string.Join(", ", p.Value.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText())));
                    break;
                case JsonValueKind.String:
                    yield return (key, p.Value.GetString()!);
                    break;
                default:
                    yield return (key, p.Value.GetRawText());
                    break;
            }
        }
    }
}
