using System.Globalization;

namespace AuthBench.LoadTest.Probes;

/// <summary>CPU time and peak RSS of a local process, from /proc (Linux). Every read may fail: then null.</summary>
public sealed class ProcessProbe(int pid)
{
    // USER_HZ: /proc/<pid>/stat counts utime and stime in 1/100 s on every mainstream Linux build.
    private const double TicksPerSecond = 100.0;

    public int Pid { get; } = pid;

    /// <summary>User + system CPU time of the process so far.</summary>
    public TimeSpan? ReadCpu() => TryReadText($"/proc/{Pid}/stat") is { } stat ? ParseStatCpu(stat) : null;

    /// <summary>Resets the process's peak RSS (VmHWM) so the next read covers one trial (clear_refs 5).</summary>
    public bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Peak resident set size in MiB (VmHWM).</summary>
    public double? ReadPeakRssMb() => TryReadText($"/proc/{Pid}/status") is { } status ? ParseStatusKb(status, "VmHWM:") / 1024.0 : null;

    /// <summary>Current resident set size in MiB (VmRSS).</summary>
    public double? ReadRssMb() => TryReadText($"/proc/{Pid}/status") is { } status ? ParseStatusKb(status, "VmRSS:") / 1024.0 : null;

    /// <summary>utime + stime from the text of /proc/&lt;pid&gt;/stat (fields 14 and 15; the name in field 2 may hold spaces).</summary>
    public static TimeSpan? ParseStatCpu(string stat)
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
        return TimeSpan.FromSeconds((utime + stime) / TicksPerSecond);
    }

    public static double? ParseStatusKb(string status, string field)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var value = line[field.Length..].Trim();
                var space = value.IndexOf(' ', StringComparison.Ordinal);
                return double.TryParse(space < 0 ? value : value[..space], NumberStyles.Float, CultureInfo.InvariantCulture, out var kb) ? kb : null;
            }
        }
        return null;
    }

    private static string? TryReadText(string path)
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
