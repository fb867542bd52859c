using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Tests;

/// <summary>Runs the load tool's command line without running a plan: the exit code, the options it built, what it wrote to stderr.</summary>
internal static class CommandLineHarness
{
    // Console.Error is one per process and test classes run in parallel: one test's SetError(original) in its finally
    // could land while another is writing its error line, which then went to the terminal and the test saw "".
    private static readonly SemaphoreSlim ConsoleGate = new(1, 1);

    internal static async Task<(int Code, LoadOptions? Options, string Error)> RunAsync(params string[] args)
    {
        LoadOptions? seen = null;
        var error = new StringWriter();
        await ConsoleGate.WaitAsync();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            var code = await LoadCommand.RunAsync(args, (o, _) => { seen = o; return Task.FromResult(0); }, CancellationToken.None);
            return (code, seen, error.ToString());
        }
        finally
        {
            Console.SetError(original);
            ConsoleGate.Release();
        }
    }
}
