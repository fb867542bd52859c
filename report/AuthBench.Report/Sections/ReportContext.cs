using System.Text;
using AuthBench.Contracts.Arms;

namespace AuthBench.Report.Sections;

/// <summary>
/// A figure of the headline table for github-action-benchmark: smaller is better unless <paramref name="BiggerIsBetter"/>
/// (throughput); <paramref name="Range"/> is its 95 % interval where it is a difference; <paramref name="Extra"/> names the
/// run it was read from (github-action-benchmark's "extra").
/// </summary>
public sealed record HeadlineFigure(string Name, string Unit, double Value, bool BiggerIsBetter = false, string? Range = null, string? Extra = null);

/// <summary>The latency quantiles compared as a shift of the whole distribution, with their names in the report.</summary>
public static class Quantiles
{
    public static readonly IReadOnlyList<(string Name, double Q, Func<Percentiles, double> OfTrial)> Compared =
    [
        ("p50", 0.5, p => p.P50),
        ("p90", 0.9, p => p.P90),
        ("p99", 0.99, p => p.P99),
        ("p99.9", 0.999, p => p.P999),
    ];
}

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

    /// <summary>What the sections measured that the verdict quotes, filled as they write.</summary>
    public Findings Findings { get; } = new();

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

    /// <summary>The trials of one arm at one rate of the load run.</summary>
    public IReadOnlyList<Trial> Trials(string label, double rate) =>
        Load is null ? [] : [.. Load.Trials.Where(t => t.Label == label && t.TargetRps == rate)];

    /// <summary>How many of an arm's repetitions at a rate were overloaded, of how many.</summary>
    public (int Overloaded, int Of) Overload(string label, double rate)
    {
        var trials = Trials(label, rate);
        return (trials.Count(t => t.Overloaded), trials.Count);
    }

    /// <summary>An arm's cell is overloaded when any of its repetitions is: its latency is then not compared.</summary>
    public bool IsOverloaded(string label, double rate) => Overload(label, rate).Overloaded > 0;

    /// <summary>"overloaded (2 of 3 repetitions)": what a latency cell of an overloaded arm shows instead of a figure.</summary>
    public string OverloadMark(string label, double rate)
    {
        var (o, n) = Overload(label, rate);
        return $"**overloaded** ({o} of {n} repetitions)";
    }

    /// <summary>An arm's figure at a rate minus the baseline's, with its bootstrap interval over repetitions.</summary>
    public Difference DeltaCi(string label, double rate, Func<Trial, double> figure) =>
        Bootstrap.OfMedians(Trials(label, rate).Select(figure), Trials(BaselineLabel, rate).Select(figure));

    /// <summary>
    /// The latency shift at quantile q of an arm over the baseline at a rate: the difference of the quantiles of the
    /// merged histograms (every repetition's requests), with the bootstrap interval of the difference of the repetitions'
    /// own quantiles. Where a histogram file is missing, the estimate is the difference of the repetitions' medians.
    /// Null where either side is overloaded: those latencies are not compared.
    /// </summary>
    public Difference? LatencyShift(string label, double rate, (string Name, double Q, Func<Percentiles, double> OfTrial) quantile)
    {
        if (IsOverloaded(label, rate) || IsOverloaded(BaselineLabel, rate))
        {
            return null;
        }
        var d = DeltaCi(label, rate, t => quantile.OfTrial(t.Latency));
        var arm = MergedQuantile(label, rate, quantile.Q);
        var baseline = MergedQuantile(BaselineLabel, rate, quantile.Q);
        return double.IsNaN(arm) || double.IsNaN(baseline) ? d : d.WithEstimate(arm - baseline);
    }

    /// <summary>Whether the merged histogram of an arm at a rate exists (the shift's estimate then comes from it).</summary>
    public bool HasMergedHistogram(string label, double rate) =>
        Load?.Histogram(label, rate) is { } h && File.Exists(Path.Combine(Load.Directory, h.LatencyFile));

    private readonly Dictionary<(string, double), (double[] P, double[] V)> _histograms = [];

    /// <summary>The latency (µs) at quantile q of the merged histogram: the first recorded value at or above q; NaN without a file.</summary>
    public double MergedQuantile(string label, double rate, double q)
    {
        if (!HasMergedHistogram(label, rate))
        {
            return double.NaN;
        }
        if (!_histograms.TryGetValue((label, rate), out var h))
        {
            h = Hgrm.Read(Path.Combine(Load!.Directory, Load.Histogram(label, rate)!.LatencyFile));
            _histograms[(label, rate)] = h;
        }
        for (var i = 0; i < h.P.Length; i++)
        {
            if (h.P[i] >= q)
            {
                return h.V[i];
            }
        }
        return h.V.Length == 0 ? double.NaN : h.V[^1];
    }

    /// <summary>The fixed-rate run without thread-pool spinning (<see cref="RunSelection.SpinFreeRun"/>), or null.</summary>
    public LoadRun? SpinFree => RunSelection.SpinFreeRun(inputs);

    /// <summary>The fixed-rate run whose APIs spun as shipped (<see cref="RunSelection.AsShippedRun"/>), or null.</summary>
    public LoadRun? AsShipped => RunSelection.AsShippedRun(inputs);

    /// <summary>
    /// Whether the saturation run can tell a full API core: only with isolation on is the API's CPU set measured alone
    /// (<see cref="Trial.ApiCoreNotFull"/>).
    /// </summary>
    public static bool CoreRuleApplies(LoadRun saturation) => saturation.IsIsolated;

    /// <summary>
    /// The saturation trials of an arm that count: with isolation on, those whose API core was full; every trial of the
    /// arm where the rule cannot be applied.
    /// </summary>
    public static IEnumerable<Trial> CountedSaturationTrials(LoadRun saturation, string label) =>
        saturation.Trials.Where(t => t.Label == label && !(CoreRuleApplies(saturation) && t.ApiCoreNotFull));

    /// <summary>The saturation trials of an arm left out because their API core was not full.</summary>
    public static IReadOnlyList<Trial> CoreNotFullTrials(LoadRun saturation, string label) =>
        CoreRuleApplies(saturation) ? [.. saturation.Trials.Where(t => t.Label == label && t.ApiCoreNotFull)] : [];

    /// <summary>An arm's figure over the repetitions of the saturation (find-max) run that count (<see cref="CountedSaturationTrials"/>).</summary>
    public Spread Sat(string label, Func<Trial, double> figure) =>
        Spread.Of(CountedSaturationTrials(Saturation!, label).Select(figure));

    public double SatDelta(string label, Func<Trial, double> figure) => Sat(label, figure).Median - Sat(BaselineLabel, figure).Median;

    /// <summary>An arm's saturation figure minus the baseline's, with its bootstrap interval over the repetitions that count.</summary>
    public Difference SatDeltaCi(string label, Func<Trial, double> figure) => SatDeltaCi(Saturation!, label, figure);

    /// <inheritdoc cref="SatDeltaCi(string, Func{Trial, double})"/>
    public static Difference SatDeltaCi(LoadRun saturation, string label, Func<Trial, double> figure) =>
        Bootstrap.OfMedians(CountedSaturationTrials(saturation, label).Select(figure), CountedSaturationTrials(saturation, BaselineLabel).Select(figure));

    /// <summary>"2 CPU cores" from the load (or saturation) run's environment; "the machine's CPU cores" where it records none.</summary>
    public string Cores
    {
        get
        {
            var cores = (Load ?? Saturation)?.Results.Environment.Cores ?? 0;
            return cores > 0 ? $"{cores.ToString(System.Globalization.CultureInfo.InvariantCulture)} CPU cores" : "the machine's CPU cores";
        }
    }

    /// <summary>The report's method text for intervals, written once (headline and load tables link to it).</summary>
    public static string IntervalMethod =>
        $"Every difference \"over {BaselineLabel}\" is a difference of medians over repetitions with its {Percent(Bootstrap.Level)} interval in brackets: "
        + $"a percentile bootstrap ({Bootstrap.Resamples.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} resamples of each arm's repetitions with replacement, "
        + $"fixed seed {Bootstrap.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)}, so the same inputs give the same report). "
        + "`n = a/b` is the number of repetitions of the arm and of the baseline behind it; few repetitions give wide intervals, shown as they are, "
        + "and since a bootstrap cannot reach beyond the values observed, with few repetitions its intervals are if anything too narrow: read them with `n`. "
        + "Where the interval contains zero the cell says **no measurable difference**.";

    /// <summary>A pointer to <see cref="IntervalMethod"/> for the sections after the headline.</summary>
    public static string IntervalPointer =>
        $"Brackets after a difference over `{BaselineLabel}`: its {Percent(Bootstrap.Level)} bootstrap interval and `n` repetitions (arm/baseline), as described under [Headline](#headline).";

    /// <summary>The report's method text for overload.</summary>
    public static string OverloadMethod =>
        $"A trial is **overloaded** when more than {Percent(Trial.OverloadShare)} of its intended requests (started plus dropped) started late or were dropped: "
        + "the rate was beyond what the arm served, and its histograms lack the dropped requests. Its latency cells say so instead of a figure and are "
        + "never compared (no difference, no quantile shift); dropped requests count as failures.";

    public static string Percent(double share) =>
        (share * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " %";

    /// <summary>A markdown link to a run's results.json.</summary>
    public string RunLink(LoadRun run) => RunLink(run, Relative);

    /// <inheritdoc cref="RunLink(LoadRun)"/>
    public static string RunLink(LoadRun run, Func<string, string> relative)
    {
        var dir = relative(run.Directory);
        return $"[`{dir}/{run.FileName}`]({dir}/{run.FileName})";
    }

    /// <summary>A path relative to the report's folder, with forward slashes, for links.</summary>
    public string Relative(string path) => Path.GetRelativePath(inputs.ResultsRoot, path).Replace('\\', '/');

    public static string Rate(double rate) => LoadRun.Format(rate, 0);

    public static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
