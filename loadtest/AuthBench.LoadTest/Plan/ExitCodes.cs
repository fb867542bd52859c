namespace AuthBench.LoadTest.Plan;

/// <summary>The load tool's exit codes.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    /// <summary>A bad command line (<see cref="UsageException"/>): one line on stderr.</summary>
    public const int Usage = 2;
    public const int Interrupted = 130;
}
