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

    /// <summary>The "Field:\tvalue" line of /proc/&lt;pid&gt;/status as text (e.g. Cpus_allowed_list, State).</summary>
    public static string? ParseStatusField(string status, string field)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(field, StringComparison.Ordinal) && line.Length > field.Length && line[field.Length] == ':')
            {
                return line[(field.Length + 1)..].Trim();
            }
        }
        return null;
    }

    /// <summary>The state letter of /proc/&lt;pid&gt;/stat (field 3: R, S, D, T for stopped, ...).</summary>
    public static char? ParseStatState(string stat)
    {
        var close = stat.LastIndexOf(')');
        return close >= 0 && close + 2 < stat.Length ? stat[close + 2] : null;
    }

    public static char? ReadState(int pid) => TryReadText($"/proc/{pid}/stat") is { } stat ? ParseStatState(stat) : null;

    /// <summary>The thread ids of a process (/proc/&lt;pid&gt;/task); empty when it is gone.</summary>
    public static IReadOnlyList<int> ReadTasks(int pid)
    {
        try
        {
            return [.. Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var tid) ? tid : -1)
                .Where(tid => tid > 0)
                .Order()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The names (comm) of every thread of <paramref name="pid"/>.</summary>
    public static IReadOnlyList<string> ReadThreadNames(int pid) =>
        [.. ReadTasks(pid).Select(tid => TryReadText($"/proc/{pid}/task/{tid}/comm")?.TrimEnd('\n')).OfType<string>()];

    /// <summary>Cpus_allowed_list of every thread of <paramref name="pid"/>, by thread id (a thread that ended meanwhile is left out).</summary>
    public static IReadOnlyDictionary<int, string> ReadCpusAllowed(int pid)
    {
        var result = new SortedDictionary<int, string>();
        foreach (var tid in ReadTasks(pid))
        {
            if (TryReadText($"/proc/{pid}/task/{tid}/status") is { } status && ParseStatusField(status, "Cpus_allowed_list") is { } list)
            {
                result[tid] = list;
            }
        }
        return result;
    }

    /// <summary>The per-CPU lines of /proc/stat ("cpu0 user nice system idle iowait irq softirq steal guest guest_nice"), by CPU number.</summary>
    public static IReadOnlyDictionary<int, CpuTimes> ParseCpuLines(string procStat)
    {
        var result = new SortedDictionary<int, CpuTimes>();
        foreach (var line in procStat.Split('\n'))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsAsciiDigit(line[3]))
            {
                continue;
            }
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!int.TryParse(fields[0].AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var cpu) || fields.Length < 5)
            {
                continue;
            }
            // Older kernels print fewer columns; the missing ones are 0.
            long Field(int i) => i < fields.Length && long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
            result[cpu] = new CpuTimes(Field(1), Field(2), Field(3), Field(4), Field(5), Field(6), Field(7), Field(8));
        }
        return result;
    }

    /// <summary>Reads /proc/stat's per-CPU lines; empty when it cannot be read.</summary>
    public static IReadOnlyDictionary<int, CpuTimes> ReadCpuTimes() =>
        TryReadText("/proc/stat") is { } text ? ParseCpuLines(text) : new Dictionary<int, CpuTimes>();

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

/// <summary>
/// One CPU's counters from /proc/stat, in USER_HZ ticks. guest and guest_nice are left out: the kernel already
/// counts them in user and nice.
/// </summary>
public readonly record struct CpuTimes(long User, long Nice, long System, long Idle, long IoWait, long Irq, long SoftIrq, long Steal)
{
    /// <summary>Time not idle: user + nice + system + irq + softirq + steal (steal: the hypervisor ran someone else).</summary>
    public long Busy => User + Nice + System + Irq + SoftIrq + Steal;

    public long Total => Busy + Idle + IoWait;

    public static CpuTimes operator -(CpuTimes a, CpuTimes b) => new(a.User - b.User, a.Nice - b.Nice, a.System - b.System, a.Idle - b.Idle,
        a.IoWait - b.IoWait, a.Irq - b.Irq, a.SoftIrq - b.SoftIrq, a.Steal - b.Steal);

    public static CpuTimes operator +(CpuTimes a, CpuTimes b) => new(a.User + b.User, a.Nice + b.Nice, a.System + b.System, a.Idle + b.Idle,
        a.IoWait + b.IoWait, a.Irq + b.Irq, a.SoftIrq + b.SoftIrq, a.Steal + b.Steal);

    /// <summary>Busy over total of an interval (this value being after − before); null for an empty interval.</summary>
    public double? BusyFraction => Total > 0 ? (double)Busy / Total : null;

    /// <summary>Steal over total of an interval; null for an empty interval.</summary>
    public double? StealFraction => Total > 0 ? (double)Steal / Total : null;
}
