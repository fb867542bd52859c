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

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in Timespec request, IntPtr remaining);
}
