using System.Globalization;

namespace AuthBench.Report;

/// <summary>Reads an HdrHistogram percentile distribution file (.hgrm): value and percentile per line.</summary>
public static class Hgrm
{
    public static (double[] Percentile, double[] Value) Read(string path)
    {
        var percentiles = new List<double>();
        var values = new List<double>();
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            if (double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percentile)
                && percentile < 1)
            {
                values.Add(value);
                percentiles.Add(percentile);
            }
        }
        return ([.. percentiles], [.. values]);
    }

    /// <summary>The value at quantile q: the first recorded value at or above q (the last one past the file's end); NaN for an empty file.</summary>
    public static double Quantile((double[] Percentile, double[] Value) h, double q)
    {
        for (var i = 0; i < h.Percentile.Length; i++)
        {
            if (h.Percentile[i] >= q)
            {
                return h.Value[i];
            }
        }
        return h.Value.Length == 0 ? double.NaN : h.Value[^1];
    }
}
