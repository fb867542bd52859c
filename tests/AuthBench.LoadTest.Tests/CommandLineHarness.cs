using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Tests;

/// <summary>Runs the load tool's command line without running a plan: the exit code, the options it built, what it wrote to stderr.</summary>
internal static class CommandLineHarness
{
    internal static async Task<(int Code, LoadOptions? Options, string Error)> RunAsync(params string[] args)
    {
        LoadOptions? seen = null;
        var error = new StringWriter();
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
        }
    }
}
