namespace AuthBench.Common;

/// <summary>Order statistics every tool summarises repetitions with; NaN values are ignored, none left gives NaN.</summary>
public static class Statistics
{
    public static double Median(IEnumerable<double> values) => MedianOfSorted(Sorted(values));

    /// <summary>The median of values already in ascending order (no copy, no sort: for resampling loops); NaN when empty.</summary>
    public static double MedianOfSorted(ReadOnlySpan<double> sorted) =>
        sorted.Length == 0 ? double.NaN
        : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
        : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    /// <summary>The values without NaN, in ascending order.</summary>
    public static double[] Sorted(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        Array.Sort(v);
        return v;
    }
}
