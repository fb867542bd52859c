namespace AuthBench.Report;

/// <summary>
/// Which load runs the report reads: of the complete runs under results/load, the newest of each kind, found by its
/// mode and settings (never by folder name). Run folders are named by UTC timestamp, so the newest sorts last.
/// </summary>
public static class RunSelection
{
    /// <summary>Every complete run under <paramref name="loadRoot"/> with its results.json path, oldest first.</summary>
    public static IReadOnlyList<(string Path, LoadRun Run)> Complete(string loadRoot) =>
        !Directory.Exists(loadRoot) ? []
        : [.. Directory.GetDirectories(loadRoot)
            .Select(d => Path.Combine(d, "results.json"))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .Select(p => (Path: p, Run: LoadRun.Read(p)))
            .Where(r => r.Run.Status == "complete")];

    /// <summary>The newest run of a kind, or null.</summary>
    public static (string Path, LoadRun Run)? Newest(IReadOnlyList<(string Path, LoadRun Run)> runs, Func<LoadRun, bool> kind) =>
        runs.LastOrDefault(r => kind(r.Run)) is { Run: not null } found ? found : null;

    /// <summary>A fixed-rate run with every API spin-free.</summary>
    public static bool IsSpinFreeRates(LoadRun run) => run.IsRatesRun && run.IsSpinFree;

    /// <summary>A fixed-rate run as shipped (the runtime's default spin limit).</summary>
    public static bool IsAsShippedRates(LoadRun run) => run.IsRatesRun && !run.IsSpinFree;

    /// <summary>An SLO search that recorded capacities.</summary>
    public static bool IsSloRun(LoadRun run) => run.IsSlo && run.Results.Slo.Count > 0;

    /// <summary>
    /// The fixed-rate runs the report uses: spin-free first, then as shipped; where neither was found by kind (a run
    /// given with --load, or a test's inputs), the load run alone.
    /// </summary>
    public static IReadOnlyList<LoadRun> FixedRate(ReportInputs inputs)
    {
        List<LoadRun> runs = [.. new[] { inputs.SpinFree, inputs.AsShipped }.OfType<LoadRun>()];
        if (inputs.Load is { } load && !runs.Any(r => r.Directory == load.Directory))
        {
            runs.Insert(0, load);
        }
        return runs;
    }

    /// <summary>How a fixed-rate run ran its thread pool, for the report's prose.</summary>
    public static string SpinName(LoadRun run) => run.IsSpinFree
        ? $"spin-free (`DOTNET_ThreadPool_UnfairSemaphoreSpinLimit={run.Results.Settings.SpinLimit}` in every API)"
        : run.Results.Settings.SpinLimit is { } limit && limit != "as-shipped"
            ? $"spin limit {limit}"
            : "as shipped (the runtime's default thread-pool spinning)";

    /// <summary>One sentence saying which fixed-rate run the load tables show and why, or "" when there is no choice to explain.</summary>
    public static string LoadRunChoice(ReportInputs inputs, Func<string, string> relative)
    {
        if (inputs.Load is not { } load)
        {
            return "";
        }
        var link = $"[`{relative(load.Directory)}`]({relative(load.Directory)}/{load.FileName})";
        var other = FixedRate(inputs).FirstOrDefault(r => r.Directory != load.Directory);
        return other is null
            ? $"These tables come from {link}, {SpinName(load)}."
            : $"These tables come from {link}, {SpinName(load)}; the newest run {SpinName(other)}, "
              + $"[`{relative(other.Directory)}`]({relative(other.Directory)}/{other.FileName}), is not shown here: "
              + (load.IsSpinFree ? "the spin-free run is preferred because idle spinning inflates CPU per request at fixed rates. " : "")
              + "Both appear under [Generator](#generator).";
    }
}
