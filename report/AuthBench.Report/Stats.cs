namespace AuthBench.Report;

/// <summary>Median with min and max over repetitions: the report's one summary of repeated trials.</summary>
public readonly record struct Spread(double Median, double Min, double Max, int N)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
        if (v.Length == 0)
        {
            return new Spread(double.NaN, double.NaN, double.NaN, 0);
        }
        var median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        return new Spread(median, v[0], v[^1], v.Length);
    }

    public string Show(int decimals = 1) =>
        N == 0 ? "–"
        : N == 1 || Min == Max ? LoadRun.Format(Median, decimals)
        : $"{LoadRun.Format(Median, decimals)} ({LoadRun.Format(Min, decimals)}–{LoadRun.Format(Max, decimals)})";
}
