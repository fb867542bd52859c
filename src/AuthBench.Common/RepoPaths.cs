namespace AuthBench.Common;

/// <summary>The AuthBench repository a tool runs from.</summary>
public static class RepoPaths
{
    public const string SolutionFile = "AuthBench.sln";

    /// <summary>The first directory upwards holding AuthBench.sln, from the working directory, then from the binary; null outside a clone.</summary>
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
}
