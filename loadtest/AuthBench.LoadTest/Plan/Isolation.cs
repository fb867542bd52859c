using AuthBench.Common;

namespace AuthBench.LoadTest.Plan;

/// <summary>
/// Where the processes of a run may execute: the API under test alone on <see cref="Api"/>, the load tool and the
/// store on <see cref="Loadgen"/>. Off (both null) with <see cref="Note"/> saying why.
/// </summary>
/// <param name="Explicit">Asked for on the command line (a failure to pin is then an error, not a note).</param>
public sealed record Isolation(CpuSet? Api, CpuSet? Loadgen, bool Explicit, string? Note)
{
    public const string Off = "off";

    public bool Enabled => Api is not null && Loadgen is not null;

    /// <summary>
    /// The isolation of a run from --api-cpus and --loadgen-cpus (null: not given). Default: on when at least two CPUs
    /// are online (the API on the last, the rest for the generator and the store); off in --target mode.
    /// </summary>
    public static Isolation Resolve(string? apiCpus, string? loadgenCpus, bool target, CpuSet? online)
    {
        var asked = apiCpus is not null || loadgenCpus is not null;
        if (IsOff(apiCpus) || IsOff(loadgenCpus))
        {
            return new Isolation(null, null, asked, "off: --api-cpus or --loadgen-cpus none");
        }
        if (target)
        {
            return asked
                ? throw new UsageException("--api-cpus/--loadgen-cpus cannot be combined with --target: the API is not ours to pin")
                : new Isolation(null, null, false, "off: --target mode, the API is not ours to pin");
        }
        if (online is null)
        {
            return asked
                ? throw new UsageException("--api-cpus/--loadgen-cpus: /sys/devices/system/cpu/online cannot be read (CPU pinning needs Linux)")
                : new Isolation(null, null, false, "off: /sys/devices/system/cpu/online cannot be read");
        }
        if (!asked)
        {
            return online.Count < 2
                ? new Isolation(null, null, false, $"off: only CPU {online} is online")
                : new Isolation(CpuSet.Of(online.Cpus[^1]), online.Except(CpuSet.Of(online.Cpus[^1])), false, null);
        }
        var api = apiCpus is null ? null : Parse(apiCpus, "--api-cpus", online);
        var loadgen = loadgenCpus is null ? null : Parse(loadgenCpus, "--loadgen-cpus", online);
        api ??= online.Except(loadgen!);
        loadgen ??= online.Except(api);
        if (api.IsEmpty || loadgen.IsEmpty)
        {
            throw new UsageException($"--api-cpus/--loadgen-cpus: {(api.IsEmpty ? "the API" : "the generator and store")} would get no CPU (online: {online})");
        }
        if (api.Overlaps(loadgen))
        {
            throw new UsageException($"--api-cpus {api} and --loadgen-cpus {loadgen} overlap: the API must have its CPUs to itself");
        }
        return new Isolation(api, loadgen, true, null);
    }

    private static bool IsOff(string? text) => string.Equals(text?.Trim(), Off, StringComparison.OrdinalIgnoreCase);

    private static CpuSet Parse(string text, string option, CpuSet online)
    {
        if (!CpuSet.TryParse(text, out var set, out var why))
        {
            throw new UsageException($"{option} '{text}': {why}, or none");
        }
        return set.IsSubsetOf(online) ? set : throw new UsageException($"{option} {set}: CPU {set.Except(online)} is not online (online: {online})");
    }
}
