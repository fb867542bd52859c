using AuthBench.Common;

namespace AuthBench.Report;

/// <summary>Median with min and max over repetitions: the report's one summary of repeated trials.</summary>
public readonly record struct Spread(double Median, double Min, double Max, int N)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var v = Statistics.Sorted(values);
        return v.Length == 0
            ? new Spread(double.NaN, double.NaN, double.NaN, 0)
            : new Spread(Statistics.MedianOfSorted(v), v[0], v[^1], v.Length);
    }

    public string Show(int decimals = 1) =>
        N == 0 ? "–"
        : N == 1 || Min == Max ? LoadRun.Format(Median, decimals)
        : $"{LoadRun.Format(Median, decimals)} ({LoadRun.Format(Min, decimals)}–{LoadRun.Format(Max, decimals)})";
}

/// <summary>
/// An arm's figure minus the baseline's (difference of medians over repetitions) with a 95 % interval from
/// <see cref="Bootstrap"/>; NArm and NBaseline are the repetitions behind each side.
/// </summary>
public readonly record struct Difference(double Estimate, double Low, double High, int NArm, int NBaseline)
{
    public static readonly Difference None = new(double.NaN, double.NaN, double.NaN, 0, 0);

    /// <summary>An interval needs at least two repetitions on each side; with one, the resamples all repeat it.</summary>
    public bool HasInterval => NArm >= 2 && NBaseline >= 2 && !double.IsNaN(Low) && !double.IsNaN(High);

    /// <summary>The interval contains 0: the repetitions cannot tell the arm from the baseline.</summary>
    public bool ContainsZero => HasInterval && Low <= 0 && High >= 0;

    public string Repetitions => $"n = {NArm}/{NBaseline}";

    public string Interval(int decimals = 1) => $"[{LoadRun.Format(Low, decimals)}, {LoadRun.Format(High, decimals)}]";

    /// <summary>"15.0 [12.1, 17.9] n = 3/3", or "no measurable difference [−1.2, 3.4] n = 3/3" where the interval contains 0.</summary>
    public string Show(int decimals = 1) =>
        double.IsNaN(Estimate) ? "–"
        : !HasInterval ? $"{LoadRun.Format(Estimate, decimals)} (no interval: {Repetitions})"
        : ContainsZero ? $"no measurable difference {Interval(decimals)} {Repetitions}"
        : $"{LoadRun.Format(Estimate, decimals)} {Interval(decimals)} {Repetitions}";

    public Difference Scaled(double factor) => this with { Estimate = Estimate * factor, Low = Low * factor, High = High * factor };

    /// <summary>The same interval around another point estimate (e.g. a quantile of the merged histograms).</summary>
    public Difference WithEstimate(double estimate) => this with { Estimate = estimate };
}

/// <summary>
/// An arm's figure over a reference's (ratio of medians over repetitions) with a 95 % interval from
/// <see cref="Bootstrap.OfRatioOfMedians"/>; NArm and NBaseline are the repetitions behind each side.
/// </summary>
public readonly record struct Ratio(double Estimate, double Low, double High, int NArm, int NBaseline)
{
    public bool HasInterval => NArm >= 2 && NBaseline >= 2 && !double.IsNaN(Low) && !double.IsNaN(High);

    /// <summary>The interval contains 1: the repetitions cannot tell the two apart.</summary>
    public bool ContainsOne => HasInterval && Low <= 1 && High >= 1;

    /// <summary>"1.23 [1.10, 1.40] n = 10/10", or "no measurable difference [0.98, 1.03] n = 10/10" where the interval contains 1.</summary>
    public string Show(int decimals = 2) =>
        double.IsNaN(Estimate) ? "–"
        : !HasInterval ? $"{LoadRun.Format(Estimate, decimals)} (no interval: n = {NArm}/{NBaseline})"
        : $"{(ContainsOne ? "no measurable difference " : LoadRun.Format(Estimate, decimals) + " ")}[{LoadRun.Format(Low, decimals)}, {LoadRun.Format(High, decimals)}] n = {NArm}/{NBaseline}";
}

/// <summary>
/// A seeded percentile bootstrap of the difference of medians: each side's repetitions are resampled with replacement
/// (independently, same size), the medians subtracted, and the 2.5th and 97.5th percentiles of those differences are the
/// interval. Hand-written (a few lines) rather than taken from Perfolizer: the report needs exactly this interval, seeded,
/// over a handful of repetitions, and the report project then needs no statistics package.
/// </summary>
public static class Bootstrap
{
    public const int Resamples = 10_000;

    /// <summary>Fixed, so that the same inputs give the same report.</summary>
    public const int Seed = 10;

    public const double Level = 0.95;

    public static Difference OfMedians(IEnumerable<double> arm, IEnumerable<double> baseline)
    {
        var a = Statistics.Sorted(arm);
        var b = Statistics.Sorted(baseline);
        if (a.Length == 0 || b.Length == 0)
        {
            return Difference.None with { NArm = a.Length, NBaseline = b.Length };
        }
        var estimate = Statistics.MedianOfSorted(a) - Statistics.MedianOfSorted(b);
        if (a.Length < 2 || b.Length < 2)
        {
            return new Difference(estimate, double.NaN, double.NaN, a.Length, b.Length);
        }
        var random = new Random(Seed);
        var diffs = new double[Resamples];
        var ra = new double[a.Length];
        var rb = new double[b.Length];
        for (var i = 0; i < Resamples; i++)
        {
            diffs[i] = ResampledMedian(a, ra, random) - ResampledMedian(b, rb, random);
        }
        Array.Sort(diffs);
        var tail = (1 - Level) / 2;
        return new Difference(estimate, Quantile(diffs, tail), Quantile(diffs, 1 - tail), a.Length, b.Length);
    }

    /// <summary>
    /// The median of one figure over repetitions with its interval: the same bootstrap against a baseline of zeros, so
    /// only the figure's own repetitions are resampled (NBaseline 0: no baseline was measured).
    /// </summary>
    public static Difference OfMedian(IEnumerable<double> values) => OfMedians(values, [0.0, 0.0]) with { NBaseline = 0 };

    /// <summary>
    /// The ratio of medians, arm over baseline, with the same bootstrap: each side resampled independently, the ratio of the
    /// resampled medians taken, and its 2.5th and 97.5th percentiles are the interval.
    /// </summary>
    public static Ratio OfRatioOfMedians(IEnumerable<double> arm, IEnumerable<double> baseline)
    {
        var a = Statistics.Sorted(arm);
        var b = Statistics.Sorted(baseline);
        if (a.Length == 0 || b.Length == 0)
        {
            return new Ratio(double.NaN, double.NaN, double.NaN, a.Length, b.Length);
        }
        var estimate = Statistics.MedianOfSorted(a) / Statistics.MedianOfSorted(b);
        if (a.Length < 2 || b.Length < 2)
        {
            return new Ratio(estimate, double.NaN, double.NaN, a.Length, b.Length);
        }
        var random = new Random(Seed);
        var ratios = new double[Resamples];
        var ra = new double[a.Length];
        var rb = new double[b.Length];
        for (var i = 0; i < Resamples; i++)
        {
            ratios[i] = ResampledMedian(a, ra, random) / ResampledMedian(b, rb, random);
        }
        Array.Sort(ratios);
        var tail = (1 - Level) / 2;
        return new Ratio(estimate, Quantile(ratios, tail), Quantile(ratios, 1 - tail), a.Length, b.Length);
    }

    /// <summary>
    /// The ratio of two differences over one baseline, (arm − baseline) / (reference − baseline), each a median over
    /// repetitions, with the same bootstrap: the three sides resampled independently. A resample whose reference difference is
    /// zero or below counts as an unbounded ratio; a bound its tail reaches is NaN (no interval). Everything is NaN where the
    /// reference's own difference is not above zero. NArm and NBaseline are the arm's and the reference's repetitions.
    /// </summary>
    public static Ratio OfRatioOfDifferences(IEnumerable<double> arm, IEnumerable<double> reference, IEnumerable<double> baseline)
    {
        var a = Statistics.Sorted(arm);
        var r = Statistics.Sorted(reference);
        var b = Statistics.Sorted(baseline);
        if (a.Length == 0 || r.Length == 0 || b.Length == 0)
        {
            return new Ratio(double.NaN, double.NaN, double.NaN, a.Length, r.Length);
        }
        var baselineMedian = Statistics.MedianOfSorted(b);
        var denominator = Statistics.MedianOfSorted(r) - baselineMedian;
        if (!(denominator > 0))
        {
            return new Ratio(double.NaN, double.NaN, double.NaN, a.Length, r.Length);
        }
        var estimate = (Statistics.MedianOfSorted(a) - baselineMedian) / denominator;
        if (a.Length < 2 || r.Length < 2 || b.Length < 2)
        {
            return new Ratio(estimate, double.NaN, double.NaN, a.Length, r.Length);
        }
        var random = new Random(Seed);
        var ratios = new double[Resamples];
        var ra = new double[a.Length];
        var rr = new double[r.Length];
        var rb = new double[b.Length];
        for (var i = 0; i < Resamples; i++)
        {
            var mb = ResampledMedian(b, rb, random);
            var d = ResampledMedian(r, rr, random) - mb;
            var n = ResampledMedian(a, ra, random) - mb;
            // A reference difference at or below zero has no finite ratio: it counts as unbounded on the numerator's side,
            // so a bound stays finite only while such resamples are fewer than its tail.
            ratios[i] = d > 0 ? n / d : n >= 0 ? double.PositiveInfinity : double.NegativeInfinity;
        }
        Array.Sort(ratios);
        var tail = (1 - Level) / 2;
        static double Finite(double v) => double.IsFinite(v) ? v : double.NaN;
        return new Ratio(estimate, Finite(Quantile(ratios, tail)), Finite(Quantile(ratios, 1 - tail)), a.Length, r.Length);
    }

    private static double ResampledMedian(double[] source, double[] buffer, Random random)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = source[random.Next(source.Length)];
        }
        Array.Sort(buffer);
        return Statistics.MedianOfSorted(buffer);
    }

    /// <summary>Linear interpolation between order statistics (type 7, R's default).</summary>
    private static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
