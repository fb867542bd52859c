using System.Globalization;

namespace AuthBench.Common;

/// <summary>
/// The one duration syntax of every AuthBench command line: a number with <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c>
/// (<c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>2h</c>), or a plain number of seconds.
/// </summary>
public static class Durations
{
    /// <summary>The longest duration any option accepts.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(7);

    /// <summary>Parses <paramref name="text"/>; false for anything else, a negative value or one beyond <see cref="Longest"/>.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var t = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(t))
        {
            return false;
        }
        var (number, scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : (t, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            || double.IsNaN(n) || double.IsInfinity(n) || n < 0 || n * scale > Longest.TotalSeconds)
        {
            return false;
        }
        value = TimeSpan.FromSeconds(n * scale);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with a message that names <paramref name="option"/> and the accepted forms.</summary>
    public static TimeSpan Parse(string? text, string option) =>
        TryParse(text, out var value) ? value : throw new FormatException($"{option} '{text}' is not a duration such as 500ms, 30s, 15m or 2h");

    /// <summary>"30s" for whole seconds, else "1500ms": the form <see cref="Parse"/> reads back.</summary>
    public static string Format(TimeSpan d) =>
        d.TotalSeconds >= 1 && d.TotalSeconds % 1 == 0 ? $"{d.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : $"{d.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
}
