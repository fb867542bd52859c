using AuthBench.Common;

namespace AuthBench.Benchmarks;

/// <summary>Where results go: <c>results/micro/</c> under the repository root, unless the user says otherwise.</summary>
public static class ResultsPaths
{
    /// <summary>Overrides the artifacts directory (BenchmarkDotNet's <c>--artifacts</c> does too, and wins).</summary>
    public const string ResultsEnvVar = "AUTHBENCH_BENCH_RESULTS";

    /// <summary>
    /// The artifacts directory: <c>--artifacts DIR</c>, else <see cref="ResultsEnvVar"/>, else <c>&lt;root&gt;/results/micro</c>,
    /// else (outside a clone) <c>./results/micro</c>.
    /// </summary>
    public static string ResultsDirectory(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--artifacts" && i + 1 < args.Count)
            {
                return Path.GetFullPath(args[i + 1]);
            }
            if (args[i].StartsWith("--artifacts=", StringComparison.Ordinal))
            {
                return Path.GetFullPath(args[i]["--artifacts=".Length..]);
            }
        }
        var fromEnv = Environment.GetEnvironmentVariable(ResultsEnvVar);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }
        return Path.Combine(RepoPaths.FindRoot() ?? Environment.CurrentDirectory, "results", "micro");
    }
}
