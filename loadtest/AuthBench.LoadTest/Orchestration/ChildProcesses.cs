using System.Collections.Concurrent;
using System.Diagnostics;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>Every process the load test starts, killed on exit whatever the path out (normal, Ctrl+C, SIGTERM, crash).</summary>
internal static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private static int _hooked;

    public static void Add(Process process)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
            AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
        }
        Live[process.Id] = process;
    }

    public static void Stop(Process process)
    {
        Live.TryRemove(process.Id, out _);
        Kill(process);
    }

    public static void KillAll()
    {
        foreach (var (id, process) in Live)
        {
            Live.TryRemove(id, out _);
            Kill(process);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }
}
