using System.Runtime.InteropServices;

namespace AuthBench.Common;

/// <summary>
/// Pins processes to a <see cref="CpuSet"/> with sched_setaffinity(2), thread by thread, and reads the result back
/// from /proc (Linux). sched_setaffinity rather than util-linux taskset: no second process per pin, an errno instead
/// of parsed output, and nothing to install. It does what <c>taskset -a -p -c</c> does: one call per thread of
/// /proc/&lt;pid&gt;/task, since affinity belongs to a thread, and threads created later inherit their creator's.
/// </summary>
public static partial class CpuAffinity
{
    private const int MaskWords = (CpuSet.MaxCpu + 1) / 64;
    private const int PassLimit = 5;
    private const int Esrch = 3;

    /// <summary>
    /// Sets the affinity of every thread of <paramref name="pid"/>, repeating (at most 5 passes) while new threads
    /// appear, since one created by a not-yet-pinned thread would keep the old mask. Returns null, or why it failed.
    /// </summary>
    public static string? PinProcess(int pid, CpuSet cpus)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "CPU affinity is set through sched_setaffinity, which needs Linux";
        }
        var done = new HashSet<int>();
        for (var pass = 0; pass < PassLimit; pass++)
        {
            var fresh = ProcStat.ReadTasks(pid).Where(done.Add).ToList();
            if (fresh.Count == 0)
            {
                return done.Count > 0 ? null : $"process {pid} has no threads to pin (it has exited)";
            }
            foreach (var tid in fresh)
            {
                if (SetThread(tid, cpus) is { } errno && errno != Esrch)
                {
                    return $"sched_setaffinity(thread {tid} of process {pid}, {cpus}) failed with errno {errno}";
                }
            }
        }
        return null;
    }

    /// <summary>Sets the affinity of one thread (0: the calling thread); null on success, else errno.</summary>
    public static int? SetThread(int tid, CpuSet cpus)
    {
        var mask = new ulong[MaskWords];
        foreach (var cpu in cpus.Cpus)
        {
            mask[cpu / 64] |= 1UL << (cpu % 64);
        }
        return SchedSetAffinity(tid, (nuint)(mask.Length * sizeof(ulong)), mask) == 0 ? null : Marshal.GetLastPInvokeError();
    }

    /// <summary>The affinity of the calling thread, read back through /proc/thread-self; null when unreadable.</summary>
    public static CpuSet? CurrentThread() =>
        ProcStat.TryReadText("/proc/thread-self/status") is { } status && ProcStat.ParseStatusField(status, "Cpus_allowed_list") is { } list
        && CpuSet.TryParse(list, out var set, out _) ? set : null;

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, [In] ulong[] mask);
}
