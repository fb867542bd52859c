using System.Diagnostics;

namespace AuthBench.Common;

/// <summary>
/// Which code produced a result: HEAD of the repository, and whether the work tree differs from it. One definition
/// of "dirty" for every tool: a tracked change or an untracked, not ignored file anywhere but under <c>results/</c>
/// (what a run itself writes). An untracked source file counts: the build compiles it.
/// </summary>
public sealed record GitProvenance(string Commit, bool Dirty)
{
    /// <summary>The folder results are written to; changes there never make a tree dirty.</summary>
    public const string ResultsFolder = "results";

    /// <summary>"&lt;sha&gt;" or "&lt;sha&gt;-dirty".</summary>
    public override string ToString() => Dirty ? Commit + "-dirty" : Commit;

    /// <summary>The provenance of the repository holding <paramref name="directory"/> (default: the repository root this tool runs from); null outside a git clone or without git.</summary>
    public static GitProvenance? Read(string? directory = null)
    {
        var root = directory ?? RepoPaths.FindRoot();
        if (root is null)
        {
            return null;
        }
        var commit = Git(root, "rev-parse", "HEAD");
        if (string.IsNullOrEmpty(commit))
        {
            return null;
        }
        var status = Git(root, "status", "--porcelain", "--untracked-files=all", "--", ".", $":(exclude){ResultsFolder}");
        return new GitProvenance(commit, status is null || status.Length > 0);
    }

    private static string? Git(string directory, params string[] arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            foreach (var a in arguments)
            {
                info.ArgumentList.Add(a);
            }
            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }
            var stderr = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            _ = stderr.GetAwaiter().GetResult();
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on PATH
        }
    }
}
