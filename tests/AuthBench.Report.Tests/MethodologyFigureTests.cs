using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>
/// docs/methodology.md quotes no measured figure: every number with a unit in it is a setting of the code (an option's
/// default, a constant), listed here with where it lives. A result belongs in a result file and the report, and the
/// document points there.
/// </summary>
public sealed partial class MethodologyFigureTests
{
    /// <summary>Figures with a unit that are settings, each with the code that holds it.</summary>
    private static readonly Dictionary<string, string> Settings = new(StringComparer.Ordinal)
    {
        ["8 h"] = "SessionStore.DefaultAbsoluteLifetime",
        ["30 s"] = "JwtTokens.ClockSkew",
        ["8 KB"] = "JwtTokens.MaximumTokenBytes",
        ["1 minute"] = "RevocationList retention: token lifetime + skew + one minute",
        ["1 ms"] = "LoadEngine.DefaultLateThreshold",
        ["5 s"] = "LoadEngine.DrainTimeout, and the fault example's outage length",
        ["2 s"] = "StoreProbe.GarnetSettle",
        ["10s"] = "the --fault example's syntax",
        ["5s"] = "the --fault example's syntax",
        ["10 s"] = "the --fault example",
        ["95 %"] = "Bootstrap.Level",
        ["1 %"] = "Trial.OverloadShare",
        ["10 ms"] = "CapacityModelSection.AppCpuMs (the largest application CPU per request)",
        ["50 %"] = "CapacityModelSection.ServerUtilisation",
        ["50 µs"] = "Linux's default timer slack (PreciseSleep.TightenTimerSlack says why the pacing thread sets its own)",
        ["100 ms"] = "CalibrationTests.Stall",
        ["5 %"] = "CalibrationTests: the tolerance on each analytic percentile",
        ["0.1 %"] = "the definition of p99.9 (the calibration's third percentile)",
        ["1ms"] = "the --slo example's syntax",
        ["5ms"] = "the --slo example's syntax",
        ["10ms"] = "the --slo example's syntax",
        ["0,0.25ms"] = "the --store-rtt example's syntax",
        ["500 ms"] = "RelayCalibration: the length of each alternating direct/relayed block",
        ["20 bytes"] = "Http2Section.NghttpCookieIndexedFrom (nghttp2's rule, lib/nghttp2_hd.c)",
    };

    [Fact]
    public void Methodology_quotes_no_measured_figure()
    {
        var offenders = File.ReadAllLines(Methodology())
            .SelectMany((line, i) => FigureWithUnit().Matches(line).Select(m => (Line: i + 1, m.Value)))
            .Where(f => !Settings.ContainsKey(f.Value))
            .Select(f => $"docs/methodology.md:{f.Line}: {f.Value}")
            .ToList();
        Assert.True(offenders.Count == 0, "figures that are not settings (point to the result file or report section instead):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_report_settings_it_quotes_are_the_code_s()
    {
        Assert.Equal(0.95, Bootstrap.Level);
        Assert.Equal(0.01, Trial.OverloadShare);
        Assert.Equal([0.1, 1, 10], CapacityModelSection.AppCpuMs);
        Assert.Equal([10, 100, 1000], CapacityModelSection.FleetSizes);
        Assert.Equal(0.5, CapacityModelSection.ServerUtilisation);
        Assert.Equal(100, CapacityModelSection.ClaimServers);
        Assert.Equal(10, CapacityModelSection.ClaimSpan);
        // "Refreshes (the hybrid arm)": the renewal share, the access lifetimes and the default request rates per user.
        Assert.Equal(0.8, AuthBench.Contracts.Arms.CredentialRenewal.AfterFraction);
        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)], RefreshCostSection.AccessLifetimes);
        Assert.Equal([0.1, 1], RefreshCostSection.DefaultRequestsPerUser);
    }

    /// <summary>A number followed by a unit of time, rate, share, size or count.</summary>
    [GeneratedRegex(@"(?<![\w./-])\d[\d,.]*\s?(µs|ms|s|h|req/s|requests/s|%|MiB|MB|KB|B|bytes|minutes?|rounds?|repetitions?|cores?|million)(?!\w)")]
    private static partial Regex FigureWithUnit();

    private static string Methodology([CallerFilePath] string self = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(self)!, "..", "..", "docs", "methodology.md"));
}
