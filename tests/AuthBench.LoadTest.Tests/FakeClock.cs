using AuthBench.LoadTest.Engine;

namespace AuthBench.LoadTest.Tests;

/// <summary>A clock that moves only when a test says so; one tick is one microsecond.</summary>
public sealed class FakeClock : IClock
{
    public long Now { get; set; }

    public long TicksPerSecond => 1_000_000;

    public static long Ms(double ms) => (long)(ms * 1000);
}
