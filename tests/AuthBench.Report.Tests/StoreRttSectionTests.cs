using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The store-RTT section, the relay calibration beside it, and how the report keeps RTT trials out of the other tables.</summary>
public sealed class StoreRttSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-rtt-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrialResult At(ArmDescriptor arm, double rtt, int rep, double cpu, long p50, long p99) =>
        Fixtures.Trial(arm, null, 200, rep, cpu, p99, 100, arm.UsesStore ? 300 : null, p50: p50,
            relay: new StoreRelayResult(rtt, arm.UsesStore ? 1000 : 0, arm.UsesStore ? 20 + rep : 0, arm.UsesStore ? 80 + rep : 0, arm.UsesStore ? 500 : 0));

    /// <summary>none and session at RTT 0 and 1 ms, three repetitions each; session's median moves by the RTT, its CPU does not.</summary>
    private string WriteRttRun(string folder = "20260103T000000Z")
    {
        var trials = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            trials.Add(At(ArmCatalogue.None, 0, rep, 100 + rep, 300, 900));
            trials.Add(At(ArmCatalogue.None, 1, rep, 100 + rep, 300 + rep, 900));
            trials.Add(At(ArmCatalogue.Session, 0, rep, 150 + rep, 400, 1200));
            trials.Add(At(ArmCatalogue.Session, 1, rep, 150 + rep, 1400 + (10 * rep), 2200 + (10 * rep)));
        }
        var dir = Path.Combine(_root, "load", folder);
        HistogramFiles Files(string label, string key) => new(label, 200, key, $"latency-{label}-{key}.hgrm", $"service-time-{label}-{key}.hgrm");
        List<HistogramFiles> histograms = [Files("none", "200@rtt0ms"), Files("none", "200@rtt1ms"), Files("session", "200@rtt0ms"), Files("session", "200@rtt1ms")];
        var path = Fixtures.Write(dir, Fixtures.Run(trials, settings: Fixtures.Settings with { Arms = ["none", "session"], Rates = [200], StoreRttMs = [0, 1] }, histograms: histograms));
        // Merged histograms: 100/200/900 µs at p50/p90/p99, scaled: session at 1 ms ten times (1,000 µs median).
        Fixtures.WriteHgrm(Path.Combine(dir, "latency-none-200@rtt0ms.hgrm"));
        Fixtures.WriteHgrm(Path.Combine(dir, "latency-none-200@rtt1ms.hgrm"));
        Fixtures.WriteHgrm(Path.Combine(dir, "latency-session-200@rtt0ms.hgrm"), 2);
        Fixtures.WriteHgrm(Path.Combine(dir, "latency-session-200@rtt1ms.hgrm"), 12);
        return path;
    }

    private static Estimate E(double v) => new(v, v - 10, v + 10);

    private string WriteCalibration(string folder)
    {
        var dir = Path.Combine(_root, "relay", folder);
        Directory.CreateDirectory(dir);
        var results = new RelayCalibrationResults
        {
            StartedUtc = DateTimeOffset.UnixEpoch,
            Method = "test method",
            CommandLine = "relay-calibrate --test",
            Scheduler = "test scheduler",
            Steps =
            [
                new(0, 200, 3, 500, 500, E(100), E(300), E(250), E(600), E(150), E(300), 150, 300, new StoreRelayResult(0, 1000, 20, 90, 400)),
                new(1, 200, 3, 500, 500, E(100), E(300), E(1270), E(1600), E(1170), E(1300), 170, 300, new StoreRelayResult(1, 1000, 25, 95, 450)),
            ],
        };
        var path = Path.Combine(dir, RunSelection.RelayCalibrationFile);
        File.WriteAllText(path, RelayCalibrationJson.Serialize(results));
        return path;
    }

    private string Markdown(ReportInputs inputs)
    {
        var context = new ReportContext(inputs, Path.Combine(_root, "charts"));
        new StoreRttSection().Write(context);
        return context.Markdown.ToString();
    }

    [Fact]
    public void Each_arm_gets_its_latency_and_cpu_shift_against_rtt_zero_with_intervals()
    {
        var run = LoadRun.Read(WriteRttRun());

        var md = Markdown(new ReportInputs(null, null, default, _root, null, StoreRtt: run));

        // session at 1 ms: merged p50 1,200 µs vs 200 µs (+1,000); repetitions' p50s 1,410–1,430 vs 400: interval [1,010, 1,030].
        // CPU unchanged: no measurable difference. Lateness: median of 21..23 and 81..83.
        Assert.Contains("| `session` | yes | 1 | 1.00 | 1,200 | 1,000 [1,010, 1,030] n = 3/3 | 10,800 | 9,000 [1,010, 1,030] n = 3/3 | 152.0 (151.0–153.0) "
            + "| no measurable difference [", md, StringComparison.Ordinal);
        Assert.Contains("n = 3/3 | 5.0 | 22 (21–23) / 82 (81–83) |", md, StringComparison.Ordinal);
        Assert.Contains("| `none` | none (control) | 1 |", md, StringComparison.Ordinal);
        Assert.Matches(@"\| `none` \| none \(control\) \| 1 \|.* \| – \|\n", md);
        Assert.Contains("| `session` | yes | 0 | 1.00 | 200 | – |", md, StringComparison.Ordinal);
        Assert.Contains("_No relay calibration under results/relay", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_relay_calibration_is_found_under_results_relay_and_shown_per_step()
    {
        WriteCalibration("20260101T000000Z");
        var newest = WriteCalibration("20260102T000000Z");

        Assert.Equal(newest, RunSelection.NewestRelayCalibration(_root));
        var md = Markdown(new ReportInputs(null, null, default, _root, null, RelayCalibration: RelayCalibrationRun.Read(newest)));

        Assert.Contains("_No store-RTT run", md, StringComparison.Ordinal);
        Assert.Contains("| 1 | 200 | 500 / 500 | 1,170.0 [1,160.0, 1,180.0] | 170.0 | 1,300.0 [1,290.0, 1,310.0] | 300.0 | 25.0 / 95.0 / 450.0 |", md, StringComparison.Ordinal);
        // The error at 1 ms beyond the relay's own cost at zero: 170 - 150.
        Assert.Contains("the largest error at the median is 170.0 µs", md, StringComparison.Ordinal);
        Assert.Contains(", 20.0 µs: what the RTT differences", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Rtt_runs_are_selected_for_this_section_and_never_as_the_load_run()
    {
        var ordinary = Fixtures.Write(Path.Combine(_root, "load", "20260101T000000Z"),
            Fixtures.Run([Fixtures.Trial(ArmCatalogue.None, null, 200, 1, 100, 300, 100, null)], settings: Fixtures.Settings with { SpinLimit = "0" }));
        var rtt = WriteRttRun("20260104T000000Z");

        var selection = RunSelection.Find(_root);

        Assert.Equal(ordinary, selection.Load);
        Assert.Equal(rtt, selection.StoreRtt);
        var rttRun = LoadRun.Read(rtt);
        Assert.False(rttRun.IsRatesRun);
        Assert.True(rttRun.IsRatesRunAnyTopology);
        Assert.False(rttRun.IsDefaultTopology);
    }

    [Fact]
    public void A_histogram_key_gives_its_rtt()
    {
        Assert.Equal(0.25, StoreRttSection.KeyRtt("1000@rtt0.25ms"));
        Assert.Equal(0, StoreRttSection.KeyRtt("1000@rtt0ms"));
        Assert.Null(StoreRttSection.KeyRtt("1000"));
    }
}
