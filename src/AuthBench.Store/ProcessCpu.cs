using System.Globalization;

namespace AuthBench.Store;

/// <summary>CPU seconds of a local process from /proc/&lt;pid&gt;/stat (Linux only).</summary>
internal static class ProcessCpu
{
    // USER_HZ is 100 on every mainstream Linux build; /proc reports utime/stime in those ticks.
    private const double TicksPerSecond = 100.0;

    public static bool TryRead(int pid, out double userSeconds, out double systemSeconds)
    {
        userSeconds = systemSeconds = 0;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The command name (field 2) may contain spaces: fields after the last ')' are fixed.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // rest[0] is field 3 (state); utime is field 14, stime field 15.
        if (rest.Length < 13
            || !long.TryParse(rest[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(rest[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var stime))
        {
            return false;
        }

        userSeconds = utime / TicksPerSecond;
        systemSeconds = stime / TicksPerSecond;
        return true;
    }
}
