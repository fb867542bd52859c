using System.Text;
using AuthBench.Contracts.Arms;

namespace AuthBench.Report.Sections;

/// <summary>A figure of the headline table for github-action-benchmark.</summary>
public sealed record HeadlineFigure(string Name, string Unit, double Value);

/// <summary>What every section reads (the inputs) and writes (the markdown, the headline figures), and the lookups they share.</summary>
public sealed class ReportContext(ReportInputs inputs, string chartsDirectory)
{
    /// <summary>The label every "over none" difference subtracts.</summary>
    public static string BaselineLabel => ArmCatalogue.Baseline.Name;

    public ReportInputs Inputs => inputs;

    public LoadRun? Load => inputs.Load;

    public MicroRun? Micro => inputs.Micro;

    public LoadRun? Saturation => inputs.Saturation;

    public string ChartsDirectory => chartsDirectory;

    public StringBuilder Markdown { get; } = new();

    public List<HeadlineFigure> Headline { get; } = [];

    public void Line(string text = "") => Markdown.AppendLine(text);

    /// <summary>The arm labels of the load run, in catalogue order.</summary>
    public IReadOnlyList<string> ArmLabels() =>
        Load is null ? [] : ArmCatalogue.OrderLabels(Load.Trials.Select(t => t.Label));

    /// <summary>The headline rate: the one nearest <c>--headline-rate</c>, else the middle rate of the run.</summary>
    public double ModerateRate()
    {
        var rates = Load!.Trials.Select(t => t.TargetRps).Where(r => !double.IsNaN(r)).Distinct().Order().ToArray();
        if (inputs.HeadlineRate is { } wanted && rates.Length > 0)
        {
            return rates.MinBy(r => Math.Abs(r - wanted));
        }
        return rates.Length == 0 ? double.NaN : rates[(rates.Length - 1) / 2];
    }

    public Spread At(string label, double rate, Func<Trial, double> figure) =>
        Spread.Of(Load!.Trials.Where(t => t.Label == label && t.TargetRps == rate).Select(figure));

    public double Delta(string label, double rate, Func<Trial, double> figure) =>
        At(label, rate, figure).Median - At(BaselineLabel, rate, figure).Median;

    /// <summary>An arm's figure over the repetitions of the saturation (find-max) run.</summary>
    public Spread Sat(string label, Func<Trial, double> figure) =>
        Spread.Of(Saturation!.Trials.Where(t => t.Label == label).Select(figure));

    public double SatDelta(string label, Func<Trial, double> figure) => Sat(label, figure).Median - Sat(BaselineLabel, figure).Median;

    /// <summary>A path relative to the report's folder, with forward slashes, for links.</summary>
    public string Relative(string path) => Path.GetRelativePath(inputs.ResultsRoot, path).Replace('\\', '/');

    public static string Rate(double rate) => LoadRun.Format(rate, 0);

    public static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
