using System.Runtime.InteropServices;

namespace AuthBench.Common;

/// <summary>The dotnet muxer that starts AuthBench's child processes (the API, the Garnet host).</summary>
public static class DotnetHost
{
    /// <summary>DOTNET_HOST_PATH, the muxer running this process, DOTNET_ROOT, the running runtime's root, else "dotnet" (PATH).</summary>
    public static string Find()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var fromEnv = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
        {
            return fromEnv;
        }
        var self = Environment.ProcessPath;
        if (self is not null && string.Equals(Path.GetFileName(self), exe, StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, exe)))
        {
            return Path.Combine(root, exe);
        }
        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var fromRuntime = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", exe));
        return File.Exists(fromRuntime) ? fromRuntime : exe;
    }
}
