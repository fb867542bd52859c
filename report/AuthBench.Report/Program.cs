using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report;

var resultsOption = new Option<DirectoryInfo?>("--results") { Description = "results folder (default: results/ of the repository containing the current folder)" };
var microOption = new Option<DirectoryInfo?>("--micro") { Description = "microbenchmark folder (default: <results>/micro)" };
var loadOption = new Option<FileSystemInfo?>("--load") { Description = "load run folder or its results.json (default: the newest run under <results>/load)" };
var outOption = new Option<FileInfo?>("--out") { Description = "report file (default: <results>/README.md)" };
var chartsOption = new Option<DirectoryInfo?>("--charts") { Description = "chart folder (default: <results>/charts)" };
var rateOption = new Option<double?>("--headline-rate") { Description = "offered rate (requests/s) for the headline; default: the middle rate of the run" };
var checkOption = new Option<string[]>("--check")
{
    Description = "check instead of building: 'report' (the report has every section), 'fault RUN' (a store-outage run: "
        + "fail-closed arms accepted nothing and recovered, the others kept answering), 'quick RUN' (a smoke run: complete, no errors), "
        + "'relay FILE' (a relay calibration: no step early, every median error within the bound the report quotes); "
        + "RUN is a run folder or its results.json; exit 1 when a check fails",
    Arity = new ArgumentArity(1, 2),
    AllowMultipleArgumentsPerToken = true,
};
var figuresOption = new Option<FileSystemInfo?>("--figures") { Description = "print one line per trial of RUN: label, achieved req/s, p50 µs, p99 µs, load-generator CPU µs/request" };
var armInfoOption = new Option<string?>("--arm-info")
{
    Description = $"print what a script needs to drive an arm ({ArmCatalogue.NameList}; default: the baseline): "
        + "'<name> <transport: none|cookie|bearerheader> <cookie name or -> <needs store: true|false> <per algorithm: true|false>'",
    Arity = ArgumentArity.ZeroOrOne,
};
var requestsPerUserOption = new Option<string?>("--requests-per-user")
{
    Description = "API requests per active user and second that the hybrid refresh cost is amortised over, comma-separated (default: "
        + string.Join(",", AuthBench.Report.Sections.RefreshCostSection.DefaultRequestsPerUser.Select(r => r.ToString(CultureInfo.InvariantCulture))) + ")",
};
var summaryOption = new Option<FileInfo?>("--summary")
{
    Description = "also write the CI job summary to FILE: the report's opening (with the banner of an unfinished job), its Verdict and its Headline, markdown",
};
var provenanceOption = new Option<bool>("--provenance") { Description = "print the repository's commit and whether its work tree is dirty ('<sha> true|false'), for run.json" };

var root = new RootCommand("AuthBench report: builds results/README.md, its charts and a github-action-benchmark JSON from results JSON alone.")
{
    resultsOption, microOption, loadOption, outOption, chartsOption, rateOption, checkOption, figuresOption, armInfoOption, requestsPerUserOption, provenanceOption, summaryOption,
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
    return 2;
}
root.SetAction(result =>
{
    try
    {
        if (result.GetValue(provenanceOption))
        {
            var git = GitProvenance.Read();
            Console.WriteLine(git is null ? "unknown false" : $"{git.Commit} {(git.Dirty ? "true" : "false")}");
            return 0;
        }
        if (result.GetResult(armInfoOption) is not null)
        {
            Console.WriteLine(ArmLine.Line(result.GetValue(armInfoOption)));
            return 0;
        }
        if (result.GetValue(figuresOption) is { } figures)
        {
            foreach (var line in RunChecks.Figures(ResultsJson.Read(RunFile(figures.FullName))))
            {
                Console.WriteLine(line);
            }
            return 0;
        }
        var results = result.GetValue(resultsOption)?.FullName ?? Path.Combine(RepoPaths.FindRoot() ?? throw new ArgumentException("cannot find the repository root (AuthBench.sln); pass --results"), "results");
        var output = result.GetValue(outOption)?.FullName ?? Path.Combine(results, "README.md");
        if (result.GetValue(checkOption) is { Length: > 0 } check)
        {
            return Check(check, output);
        }
        var perUser = result.GetValue(requestsPerUserOption) is { } text ? AuthBench.Report.Sections.RefreshCostSection.ParseRequestsPerUser(text) : null;
        return Build(results, result.GetValue(microOption), result.GetValue(loadOption), output, result.GetValue(chartsOption), result.GetValue(rateOption), perUser,
            result.GetValue(summaryOption)?.FullName);
    }
    catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
});
return parse.Invoke();

static int Check(string[] check, string report)
{
    var (kind, run) = (check[0], check.Length > 1 ? check[1] : null);
    var result = kind switch
    {
        "report" when run is null => ReportSections(report),
        "fault" or "quick" or "relay" when run is null => throw new ArgumentException($"--check {kind} needs a run folder or results.json"),
        "fault" => RunChecks.Fault(ResultsJson.Read(RunFile(run))),
        "quick" => RunChecks.Quick(ResultsJson.Read(RunFile(run))),
        "relay" => RunChecks.Relay(RelayCalibrationJson.Deserialize(File.ReadAllText(RelayFile(run)))),
        "report" => throw new ArgumentException("--check report takes no run: it checks --out (default <results>/README.md)"),
        _ => throw new ArgumentException($"--check '{kind}' is not a check: use report, fault RUN, quick RUN or relay FILE"),
    };
    foreach (var line in result.Output)
    {
        Console.WriteLine(line);
    }
    foreach (var failure in result.Failures)
    {
        Console.Error.WriteLine($"error: {failure}");
    }
    return result.Passed ? 0 : 1;
}

static CheckResult ReportSections(string output)
{
    if (!File.Exists(output))
    {
        return new CheckResult([], [$"no report at {output}"]);
    }
    var text = File.ReadAllText(output);
    var missing = ReportBuilder.Sections.Where(s => !text.Contains("\n" + s + "\n", StringComparison.Ordinal)).ToList();
    return missing.Count > 0
        ? new CheckResult([], [$"{output} lacks: {string.Join(", ", missing)}"])
        : new CheckResult([$"report: {output} has all {ReportBuilder.Sections.Length} sections"], []);
}

static string RelayFile(string path)
{
    var file = Directory.Exists(path) ? Path.Combine(path, "relay-calibration.json") : path;
    return File.Exists(file) ? file : throw new ArgumentException($"no relay-calibration.json at {file}");
}

static string RunFile(string path)
{
    var file = Directory.Exists(path) ? Path.Combine(path, "results.json") : path;
    return File.Exists(file) ? file : throw new ArgumentException($"no results.json at {file}");
}

static int Build(string results, DirectoryInfo? microDir, FileSystemInfo? load, string output, DirectoryInfo? chartsDir, double? rate, IReadOnlyList<double>? requestsPerUser,
    string? summary)
{
    // Every complete run, read once; each kind is the newest of its mode and settings (RunSelection), --load replaces the load run.
    var runs = RunSelection.Find(results, load is null ? null : RunFile(load.FullName));
    var loadPath = runs.Load;
    var loadRun = runs.Run(loadPath);
    var (spinFree, asShipped, saturation, slo) = (runs.Run(runs.SpinFree), runs.Run(runs.AsShipped), runs.Run(runs.Saturation), runs.Run(runs.Slo));
    var outage = runs.Run(runs.Outage);
    var configurations = runs.Configurations.Select(runs.Run).OfType<LoadRun>().ToList();
    var micro = MicroRun.Read(microDir?.FullName ?? Path.Combine(results, "micro"));
    var runInfoPath = Path.Combine(results, "run.json");
    JsonElement runInfo = default;
    if (File.Exists(runInfoPath))
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(runInfoPath));
        runInfo = doc.RootElement.Clone();
    }
    if (loadRun is null && micro is null)
    {
        Console.Error.WriteLine($"error: no results under {results} (expected micro/*-report-full.json or load/<run>/results.json)");
        return 2;
    }

    var charts = chartsDir?.FullName ?? Path.Combine(results, "charts");
    var builder = new ReportBuilder(new ReportInputs(loadRun, micro, runInfo, Path.GetDirectoryName(output)!, rate, saturation,
        Slo: slo, SpinFree: spinFree, AsShipped: asShipped, CrosscheckDirectory: Path.Combine(results, "crosscheck"), Outage: outage,
        Configurations: configurations, Refresh: runs.Run(runs.Refresh), RefreshSaturation: runs.Run(runs.RefreshSaturation), RequestsPerUser: requestsPerUser,
        Fanout: runs.Run(runs.Fanout),
        Windows: [.. runs.Windows.Select(runs.Run).OfType<LoadRun>()],
        StoreRtt: runs.Run(runs.StoreRtt), RelayCalibration: runs.RelayCalibration is { } relay ? RelayCalibrationRun.Read(relay) : null,
        StoreConnections: runs.Run(runs.StoreConnections), Replication: runs.Run(runs.Replication),
        Instances: runs.Run(runs.Instances), Http2: runs.Run(runs.Http2),
        StoreTopologies: [.. runs.StoreTopologies.Select(runs.Run).OfType<LoadRun>()],
        Incomplete: RunSelection.NotComplete(Path.Combine(results, "load"))));
    var markdown = builder.Build(charts);
    AtomicFile.WriteAllText(output, markdown);

    builder.WriteBenchmarkFiles(Path.GetDirectoryName(output)!);
    if (summary is not null)
    {
        AtomicFile.WriteAllText(summary, builder.Summary());
    }
    string Beside(string? path, bool loadHasIt) => path ?? (loadHasIt ? "the load run" : "no run");
    Console.WriteLine($"report: wrote {output} ({builder.HeadlineFigures.Count} headline figures; load: {loadPath ?? "no run"}; "
        + $"spin-free: {Beside(runs.SpinFree, loadRun is { IsSpinFree: true })}; as shipped: {Beside(runs.AsShipped, loadRun is { IsAsShipped: true })}; "
        + $"saturation: {runs.Saturation ?? "no run"}; slo: {runs.Slo ?? "no run"}; outage: {runs.Outage ?? "no run"}; other configurations: {configurations.Count.ToString(CultureInfo.InvariantCulture)}; refresh: {runs.Refresh ?? "no run"}; refresh saturation: {runs.RefreshSaturation ?? "no run"}; fan-out: {runs.Fanout ?? "no run"}; windows: {runs.Windows.Count.ToString(CultureInfo.InvariantCulture)}; store RTT: {runs.StoreRtt ?? "no run"}; relay calibration: {runs.RelayCalibration ?? "none"}; store connections: {runs.StoreConnections ?? "no run"}; replication: {runs.Replication ?? "no run"}; http/2: {runs.Http2 ?? "no run"}; micro: {micro?.Benchmarks.Count.ToString(CultureInfo.InvariantCulture) ?? "no"} benchmarks)");
    return 0;
}
