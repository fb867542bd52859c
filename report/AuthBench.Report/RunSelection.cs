namespace AuthBench.Report;

/// <summary>
/// Which load runs under results/load a report uses, found by their settings: the newest complete one of each kind.
/// The fixed-rate tables show the spin-free run where one exists, else the newest fixed-rate run; the as-shipped run
/// goes beside it in the CPU reconciliation.
/// </summary>
public sealed record RunSelection(string? Load, string? AsShipped, string? Saturation)
{
    public static RunSelection Find(string results, string? explicitLoad = null)
    {
        var load = explicitLoad ?? Newest(results, r => r.IsRatesRun && r.IsSpinFree) ?? Newest(results, r => r.IsRatesRun);
        var loadIsAsShipped = load is not null && LoadRun.Read(load).IsAsShipped;
        return new RunSelection(load, loadIsAsShipped ? null : Newest(results, r => r.IsRatesRun && r.IsAsShipped), Newest(results, r => r.IsFindMax));
    }

    /// <summary>The newest complete run of the wanted kind under &lt;results&gt;/load, or null.</summary>
    public static string? Newest(string results, Func<LoadRun, bool> wanted)
    {
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
}
