using System.Runtime.InteropServices;

namespace AuthBench.Common;

/// <summary>POSIX signals for child processes (Process offers only SIGKILL): the store's pause and stop, the idle APIs' freeze.</summary>
public static partial class Signals
{
    // Linux numbers (x86-64 and arm64 agree); other systems are not supported by Send.
    public const int SigTerm = 15;
    public const int SigStop = 19;
    public const int SigCont = 18;

    /// <summary>kill(2); false when the signal could not be sent (no such process, not Linux).</summary>
    public static bool Send(int pid, int signal) => OperatingSystem.IsLinux() && SysKill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int sig);
}
