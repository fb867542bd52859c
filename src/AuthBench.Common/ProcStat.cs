using System.Globalization;

namespace AuthBench.Common;

/// <summary>CPU time and memory of a local process from /proc (Linux). Every read may fail (the process is gone): then null.</summary>
public static class ProcStat
{
    // USER_HZ: /proc/<pid>/stat counts utime and stime in 1/100 s on every mainstream Linux build.
    private const double TicksPerSecond = 100.0;

    /// <summary>User and system CPU time of the process so far.</summary>
    public static (TimeSpan User, TimeSpan System)? ReadCpu(int pid) =>
        TryReadText($"/proc/{pid}/stat") is { } stat ? ParseStatCpu(stat) : null;

    /// <summary>utime and stime from the text of /proc/&lt;pid&gt;/stat (fields 14 and 15; the name in field 2 may hold spaces).</summary>
    public static (TimeSpan User, TimeSpan System)? ParseStatCpu(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 > stat.Length)
        {
            return null;
        }
        var fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var stime))
        {
            return null;
        }
        return (TimeSpan.FromSeconds(utime / TicksPerSecond), TimeSpan.FromSeconds(stime / TicksPerSecond));
    }

    /// <summary>A "Field:   123 kB" line of /proc/&lt;pid&gt;/status, in kB.</summary>
    public static double? ParseStatusKb(string status, string field)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var value = line[field.Length..].Trim();
                var space = value.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0)
                {
                    value = value[..space];
                }
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var kb) ? kb : null;
            }
        }
        return null;
    }

    public static string? TryReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
