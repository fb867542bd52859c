using System.Globalization;
using System.Text.Json;

namespace AuthBench.Report;

/// <summary>One phase of the job as run.json records it ("phases"); a field an older or partial file lacks is null.</summary>
public sealed record JobPhase(string Name, string? Status, double? DurationS, string? Command, string? Output)
{
    /// <summary>The folder name of the phase's output ("20261201T1320Z-arms" of "results/load/20261201T1320Z-arms"), or null.</summary>
    public string? OutputFolder => Output is { Length: > 0 } o ? Path.GetFileName(o.TrimEnd('/', '\\')) : null;
}

/// <summary>
/// What run.json says about the job that produced the results: its status, the phase it stopped in and its phases.
/// Read tolerantly: files written before the job recorded a status or phases read as complete with no phases.
/// </summary>
public sealed record JobStatus(string? Status, string? InterruptedPhase, IReadOnlyList<JobPhase> Phases, string? Commit = null)
{
    /// <summary>The run.json statuses of a job that did not finish.</summary>
    public const string Interrupted = "interrupted";

    /// <inheritdoc cref="Interrupted"/>
    public const string Failed = "failed";

    /// <summary>The status of a load run or phase that finished.</summary>
    public const string Complete = "complete";

    public bool Unfinished => Status is Interrupted or Failed;

    public static JobStatus Read(JsonElement runInfo)
    {
        if (runInfo.ValueKind != JsonValueKind.Object)
        {
            return new JobStatus(null, null, [], null);
        }
        var phases = new List<JobPhase>();
        if (runInfo.TryGetProperty("phases", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in list.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.Object))
            {
                phases.Add(new JobPhase(Text(p, "name") ?? "(unnamed)", Text(p, "status"), Number(p, "duration_s"), Text(p, "command"), Text(p, "output")));
            }
        }
        return new JobStatus(Text(runInfo, "status"), Text(runInfo, "interrupted_phase"), phases, Text(runInfo, "commit"));
    }

    /// <summary>A string field, or a number's text; null where absent.</summary>
    public static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => null,
        } : null;

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : null;

    /// <summary>Whether a run folder is the output of one of this job's phases.</summary>
    public bool Produced(string runDirectory) =>
        Phases.Any(p => p.OutputFolder is { } f && string.Equals(f, Path.GetFileName(runDirectory.TrimEnd('/', '\\')), StringComparison.Ordinal));

    /// <summary>
    /// The lines that open a report of an unfinished job: which phase stopped, which complete runs the sections show
    /// (each marked when an earlier job made it), and which runs of this job were kept but are not compared. Empty for a
    /// complete job or a run.json without a status.
    /// </summary>
    public IReadOnlyList<string> Banner(ReportInputs inputs, Func<string, string> relative)
    {
        if (!Unfinished)
        {
            return [];
        }
        var phase = InterruptedPhase ?? Phases.FirstOrDefault(p => p.Status is Interrupted or Failed)?.Name;
        var lines = new List<string>
        {
            $"> **This job was {Status}**" + (phase is null ? " (run.json names no phase)." : $" in its phase `{phase}`.")
                + " Its report is incomplete: the sections show the newest complete run of each kind found under the results folder, "
                + "which may be older than this job; a section with none says so.",
        };
        var notRun = Phases.Where(p => p.Status is not Complete && p.Name != phase).Select(p => $"`{p.Name}` ({p.Status ?? "no status"})").ToList();
        if (notRun.Count > 0)
        {
            lines.Add(">");
            lines.Add($"> Other phases that did not complete: {string.Join(", ", notRun)}.");
        }
        var shown = Shown(inputs).Select(s => $"{s.Kind} `{relative(s.Directory)}`{(Produced(s.Directory) ? "" : " (an earlier job's)")}").ToList();
        if (inputs.Micro is { } micro)
        {
            shown.Add($"microbenchmarks `{relative(micro.Directory)}` (commit {micro.Provenance.CommitText}, {micro.Provenance.DateText})"
                + (!Phases.Any(p => p.Name == MicroPhase && p.Status == Complete) ? " (not from a complete micro phase of this job)"
                    : Commit is { Length: > 0 } job && micro.Provenance.Commit is { Length: > 0 } made && !job.StartsWith(made, StringComparison.Ordinal) && !made.StartsWith(job, StringComparison.Ordinal)
                        ? " (made at another commit than this job's)" : ""));
        }
        lines.Add(">");
        lines.Add(shown.Count == 0 ? "> No complete run was found: every section is empty." : $"> Runs the sections show: {string.Join("; ", shown)}.");
        var kept = inputs.Incomplete?.Where(r => Produced(r.Directory)).ToList() ?? [];
        if (kept.Count > 0)
        {
            lines.Add(">");
            lines.Add("> Kept from this job but not compared (not complete, so no section reads them): "
                + string.Join("; ", kept.Select(r => $"[`{relative(r.Directory)}`]({relative(r.Directory)}/) (status {r.Status}, "
                    + $"{r.Trials.Count.ToString(CultureInfo.InvariantCulture)} trials recorded)")) + ".");
        }
        return lines;
    }

    /// <summary>The phase name run-all.sh gives the microbenchmarks.</summary>
    public const string MicroPhase = "micro";

    /// <summary>Every load run the report's sections read, each once, with the kind of the first section that reads it.</summary>
    public static IReadOnlyList<(string Kind, string Directory)> Shown(ReportInputs inputs)
    {
        IEnumerable<(string Kind, LoadRun? Run)> all =
        [
            ("fixed-rate tables", inputs.Load), ("saturation", inputs.Saturation), ("spin-free", inputs.SpinFree), ("as shipped", inputs.AsShipped),
            ("SLO capacity", inputs.Slo), ("store outage", inputs.Outage), ("refresh", inputs.Refresh), ("refresh saturation", inputs.RefreshSaturation),
            ("fan-out", inputs.Fanout), ("store RTT", inputs.StoreRtt), ("store connections", inputs.StoreConnections), ("replication", inputs.Replication),
            ("several API servers", inputs.Instances), ("HTTP/2", inputs.Http2),
            .. (inputs.Configurations ?? []).Select(r => ("configuration", (LoadRun?)r)),
            .. (inputs.Windows ?? []).Select(r => ("windows", (LoadRun?)r)),
            .. (inputs.StoreTopologies ?? []).Select(r => ("store topology", (LoadRun?)r)),
        ];
        return [.. all.Where(x => x.Run is not null).Select(x => (x.Kind, x.Run!.Directory)).DistinctBy(x => x.Directory)];
    }
}
