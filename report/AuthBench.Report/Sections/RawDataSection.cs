namespace AuthBench.Report.Sections;

/// <summary>Links to every input file the report was built from.</summary>
public sealed class RawDataSection : IReportSection
{
    public string Heading => "## Raw data";

    public void Write(ReportContext report)
    {
        if (report.Load is { } load)
        {
            var dir = report.Relative(load.Directory);
            report.Line($"- Load run: [`{dir}/{load.FileName}`]({dir}/{load.FileName}), its [summary]({dir}/summary.md) and [trials.csv]({dir}/trials.csv)");
            foreach (var h in load.HistogramFiles())
            {
                report.Line($"  - [`{Path.GetFileName(h)}`]({report.Relative(Path.Combine(load.Directory, h))})");
            }
        }
        if (report.Saturation is { } sat)
        {
            var dir = report.Relative(sat.Directory);
            report.Line($"- Saturation run: [`{dir}/{sat.FileName}`]({dir}/{sat.FileName}) and its [summary]({dir}/summary.md)");
        }
        if (report.Micro is { } micro)
        {
            foreach (var f in micro.Files)
            {
                report.Line($"- Microbenchmarks: [`{Path.GetFileName(f)}`]({report.Relative(f)})");
            }
            foreach (var f in micro.Logs)
            {
                report.Line($"- BenchmarkDotNet log (its warnings): [`{Path.GetFileName(f)}`]({report.Relative(f)})");
            }
            if (File.Exists(Path.Combine(micro.Directory, "run.md")))
            {
                report.Line($"- Microbenchmark run (commit, date): [`run.md`]({report.Relative(Path.Combine(micro.Directory, "run.md"))})");
            }
            if (micro.Sizes is not null)
            {
                report.Line($"- Sizes: [`sizes.json`]({report.Relative(micro.SizesPath)})");
            }
        }
        report.Line();
    }
}
