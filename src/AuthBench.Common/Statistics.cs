namespace AuthBench.Common;

/// <summary>Order statistics every tool summarises repetitions with; NaN values are ignored, none left gives NaN.</summary>
public static class Statistics
{
    public static double Median(IEnumerable<double> values)
    {
        var v = Sorted(values);
        return v.Length == 0 ? double.NaN
            : v.Length % 2 == 1 ? v[v.Length / 2]
            : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>The values without NaN, in ascending order.</summary>
    public static double[] Sorted(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        Array.Sort(v);
        return v;
    }
}
