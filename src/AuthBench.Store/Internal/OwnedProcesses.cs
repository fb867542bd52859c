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
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private static readonly ConcurrentDictionary<object, Func<Task>> Cleanups = new();
    private static int _hooked;

    public static void Add(Process process)
    {
        Hook();
        Live[process.Id] = process;
    }

    /// <summary>Other things to undo at exit (containers); bounded to a few seconds each.</summary>
    public static void AddCleanup(object owner, Func<Task> cleanup)
    {
        Hook();
        Cleanups[owner] = cleanup;
    }

    public static void RemoveCleanup(object owner) => Cleanups.TryRemove(owner, out _);

    private static void Hook()
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
            Console.CancelKeyPress += (_, _) => KillAll();
        }
    }

    public static void Remove(Process process) => Live.TryRemove(process.Id, out _);

    private static void KillAll()
    {
        foreach (var (_, process) in Live)
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

        Live.Clear();

        foreach (var (owner, cleanup) in Cleanups)
        {
            try
            {
                cleanup().Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }

            Cleanups.TryRemove(owner, out _);
        }
    }
}
