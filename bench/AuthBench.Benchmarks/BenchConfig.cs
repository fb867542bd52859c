using AuthBench.Common;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Validators;

namespace AuthBench.Benchmarks;

/// <summary>The one configuration every AuthBench benchmark runs with; command-line switches add to it.</summary>
public static class BenchConfig
{
    /// <param name="progress">Benchmarks done and time left; when it is live, BenchmarkDotNet logs to its log file only.</param>
    public static IConfig Create(string artifactsPath, BenchProgress progress) =>
        WithConsole(ManualConfig.CreateEmpty(), progress)
            .AddEventProcessor(progress)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
            .AddColumn(new StoreColumn(), new HeaderBytesColumn(), new PerBaselineColumn())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full, CsvExporter.Default)
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            // Numbers from unoptimised code are worse than no numbers: refuse to run rather than warn.
            .AddValidator(JitOptimizationsValidator.FailOnError)
            // BenchmarkDotNet builds a boilerplate project per job before it measures; its default limit (2 min) is
            // too short on a busy 2-core CI machine, where the build alone took longer and the whole run was lost.
            .WithBuildTimeout(TimeSpan.FromMinutes(10))
            .WithArtifactsPath(artifactsPath);

    private static ManualConfig WithConsole(ManualConfig config, BenchProgress progress) => progress.Mode switch
    {
        ProgressMode.Live => config.AddLogger(new LogFileOnly()),
        ProgressMode.Plain => config.AddLogger(ConsoleLogger.Default),
    };

    /// <summary>
    /// The console logger's place while the live display is up: BenchmarkDotNet writes its log file whatever the
    /// loggers, and warns on the console when none is configured; this one takes the lines and drops them.
    /// </summary>
    private sealed class LogFileOnly : ILogger
    {
        public string Id => nameof(LogFileOnly);

        public int Priority => 0;

        public void Write(LogKind logKind, string text)
        {
        }

        public void WriteLine()
        {
        }

        public void WriteLine(LogKind logKind, string text)
        {
        }

        public void Flush()
        {
        }
    }
}
