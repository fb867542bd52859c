using System.Globalization;
using AuthBench.Common;
using ScottPlot;

namespace AuthBench.Report;

/// <summary>A series for a line chart: one arm's points; <paramref name="Overloaded"/> flags points the chart marks.</summary>
public sealed record Series(string Label, double[] X, double[] Y, bool[]? Overloaded = null)
{
    public bool IsOverloaded(int i) => Overloaded is { } o && i < o.Length && o[i];
}

/// <summary>The report's charts, each written as PNG and SVG with labelled axes, units and a legend.</summary>
public static class Charts
{
    public const int Width = 960;
    public const int Height = 540;

    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    /// <summary>Latency against percentile, the percentile axis logarithmic in 1/(1-p) (HdrHistogram's classic plot).</summary>
    public static void LatencySpectrum(string basePath, string title, IReadOnlyList<Series> series)
    {
        var plot = NewPlot(title, "percentile (log scale in 1/(1-p))", "latency from intended send time (ms), log scale");
        var maxDecade = 1.0;
        foreach (var (s, i) in series.Select((s, i) => (s, i)))
        {
            var xs = s.X.Select(p => Math.Log10(1 / Math.Max(1e-7, 1 - p))).ToArray();
            maxDecade = Math.Max(maxDecade, xs.DefaultIfEmpty(0).Max());
            var line = plot.Add.ScatterLine(xs, [.. s.Y.Select(Log)]);
            var overloaded = s.Overloaded?.Any(o => o) == true;
            // An overloaded arm's histogram lacks its dropped requests: dashed, and said in the legend.
            line.LegendText = overloaded ? s.Label + " (overloaded: dashed)" : s.Label;
            line.LinePattern = overloaded ? LinePattern.Dashed : LinePattern.Solid;
            line.Color = Palette.GetColor(i);
            line.LineWidth = 2;
        }
        var decades = (int)Math.Ceiling(maxDecade);
        double[] positions = [.. Enumerable.Range(0, decades + 1).Select(d => (double)d)];
        // Tick d is percentile 1 - 10^-d: 0%, 90%, 99%, … (the formula gives the first tick too).
        string[] labels = [.. positions.Select(d => (100 * (1 - Math.Pow(10, -d))).ToString("0.#####", CultureInfo.InvariantCulture) + "%")];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
        plot.Axes.SetLimitsX(0, decades);
        LogY(plot, series.SelectMany(s => s.Y));
        Save(plot, basePath);
    }

    /// <summary>
    /// One line per arm: y against offered rate, y on a log scale (latencies span several decades); overloaded points
    /// carry a black × and the legend entry <paramref name="overloadedLegend"/>.
    /// </summary>
    public static void AgainstRate(string basePath, string title, string yLabel, IReadOnlyList<Series> series, string overloadedLegend)
    {
        var plot = NewPlot(title, "offered rate (requests/s, open loop)", yLabel + ", log scale");
        plot.ShowLegend(Edge.Right); // outside the data: every corner of this chart holds points
        var legendShown = false;
        foreach (var (s, i) in series.Select((s, i) => (s, i)))
        {
            var line = plot.Add.Scatter(s.X, [.. s.Y.Select(Log)]);
            line.LegendText = s.Label;
            line.Color = Palette.GetColor(i);
            line.LineWidth = 2;
            line.MarkerSize = 7;
            var marked = Enumerable.Range(0, s.X.Length).Where(s.IsOverloaded).ToArray();
            if (marked.Length == 0)
            {
                continue;
            }
            double[] mx = [.. marked.Select(k => s.X[k])];
            double[] my = [.. marked.Select(k => Log(s.Y[k]))];
            var marks = plot.Add.ScatterPoints(mx, my);
            marks.MarkerShape = MarkerShape.Eks;
            marks.MarkerSize = 16;
            marks.MarkerLineWidth = 2.5f;
            marks.Color = Colors.Black;
            marks.LegendText = legendShown ? "" : overloadedLegend;
            legendShown = true;
        }
        LogY(plot, series.SelectMany(s => s.Y));
        Save(plot, basePath);
    }

    private static double Log(double y) => y > 0 ? Math.Log10(y) : double.NaN;

    /// <summary>A log-scale y axis drawn on log10 values: ticks at 1, 2 and 5 of every decade the values span.</summary>
    private static void LogY(Plot plot, IEnumerable<double> values)
    {
        var all = values.Where(y => y > 0 && !double.IsNaN(y)).DefaultIfEmpty(1).ToArray();
        var (low, high) = (Math.Floor(Math.Log10(all.Min())), Math.Ceiling(Math.Log10(all.Max())));
        var ticks = new List<double>();
        for (var d = low; d <= high; d++)
        {
            foreach (var m in new[] { 1.0, 2.0, 5.0 })
            {
                ticks.Add(Math.Log10(m) + d);
            }
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. ticks], [.. ticks.Select(t => Math.Pow(10, t).ToString("0.###", CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsY(low, high);
    }

    /// <summary>One bar per arm, with min–max whiskers over repetitions; the baseline arm is drawn grey.</summary>
    public static void Bars(string basePath, string title, string yLabel, IReadOnlyList<(string Label, Spread Value)> bars, string? baseline)
    {
        var plot = NewPlot(title, "arm", yLabel);
        var items = new List<Bar>();
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            items.Add(new Bar
            {
                Position = i,
                Value = double.IsNaN(value.Median) ? 0 : value.Median,
                Error = 0,
                FillColor = label == baseline ? Colors.Gray : Palette.GetColor(i),
                Label = LoadRun.Format(value.Median),
            });
            if (value.N > 1)
            {
                var whisker = plot.Add.Line(i, value.Min, i, value.Max);
                whisker.Color = Colors.Black;
                whisker.LineWidth = 1.5f;
            }
        }
        var barPlot = plot.Add.Bars(items);
        barPlot.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, bars.Count).Select(i => (double)i)], [.. bars.Select(b => b.Label)]);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        Save(plot, basePath);
    }

    /// <summary>Stacked bars: per arm, one segment per part (e.g. bytes by hop).</summary>
    public static void StackedBars(string basePath, string title, string yLabel, IReadOnlyList<string> arms, IReadOnlyList<(string Part, double[] Values)> parts)
    {
        var plot = NewPlot(title, "arm", yLabel);
        var bars = new List<Bar>();
        for (var a = 0; a < arms.Count; a++)
        {
            var bottom = 0.0;
            for (var p = 0; p < parts.Count; p++)
            {
                var v = parts[p].Values[a];
                if (double.IsNaN(v) || v <= 0)
                {
                    continue;
                }
                bars.Add(new Bar { Position = a, ValueBase = bottom, Value = bottom + v, FillColor = Palette.GetColor(p) });
                bottom += v;
            }
            var total = plot.Add.Text(LoadRun.Format(bottom, 0) + " B", a, bottom);
            total.LabelFontSize = 14;
            total.LabelAlignment = Alignment.LowerCenter;
        }
        plot.Add.Bars(bars);
        for (var p = 0; p < parts.Count; p++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = parts[p].Part, FillColor = Palette.GetColor(p) });
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, arms.Count).Select(i => (double)i)], [.. arms]);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        Save(plot, basePath);
    }

    /// <summary>
    /// Grouped bars: per group (arm) one bar per series (e.g. a rate), the estimate as the bar and its interval as a
    /// black whisker; a missing estimate (NaN) leaves a gap.
    /// </summary>
    public static void GroupedBars(string basePath, string title, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<(string Name, Difference[] Values)> series)
    {
        var plot = NewPlot(title, "arm", yLabel);
        var bars = new List<Bar>();
        var whiskers = new List<(double X, double Low, double High)>();
        var width = 0.8 / Math.Max(1, series.Count);
        for (var s = 0; s < series.Count; s++)
        {
            for (var g = 0; g < groups.Count; g++)
            {
                var d = series[s].Values[g];
                if (double.IsNaN(d.Estimate))
                {
                    continue;
                }
                var x = g - 0.4 + (width * (s + 0.5));
                bars.Add(new Bar { Position = x, Value = d.Estimate, Size = width * 0.9, FillColor = Palette.GetColor(s) });
                if (d.HasInterval)
                {
                    whiskers.Add((x, d.Low, d.High));
                }
            }
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = Palette.GetColor(s) });
        }
        plot.Add.Bars(bars);
        foreach (var (x, low, high) in whiskers)
        {
            // Added after the bars so that they are drawn over them.
            var whisker = plot.Add.Line(x, low, x, high);
            whisker.Color = Colors.Black;
            whisker.LineWidth = 1.5f;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, groups.Count).Select(i => (double)i)], [.. groups]);
        plot.Axes.Margins(top: 0.15);
        Save(plot, basePath);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, size: 18);
        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Left.Label.Text = yLabel;
        plot.Axes.Bottom.Label.FontSize = 15;
        plot.Axes.Left.Label.FontSize = 15;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static void Save(Plot plot, string basePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(basePath)!);
        AtomicFile.Write(basePath + ".png", tmp => plot.SavePng(tmp, Width, Height));
        AtomicFile.Write(basePath + ".svg", tmp => plot.SaveSvg(tmp, Width, Height));
    }
}
