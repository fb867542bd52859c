namespace AuthBench.LoadTest.Tests;

/// <summary>Timestamps that move only when a test says so; one tick is one microsecond.</summary>
public sealed class ManualTime : TimeProvider
{
    public long Now { get; set; }

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp() => Now;

    public static long Ms(double ms) => (long)(ms * 1000);
}
