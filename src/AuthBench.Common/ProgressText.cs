using System.Globalization;

namespace AuthBench.Common;

/// <summary>How a tool shows its progress.</summary>
public enum ProgressMode
{
    /// <summary>A terminal: a Spectre.Console live display, redrawn in place.</summary>
    Live,

    /// <summary>CI, pipes, TERM=dumb: plain lines, so that logs stay readable.</summary>
    Plain,
}

/// <summary>What the load tool and the microbenchmarks share about progress: which display, and how time left reads.</summary>
public static class ProgressText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A terminal gets the live display; redirected output, TERM=dumb or CI (CI=true or 1) plain lines.</summary>
    public static ProgressMode Detect(bool outputRedirected, string? term, string? ci) =>
        outputRedirected || string.Equals(term, "dumb", StringComparison.OrdinalIgnoreCase)
            || string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase) || ci == "1"
            ? ProgressMode.Plain
            : ProgressMode.Live;

    /// <summary><see cref="Detect"/> for this process's standard output and environment.</summary>
    public static ProgressMode DetectConsole() =>
        Detect(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("TERM"), Environment.GetEnvironmentVariable("CI"));

    /// <summary>A duration as a person says it: "42 s", "3 min 20 s", "15 min", "1 h 05 min".</summary>
    public static string Spoken(TimeSpan span)
    {
        var seconds = (long)Math.Round(Math.Max(0, span.TotalSeconds));
        return seconds < 60 ? string.Create(Inv, $"{seconds} s")
            : seconds < 3600 ? (seconds % 60 == 0 ? string.Create(Inv, $"{seconds / 60} min") : string.Create(Inv, $"{seconds / 60} min {seconds % 60} s"))
            : string.Create(Inv, $"{seconds / 3600} h {seconds % 3600 / 60:00} min");
    }

    /// <summary>
    /// Progress through items whose lengths are not known in advance (benchmarks): "benchmark 12/40, 28 %, about 5 min 10 s
    /// left", the time left being the mean time of the items done so far times the items not done; "time left unknown" before one is done.
    /// </summary>
    /// <param name="current">The item starting or under way, from 1.</param>
    /// <param name="done">Items finished so far.</param>
    /// <param name="elapsed">Time since the first item started.</param>
    public static string Counted(string noun, int current, int total, int done, TimeSpan elapsed)
    {
        var percent = total <= 0 ? 0 : 100.0 * done / total;
        var left = done <= 0 ? "time left unknown until one has finished"
            : $"about {Spoken(elapsed / done * Math.Max(0, total - done))} left";
        return string.Create(Inv, $"{noun} {current}/{total}, {percent:0} %, {left}");
    }
}
