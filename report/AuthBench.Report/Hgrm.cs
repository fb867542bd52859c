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
}
