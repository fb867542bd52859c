using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The store-outage section and how the report finds its run, on synthetic results.json files.</summary>
public sealed class StoreOutageSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-outage-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static FaultResult Outage(long accepted, double? to503, double? lastAccepted, double? firstNon503, double? firstOk) =>
        new("store-outage", 3, 2, accepted, firstOk, firstNon503, 3, 5, [], to503, lastAccepted);

    private static TrialResult Trial(ArmDescriptor arm, int rep, FaultResult fault) =>
        Fixtures.Trial(arm, arm.HasAlgorithm ? "HS256" : null, 300, rep, 100, 300, 100, null, fault: fault);

    private string WriteRun(string folder, params TrialResult[] trials) =>
        Fixtures.Write(Path.Combine(_root, "load", folder),
            Fixtures.Run(trials, settings: Fixtures.Settings with { Arms = ["session", "session-cached", "jwt"], Fault = "store-outage@3s:2s" }));

    private string Markdown(LoadRun? outage)
    {
        var context = new ReportContext(new ReportInputs(null, null, default, _root, null, Outage: outage), Path.Combine(_root, "charts"));
        new StoreOutageSection().Write(context);
        return context.Markdown.ToString();
    }

    [Fact]
    public void Each_arm_gets_medians_and_ranges_over_repetitions_and_what_it_did()
    {
        var path = WriteRun("20260102T000000Z",
            Trial(ArmCatalogue.Session, 1, Outage(0, 2, null, 40, 900)),
            Trial(ArmCatalogue.Session, 2, Outage(0, 4, null, 60, 1100)),
            Trial(ArmCatalogue.Session, 3, Outage(0, 3, null, 50, null)),
            Trial(ArmCatalogue.SessionCached, 1, Outage(260, 1010, 990, 30, 500)),
            Trial(ArmCatalogue.Jwt, 1, Outage(600, null, 1999, 0, 0)));

        var md = Markdown(LoadRun.Read(path));

        Assert.Contains("| `session` | read | 3 | 3 [2, 4] | 0 [0, 0] | - | 50 [40, 60] | 1000 [900, 1100] (1 never) | failed closed (503, nothing accepted); did not recover in every repetition |", md, StringComparison.Ordinal);
        Assert.Contains("| `session-cached` | near cache, then store | 1 | 1010 [1010, 1010] | 260 [260, 260] | 990 [990, 990] |", md, StringComparison.Ordinal);
        Assert.Contains("until its 1000 ms lease ran out, then failed closed; recovered in every repetition |", md, StringComparison.Ordinal);
        Assert.Contains("| `jwt-HS256` | none | 1 | never |", md, StringComparison.Ordinal);
        Assert.Contains("kept answering", md, StringComparison.Ordinal);
        Assert.Contains("3 s into each trial for 2 s", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_finds_the_newest_outage_run_and_says_when_there_is_none()
    {
        Assert.Contains("No store-outage run found", Markdown(null), StringComparison.Ordinal);
        WriteRun("20260102T000000Z", Trial(ArmCatalogue.Session, 1, Outage(0, 2, null, 40, 900)));
        var newer = WriteRun("20260103T000000Z", Trial(ArmCatalogue.Session, 1, Outage(0, 2, null, 40, 900)));
        Fixtures.Write(Path.Combine(_root, "load", "20260104T000000Z"), Fixtures.Run([Trial(ArmCatalogue.Session, 1, Outage(0, 2, null, 40, 900))]));

        Assert.Equal(newer, RunSelection.Find(_root).Outage);
    }
}
