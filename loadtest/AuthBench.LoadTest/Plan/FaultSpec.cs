using AuthBench.Common;

namespace AuthBench.LoadTest.Plan;

/// <summary>The store outage of the fault scenario: stopped <see cref="Start"/> into each trial, for <see cref="Length"/>.</summary>
public sealed record FaultSpec(TimeSpan Start, TimeSpan Length)
{
    public const string Kind = "store-outage";

    /// <summary>Parses <c>store-outage@10s:5s</c>.</summary>
    public static FaultSpec Parse(string text)
    {
        var t = text.Trim();
        var prefix = Kind + "@";
        if (!t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--fault '{text}': the only fault is {Kind}@<start>:<length>, e.g. {Kind}@10s:5s");
        }
        var parts = t[prefix.Length..].Split(':');
        if (parts.Length != 2)
        {
            throw new UsageException($"--fault '{text}': expected {Kind}@<start>:<length>, e.g. {Kind}@10s:5s");
        }
        var start = LoadOptions.ParseDuration(parts[0], "--fault start");
        var length = LoadOptions.ParseDuration(parts[1], "--fault length");
        if (length <= TimeSpan.Zero)
        {
            throw new UsageException("--fault length must be positive");
        }
        return new FaultSpec(start, length);
    }

    public override string ToString() => $"{Kind}@{Durations.Format(Start)}:{Durations.Format(Length)}";
}
