using AuthBench.Common;

namespace AuthBench.LoadTest.Probes;

/// <summary>CPU time and peak RSS of a local process, from /proc (Linux, through <see cref="ProcStat"/>). Every read may fail: then null.</summary>
public sealed class ProcessProbe(int pid)
{
    public int Pid { get; } = pid;

    /// <summary>User + system CPU time of the process so far.</summary>
    public TimeSpan? ReadCpu() => ProcStat.ReadCpu(Pid) is { } cpu ? cpu.User + cpu.System : null;

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
    public double? ReadPeakRssMb() => StatusMb("VmHWM:");

    /// <summary>Current resident set size in MiB (VmRSS).</summary>
    public double? ReadRssMb() => StatusMb("VmRSS:");

    private double? StatusMb(string field) =>
        ProcStat.TryReadText($"/proc/{Pid}/status") is { } status ? ProcStat.ParseStatusKb(status, field) / 1024.0 : null;
}
