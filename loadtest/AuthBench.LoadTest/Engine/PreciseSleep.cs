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

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in Timespec request, IntPtr remaining);
}
