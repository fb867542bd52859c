namespace AuthBench.Report.Sections;

/// <summary>
/// One section of results/README.md (the shape of BenchmarkDotNet's IExporter: one output per class). The builder
/// writes the heading and orders the sections; a section writes its body from the report's inputs alone.
/// </summary>
public interface IReportSection
{
    /// <summary>The section's heading line, e.g. "## Headline"; CI checks that a report has every one.</summary>
    string Heading { get; }

    void Write(ReportContext report);
}
