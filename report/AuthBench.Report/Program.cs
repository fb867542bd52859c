using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AuthBench.Report;

var resultsOption = new Option<DirectoryInfo?>("--results") { Description = "results folder (default: results/ of the repository containing the current folder)" };
var microOption = new Option<DirectoryInfo?>("--micro") { Description = "microbenchmark folder (default: <results>/micro)" };
var loadOption = new Option<FileSystemInfo?>("--load") { Description = "load run folder or its results.json (default: the newest run under <results>/load)" };
var outOption = new Option<FileInfo?>("--out") { Description = "report file (default: <results>/README.md)" };
var chartsOption = new Option<DirectoryInfo?>("--charts") { Description = "chart folder (default: <results>/charts)" };
var rateOption = new Option<double?>("--headline-rate") { Description = "offered rate (requests/s) for the headline; default: the middle rate of the run" };
var checkOption = new Option<bool>("--check") { Description = "only check that the report has every section; exit 1 if not" };

var root = new RootCommand("AuthBench report: builds results/README.md, its charts and a github-action-benchmark JSON from results JSON alone.")
{
    resultsOption, microOption, loadOption, outOption, chartsOption, rateOption, checkOption,
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
        return Run(
            result.GetValue(resultsOption), result.GetValue(microOption), result.GetValue(loadOption),
            result.GetValue(outOption), result.GetValue(chartsOption), result.GetValue(rateOption), result.GetValue(checkOption));
    }
    catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
});
return parse.Invoke();

static int Run(DirectoryInfo? resultsDir, DirectoryInfo? microDir, FileSystemInfo? load, FileInfo? outFile, DirectoryInfo? chartsDir, double? rate, bool check)
{
    var results = resultsDir?.FullName ?? Path.Combine(RepoRoot(), "results");
    var output = outFile?.FullName ?? Path.Combine(results, "README.md");
    if (check)
    {
        if (!File.Exists(output))
        {
            Console.Error.WriteLine($"error: no report at {output}");
            return 1;
        }
        var text = File.ReadAllText(output);
        var missing = ReportBuilder.Sections.Where(s => !text.Contains("\n" + s + "\n", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"error: {output} lacks: {string.Join(", ", missing)}");
            return 1;
        }
        Console.WriteLine($"report: {output} has all {ReportBuilder.Sections.Length} sections");
        return 0;
    }

    var loadPath = ResolveLoad(load, results, r => r.IsRatesRun);
    var loadRun = loadPath is null ? null : LoadRun.Read(loadPath);
    var saturationPath = ResolveLoad(null, results, r => r.IsFindMax);
    var saturation = saturationPath is null ? null : LoadRun.Read(saturationPath);
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
    var builder = new ReportBuilder(new ReportInputs(loadRun, micro, runInfo, Path.GetDirectoryName(output)!, rate, saturation));
    var markdown = builder.Build(charts);
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    AtomicFile.WriteText(output, markdown);

    // github-action-benchmark, tool "customSmallerIsBetter": [{ name, unit, value }]
    var bench = builder.HeadlineFigures.Select(f => new Dictionary<string, object> { ["name"] = f.Name, ["unit"] = f.Unit, ["value"] = f.Value });
    AtomicFile.WriteText(Path.Combine(Path.GetDirectoryName(output)!, "headline-benchmark.json"),
        JsonSerializer.Serialize(bench, new JsonSerializerOptions { WriteIndented = true }) + "\n");

    Console.WriteLine($"report: wrote {output} ({builder.HeadlineFigures.Count} headline figures; load: {loadPath ?? "none"}; saturation: {saturationPath ?? "none"}; micro: {micro?.Benchmarks.Count.ToString(CultureInfo.InvariantCulture) ?? "none"} benchmarks)");
    return 0;
}

static string? ResolveLoad(FileSystemInfo? load, string results, Func<LoadRun, bool> wanted)
{
    if (load is not null)
    {
        var path = Directory.Exists(load.FullName) ? Path.Combine(load.FullName, "results.json") : load.FullName;
        return File.Exists(path) ? path : throw new ArgumentException($"no results.json at {path}");
    }
    var loadRoot = Path.Combine(results, "load");
    if (!Directory.Exists(loadRoot))
    {
        return null;
    }
    // Run folders are named by UTC timestamp, so the newest sorts last; only complete runs of the wanted kind count.
    return Directory.GetDirectories(loadRoot)
        .Select(d => Path.Combine(d, "results.json"))
        .Where(File.Exists)
        .Order(StringComparer.Ordinal)
        .LastOrDefault(p => LoadRun.Read(p) is { Status: "complete" } run && wanted(run));
}

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "AuthBench.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("cannot find the repository root (AuthBench.sln); pass --results");
}
