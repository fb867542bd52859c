using System.Runtime.InteropServices;

namespace AuthBench.Store.Internal;

/// <summary>POSIX signals for child processes (Process offers only SIGKILL).</summary>
internal static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigStop = 19;
    public const int SigCont = 18;

    public static bool Send(int pid, int signal) =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? SysKill(pid, signal) == 0 : false;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int sig);
}
