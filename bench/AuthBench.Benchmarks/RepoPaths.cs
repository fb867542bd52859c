namespace AuthBench.Benchmarks;

/// <summary>Where results go: <c>results/micro/</c> under the repository root, unless the user says otherwise.</summary>
public static class RepoPaths
{
    /// <summary>Overrides the artifacts directory (BenchmarkDotNet's <c>--artifacts</c> does too, and wins).</summary>
    public const string ResultsEnvVar = "AUTHBENCH_BENCH_RESULTS";

    public const string SolutionFile = "AuthBench.sln";

    /// <summary>The repository root: the first directory upwards holding AuthBench.sln, from the working directory or the binary.</summary>
    public static string? FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }

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
        return Path.Combine(FindRoot() ?? Environment.CurrentDirectory, "results", "micro");
    }
}
