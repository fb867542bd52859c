using System.Text.Json;
using AuthBench.Common;
using AuthBench.Report.Sections;

namespace AuthBench.Report;

/// <summary>
/// Inputs of one report: whatever result sets exist. <paramref name="Load"/> is the fixed-rate run whose tables the load
/// sections show (the spin-free one where there is one); <paramref name="SpinFree"/> and <paramref name="AsShipped"/> the
/// newest fixed-rate run of each thread-pool setting found beside it (null, or <paramref name="Load"/> itself, where
/// <paramref name="Load"/> has that setting: it then stands for it, see <see cref="ReportContext.SpinFree"/> and
/// <see cref="ReportContext.AsShipped"/>); <paramref name="Slo"/> the newest SLO capacity search;
/// <paramref name="CrosscheckDirectory"/> the folder of the published wrk cross-checks; <paramref name="Refresh"/> and
/// <paramref name="RefreshSaturation"/> the newest refresh-only runs at fixed rates and closed loop;
/// <paramref name="RequestsPerUser"/> the API requests per active user and second the refresh cost is amortised over
/// (null: <see cref="RefreshCostSection.DefaultRequestsPerUser"/>); <paramref name="Http2"/> the newest run that compared wires
/// (<see cref="RunSelection.IsHttp2Run"/>); <paramref name="Incomplete"/> the load runs that are not complete (interrupted,
/// failed), which no section compares and the banner of an unfinished job lists (<see cref="JobStatus.Banner"/>).
/// </summary>
public sealed record ReportInputs(LoadRun? Load, MicroRun? Micro, JsonElement RunInfo, string ResultsRoot, double? HeadlineRate, LoadRun? Saturation = null,
    LoadRun? Slo = null, LoadRun? SpinFree = null, LoadRun? AsShipped = null, string? CrosscheckDirectory = null, LoadRun? Outage = null,
    IReadOnlyList<LoadRun>? Configurations = null, LoadRun? Refresh = null, LoadRun? RefreshSaturation = null, IReadOnlyList<double>? RequestsPerUser = null,
    LoadRun? Fanout = null, IReadOnlyList<LoadRun>? Windows = null, LoadRun? StoreRtt = null, RelayCalibrationRun? RelayCalibration = null,
    LoadRun? StoreConnections = null, LoadRun? Replication = null, LoadRun? Instances = null, LoadRun? Http2 = null,
    IReadOnlyList<LoadRun>? StoreTopologies = null, IReadOnlyList<LoadRun>? Incomplete = null);

/// <summary>A relay-calibration.json (<c>relay-calibrate</c>) with the path it was read from.</summary>
public sealed record RelayCalibrationRun(string Path, Contracts.Results.RelayCalibrationResults Results)
{
    public static RelayCalibrationRun Read(string path) =>
        new(System.IO.Path.GetFullPath(path), Contracts.Results.RelayCalibrationJson.Deserialize(File.ReadAllText(path)));
}

/// <summary>Builds results/README.md and its charts from results JSON alone: same inputs, same output. It only orders the sections.</summary>
public sealed class ReportBuilder(ReportInputs inputs)
{
    /// <summary>The report's sections, in order.</summary>
    public static readonly IReadOnlyList<IReportSection> DefaultSections =
    [
        new HeadlineSection(),
        new MicrobenchmarksSection(),
        new LoadTestsSection(),
        new StoreRttSection(),
        new ConfigurationsSection(),
        new Http2Section(),
        new CpuReconciliationSection(),
        new SloCapacitySection(),
        new StoreOutageSection(),
        new StoreRealismSection(),
        new WindowsSection(),
        new GeneratorSection(),
        new CapacityModelSection(),
        new RefreshCostSection(),
        new FanoutSection(),
        new InstancesSection(),
        new ChartsSection(),
        new CaveatsSection(),
        new EnvironmentSection(),
        new RawDataSection(),
    ];

    /// <summary>The verdict: written after every other section (from their findings), placed first.</summary>
    public static readonly IReportSection Verdict = new VerdictSection();

    /// <summary>Section headings in the order of the report; CI checks that a generated report has every one.</summary>
    public static readonly string[] Sections = [Verdict.Heading, .. DefaultSections.Select(s => s.Heading)];

    /// <summary>github-action-benchmark's input, tool "customSmallerIsBetter": every headline figure where less is better.</summary>
    public const string SmallerIsBetterFile = "headline-benchmark.json";

    /// <summary>github-action-benchmark's input, tool "customBiggerIsBetter": throughput and the other figures where more is better.</summary>
    public const string BiggerIsBetterFile = "headline-benchmark-bigger.json";

    /// <summary>The sections the CI job summary shows (<see cref="Summary"/>), found by heading wherever they stand in the report.</summary>
    public static readonly IReadOnlyList<string> SummaryHeadings = [Verdict.Heading, new HeadlineSection().Heading];

    private List<HeadlineFigure> _headline = [];

    private readonly List<(string Heading, string Markdown)> _sections = [];

    private string _opening = "";

    public IReadOnlyList<HeadlineFigure> HeadlineFigures => _headline;

    public string Build(string chartsDirectory)
    {
        var report = new ReportContext(inputs, chartsDirectory);
        report.Line("# AuthBench results: what session cookies and JWTs cost per request");
        report.Line();
        report.Line("Generated by `dotnet run -c Release --project report/AuthBench.Report` from the JSON files linked under "
            + "[Raw data](#raw-data); every figure below is read from them, none is typed in. "
            + "Regenerate it with the same command: the same inputs give the same file.");
        report.Line();
        var banner = JobStatus.Read(inputs.RunInfo).Banner(inputs, report.Relative);
        foreach (var line in banner)
        {
            report.Line(line);
        }
        if (banner.Count > 0)
        {
            report.Line();
        }
        report.Line($"What produced these figures (machine, runtime, store, the job's commands and phases): [{EnvironmentSection.Title}](#{EnvironmentSection.Anchor}).");
        report.Line();
        // Each section into its own stretch of the buffer: the verdict, built last from what the others found, goes first.
        _opening = Take(report);
        _sections.Clear();
        foreach (var section in DefaultSections)
        {
            report.Line(section.Heading);
            report.Line();
            section.Write(report);
            _sections.Add((section.Heading, Take(report)));
        }
        report.Line(Verdict.Heading);
        report.Line();
        Verdict.Write(report);
        _sections.Insert(0, (Verdict.Heading, Take(report)));
        _headline = report.Headline;
        return _opening + string.Concat(_sections.Select(x => x.Markdown));

        static string Take(ReportContext report)
        {
            var text = report.Markdown.ToString();
            report.Markdown.Clear();
            return text;
        }
    }

    /// <summary>
    /// The CI job summary of the last <see cref="Build"/>: the title and banner, then the sections of
    /// <see cref="SummaryHeadings"/> that the report has, in report order, and a line saying where the rest is.
    /// </summary>
    public string Summary()
    {
        var text = new System.Text.StringBuilder(_opening);
        foreach (var (heading, markdown) in _sections.Where(s => SummaryHeadings.Contains(s.Heading)))
        {
            text.Append(markdown);
        }
        text.AppendLine("The whole report (every section, the raw data) is README.md in the results artifact.");
        return text.ToString();
    }

    /// <summary>
    /// github-action-benchmark's inputs, [{ name, unit, value, range, extra }]: the smaller-is-better figures in
    /// <see cref="SmallerIsBetterFile"/>, the bigger-is-better ones (throughput) in <see cref="BiggerIsBetterFile"/>.
    /// </summary>
    public void WriteBenchmarkFiles(string directory)
    {
        Write(Path.Combine(directory, SmallerIsBetterFile), _headline.Where(f => !f.BiggerIsBetter));
        Write(Path.Combine(directory, BiggerIsBetterFile), _headline.Where(f => f.BiggerIsBetter));

        static void Write(string path, IEnumerable<HeadlineFigure> figures)
        {
            var bench = figures.Select(f =>
            {
                var entry = new Dictionary<string, object> { ["name"] = f.Name, ["unit"] = f.Unit, ["value"] = f.Value };
                if (f.Range is not null)
                {
                    entry["range"] = f.Range;
                }
                if (f.Extra is not null)
                {
                    entry["extra"] = $"source: {f.Extra}";
                }
                return entry;
            });
            AtomicFile.WriteAllText(path, JsonSerializer.Serialize(bench, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
    }
}
