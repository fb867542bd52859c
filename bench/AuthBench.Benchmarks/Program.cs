using System.Diagnostics;
using AuthBench.Common;
using AuthBench.Store;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AuthBench.Benchmarks;

/// <summary>Hands the command line to BenchmarkSwitcher with <see cref="BenchConfig"/>; non-zero exit when anything failed.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
#if DEBUG
        Console.Error.WriteLine("warning: this is a Debug build; BenchmarkDotNet will refuse it. Use: dotnet run -c Release --project bench/AuthBench.Benchmarks -- --filter '*'");
#endif
        if (HostOptions.Parse(args) is not { } options)
        {
            return 2;
        }

        var resultsDirectory = ResultsPaths.ResultsDirectory(options.BenchmarkArgs);
        IProvisionedStore? store = null;
        try
        {
            if (!options.IsListing)
            {
                store = await ProvisionStoreAsync(options);
            }
            if (options.CheckFloors)
            {
                return await FloorCheck.RunAsync(store?.ConnectionString, Console.WriteLine) ? 0 : 1;
            }
            if (options.SizesOnly)
            {
                await SizeReport.WriteAsync(resultsDirectory, store?.ConnectionString, Console.WriteLine);
                RunReport.WriteReadme(resultsDirectory);
                return 0;
            }

            var clock = Stopwatch.StartNew();
            var progress = BenchProgress.For(options.ProgressMode(ProgressText.DetectConsole()));
            Summary[] summaries;
            try
            {
                summaries = [.. BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(options.BenchmarkArgs, BenchConfig.Create(resultsDirectory, progress))];
            }
            finally
            {
                progress.Close();
            }
            if (progress.Mode is ProgressMode.Live && summaries.FirstOrDefault(s => !string.IsNullOrEmpty(s.LogFilePath)) is { } logged)
            {
                Console.WriteLine($"BenchmarkDotNet's output: {logged.LogFilePath}");
            }
            if (options.IsListing)
            {
                return 0;
            }
            if (summaries.Length == 0 || summaries.All(s => s.BenchmarksCases.Length == 0))
            {
                Console.Error.WriteLine("error: no benchmark ran: check the options above, or a --filter/--anyCategories that matches nothing (--list flat shows the names)");
                return 1;
            }

            var failed = summaries.Any(s => s.HasCriticalValidationErrors
                || s.Reports.Length < s.BenchmarksCases.Length
                || s.Reports.Any(r => !r.Success || r.ExecuteResults.Any(e => !e.IsSuccess)));
            if (summaries.Any(s => s.BenchmarksCases.Any(b => b.Descriptor.HasCategory(Categories.Size))))
            {
                await SizeReport.WriteAsync(resultsDirectory, store?.ConnectionString, Console.WriteLine);
            }
            RunReport.Write(resultsDirectory, options.OriginalArgs, summaries, clock.Elapsed, failed);
            RunReport.WriteReadme(resultsDirectory);
            Console.WriteLine($"AuthBench: {summaries.Sum(s => s.BenchmarksCases.Length)} benchmarks in {clock.Elapsed:hh\\:mm\\:ss}; results in {resultsDirectory}");
            if (failed)
            {
                Console.Error.WriteLine("error: at least one benchmark failed or did not run (see the log above)");
                return 1;
            }
            return 0;
        }
        catch (StoreConfigurationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return 1;
        }
        finally
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }
        }
    }

    // The store is provisioned once per run here and inherited by every benchmark process. An explicit --store that
    // fails is an error; in auto mode a run without any store still runs the benchmarks that need none.
    private static async Task<IProvisionedStore?> ProvisionStoreAsync(HostOptions options)
    {
        try
        {
            var store = await BenchStore.ProvisionForRunAsync(options.Store, line => Console.WriteLine(line));
            Console.WriteLine($"AuthBench store: {store.Describe()}");
            return store;
        }
        catch (StoreConfigurationException e) when (!options.StoreGiven)
        {
            Console.Error.WriteLine($"warning: no session store ({e.Message}); Session, HeadToHead and Pipeline session benchmarks will fail");
            return null;
        }
    }
}
