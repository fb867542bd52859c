using AuthBench.Common;

namespace AuthBench.Benchmarks;

/// <summary>
/// AuthBench's own switches, taken out before the rest goes to BenchmarkDotNet (which rejects switches it does not know):
/// <c>--store MODE|CONNSTR</c> (default auto), <c>--sizes</c> (write sizes.md/json and exit) and <c>--check-floors</c>
/// (check in one process that every floor is cheaper than its measured operations, and exit).
/// </summary>
public sealed record HostOptions(string Store, bool StoreGiven, bool SizesOnly, bool CheckFloors, string[] BenchmarkArgs, string[] OriginalArgs)
{
    private static readonly string[] ListingSwitches = ["--list", "--help", "-h", "-?", "--version", "--info"];

    /// <summary>Switches that name the benchmarks to run: without one, BenchmarkSwitcher asks at the console.</summary>
    private static readonly string[] SelectionSwitches = ["--filter", "-f", "--anyCategories", "--allCategories"];

    /// <summary>
    /// The live display at a terminal (<see cref="ProgressText.Detect"/>), when the benchmarks are named and nothing is
    /// only listed: BenchmarkSwitcher's chooser and listings write to the console logger, which the live display replaces.
    /// </summary>
    public ProgressMode ProgressMode(ProgressMode console) =>
        console is Common.ProgressMode.Live && !IsListing && BenchmarkArgs.Any(a => SelectionSwitches.Contains(a.Split('=')[0], StringComparer.OrdinalIgnoreCase))
            ? Common.ProgressMode.Live
            : Common.ProgressMode.Plain;

    public bool IsListing => BenchmarkArgs.Any(a => ListingSwitches.Contains(a.Split('=')[0], StringComparer.OrdinalIgnoreCase));

    /// <summary>Null (after a message on stderr) when the input is unusable.</summary>
    public static HostOptions? Parse(string[] args)
    {
        var store = "auto";
        var storeGiven = false;
        var sizes = false;
        var checkFloors = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--sizes")
            {
                sizes = true;
            }
            else if (arg == "--check-floors")
            {
                checkFloors = true;
            }
            else if (arg == "--store" || arg.StartsWith("--store=", StringComparison.Ordinal))
            {
                var value = arg == "--store" ? (i + 1 < args.Length ? args[++i] : null) : arg["--store=".Length..];
                if (string.IsNullOrWhiteSpace(value) || value.StartsWith("--", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine("error: --store needs a value: auto, redis-server, docker, docker-host, garnet or a Redis connection string");
                    return null;
                }
                store = value;
                storeGiven = true;
            }
            else
            {
                rest.Add(arg);
            }
        }
        return new HostOptions(store, storeGiven, sizes, checkFloors, [.. rest], args);
    }
}
