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
    public static IConfig Create(string artifactsPath) =>
        ManualConfig.CreateEmpty()
            .AddLogger(ConsoleLogger.Default)
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
}
