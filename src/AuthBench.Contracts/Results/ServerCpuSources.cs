namespace AuthBench.Contracts.Results;

/// <summary>The values of <see cref="TrialResult.ServerCpuSource"/>: where a trial's server CPU per request was read.</summary>
public static class ServerCpuSources
{
    /// <summary>/proc/&lt;pid&gt;/stat of an API process the load tool started.</summary>
    public const string Proc = "proc";

    /// <summary>The API's own metrics endpoint (process_cpu_seconds_total over its count of the trial's requests): a --target run.</summary>
    public const string Metrics = "metrics";
}
