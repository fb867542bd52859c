using System.Collections.Concurrent;
using System.Diagnostics;

namespace AuthBench.Store.Internal;

/// <summary>
/// Every store process we start, so none outlives us: killed on normal exit, SIGTERM (ProcessExit)
/// and Ctrl+C. A SIGKILL of our process cannot be caught; the Garnet host also exits when its
/// standard input closes, and redis-server children are then orphans on a random loopback port.
/// </summary>
internal static class OwnedProcesses
{
    private static readonly ConcurrentDictionary<int, Process> s_live = new();
    private static readonly ConcurrentDictionary<object, Func<Task>> s_cleanups = new();
    private static int s_hooked;

    public static void Add(Process process)
    {
        Hook();
        s_live[process.Id] = process;
    }

    /// <summary>Other things to undo at exit (containers); bounded to a few seconds each.</summary>
    public static void AddCleanup(object owner, Func<Task> cleanup)
    {
        Hook();
        s_cleanups[owner] = cleanup;
    }

    public static void RemoveCleanup(object owner) => s_cleanups.TryRemove(owner, out _);

    private static void Hook()
    {
        if (Interlocked.Exchange(ref s_hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
            Console.CancelKeyPress += (_, _) => KillAll();
        }
    }

    public static void Remove(Process process) => s_live.TryRemove(process.Id, out _);

    private static void KillAll()
    {
        foreach (var (_, process) in s_live)
        {
            try
            {
                // A stopped (SIGSTOP) process ignores SIGTERM until continued; SIGKILL always works.
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }

        s_live.Clear();

        foreach (var (owner, cleanup) in s_cleanups)
        {
            try
            {
                cleanup().Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }

            s_cleanups.TryRemove(owner, out _);
        }
    }
}
