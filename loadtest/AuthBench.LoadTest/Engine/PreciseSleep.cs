using System.Runtime.InteropServices;

namespace AuthBench.LoadTest.Engine;

/// <summary>Sub-millisecond sleeps for the pacing loop: <see cref="Thread.Sleep(int)"/> has millisecond granularity.</summary>
internal static partial class PreciseSleep
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    public static void For(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }
        if (OperatingSystem.IsLinux())
        {
            var ns = duration.Ticks * 100;
            var request = new Timespec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
            _ = NanoSleep(in request, IntPtr.Zero);
            return;
        }
        Thread.Sleep(Math.Max(1, (int)duration.TotalMilliseconds));
    }

    private const int ClockMonotonic = 1;
    private const int TimerAbsTime = 1;
    private const int Eintr = 4;

    /// <summary>
    /// Sleeps until <paramref name="stopwatchTimestamp"/> (a <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>
    /// value): on Linux one absolute clock_nanosleep(2) on CLOCK_MONOTONIC, the clock Stopwatch reads there, so a
    /// wake-up is not made later by the time spent computing a relative interval; elsewhere a relative sleep.
    /// </summary>
    public static void Until(long stopwatchTimestamp)
    {
        if (OperatingSystem.IsLinux() && System.Diagnostics.Stopwatch.Frequency == 1_000_000_000)
        {
            var request = new Timespec { Seconds = stopwatchTimestamp / 1_000_000_000, Nanoseconds = stopwatchTimestamp % 1_000_000_000 };
            while (ClockNanoSleep(ClockMonotonic, TimerAbsTime, in request, IntPtr.Zero) == Eintr)
            {
            }
            return;
        }
        For(System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), stopwatchTimestamp));
    }

    private const int PrSetTimerSlack = 29;

    /// <summary>
    /// Asks the kernel to wake the calling thread on time: Linux lets a sleeping thread's timer fire up to its
    /// "timer slack" late (50 µs by default) so that wake-ups can be merged, and every request of the batch the
    /// pacing thread releases after its sleep inherits that lateness. 1 ns is the smallest slack (0 resets it to the
    /// default). Per thread; returns whether the kernel took it. Set with AUTHBENCH_TIMER_SLACK_NS (default 1) so the
    /// shipped pacing can be compared with the kernel's default (50000).
    /// </summary>
    public static bool TightenTimerSlack(ulong nanoseconds) =>
        OperatingSystem.IsLinux() && Prctl(PrSetTimerSlack, (nuint)nanoseconds, 0, 0, 0) == 0;

    private const int SchedFifo = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    /// <summary>
    /// Moves the calling thread to SCHED_FIFO at the lowest real-time priority (1), so that it runs the moment its
    /// sleep ends. Under the kernel's fair scheduler a waking thread can wait for the running one's time slice
    /// (milliseconds, with EEVDF's base slice) whenever anything else runs on its CPU: the generator's own socket
    /// threads, the store, a build. The pacing thread sleeps between batches, so it never holds the CPU for long; the
    /// kernel's real-time throttling (sched_rt_runtime_us) bounds it in any case. Needs CAP_SYS_NICE (root); returns
    /// whether the kernel took it.
    /// </summary>
    public static bool TryRealtime() =>
        OperatingSystem.IsLinux() && SchedSetScheduler(0, SchedFifo, new SchedParam { Priority = 1 }) == 0;

    [LibraryImport("libc", EntryPoint = "sched_setscheduler")]
    private static partial int SchedSetScheduler(int pid, int policy, in SchedParam param);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>Returns 0 or an error number (not -1 and errno).</summary>
    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanoSleep(int clock, int flags, in Timespec request, IntPtr remaining);

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in Timespec request, IntPtr remaining);
}
