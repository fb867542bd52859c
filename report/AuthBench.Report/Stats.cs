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
            : new Spread(Statistics.Median(v), v[0], v[^1], v.Length);
    }

    public string Show(int decimals = 1) =>
        N == 0 ? "–"
        : N == 1 || Min == Max ? LoadRun.Format(Median, decimals)
        : $"{LoadRun.Format(Median, decimals)} ({LoadRun.Format(Min, decimals)}–{LoadRun.Format(Max, decimals)})";
}
