using System.Text.Json;

namespace AuthBench.Report.Sections;

/// <summary>
/// An appendix at the end of the report: what produced the figures (run.json, the load run's environment and
/// BenchmarkDotNet's host block, flattened) and the job's phases as run.json records them; a line near the top points here.
/// </summary>
public sealed class EnvironmentSection : IReportSection
{
    private static readonly string[] MicroHostKeys =
        ["BenchmarkDotNetVersion", "OsVersion", "ProcessorName", "PhysicalCoreCount", "LogicalCoreCount", "RuntimeVersion", "Architecture", "Configuration", "DotNetCliVersion", "HardwareTimerKind"];

    /// <summary>The section's title, and the anchor GitHub gives its heading (for the pointer near the top).</summary>
    public const string Title = "Appendix: environment";

    /// <inheritdoc cref="Title"/>
    public const string Anchor = "appendix-environment";

    /// <summary>run.json's key of the phase list, shown as its own table rather than flattened.</summary>
    private const string PhasesKey = "phases";

    public string Heading => "## " + Title;

    public void Write(ReportContext report)
    {
        WritePhases(report, JobStatus.Read(report.Inputs.RunInfo));
        var rows = new List<(string, string)>();
        if (report.Inputs.RunInfo.ValueKind == JsonValueKind.Object)
        {
            rows.AddRange(Flatten(report.Inputs.RunInfo, "run", skip: PhasesKey));
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

    /// <summary>The job's phases (run.json "phases": name, status, duration, command, output); nothing for a run.json without them.</summary>
    private static void WritePhases(ReportContext report, JobStatus job)
    {
        if (job.Phases.Count == 0)
        {
            return;
        }
        report.Line($"### The job's phases (run.json, status: {job.Status ?? "not recorded"})");
        report.Line();
        report.Line("| phase | status | duration (s) | command | output |");
        report.Line("| --- | --- | ---: | --- | --- |");
        foreach (var p in job.Phases)
        {
            report.Line($"| {ReportContext.Cell(p.Name)} | {ReportContext.Cell(p.Status ?? "not recorded")} | {(p.DurationS is { } d ? LoadRun.Format(d, 0) : "–")} "
                + $"| {(p.Command is { Length: > 0 } c ? $"`{ReportContext.Cell(c)}`" : "–")} | {ReportContext.Cell(p.Output ?? "–")} |");
        }
        report.Line();
        if (report.Inputs.RunInfo.TryGetProperty("durations_s", out var durations) && durations.ValueKind == JsonValueKind.Object && JobStatus.Text(durations, "total") is { } total)
        {
            report.Line($"Total: {total} s (run.json durations_s.total).");
            report.Line();
        }
        report.Line("### What produced the figures");
        report.Line();
    }

    private static IEnumerable<(string, string)> Flatten(JsonElement e, string prefix, string? skip = null)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }
        foreach (var p in e.EnumerateObject().Where(p => p.Name != skip))
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
