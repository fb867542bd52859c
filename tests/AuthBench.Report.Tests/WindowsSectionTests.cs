using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The revocation and staleness windows section, and how the report finds window runs, on synthetic results.json files.</summary>
public sealed class WindowsSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-windows-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static RevocationMethodResult Method(string method, long accepted, double? longest, double? rejection, double? units) =>
        new(method, 4, 4, 2.5, 120, accepted, 120 - accepted, 0, longest, rejection, 0, units, null);

    private static TrialResult Revocation(ArmDescriptor arm, string? alg, int rep, WindowResult window) =>
        Fixtures.Trial(arm, alg, 1000, rep, 20, 900, 300, null) is var t ? new TrialResult
        {
            Arm = t.Arm, Alg = t.Alg, Claims = t.Claims, Label = t.Label, Endpoint = t.Endpoint, TargetRps = t.TargetRps, Repetition = rep,
            LatencyUs = t.LatencyUs, ServiceTimeUs = t.ServiceTimeUs, BytesPerRequest = t.BytesPerRequest, Window = window,
        } : null!;

    private string WriteRun(string folder, string window, IEnumerable<TrialResult> trials) =>
        Fixtures.Write(Path.Combine(_root, "load", folder), Fixtures.Run(trials, mode: "open-loop", settings: Fixtures.Settings with { Window = window, TokenLifetimeS = 20 }));

    private string Markdown(ReportInputs inputs)
    {
        var context = new ReportContext(inputs, Path.Combine(_root, "charts"));
        new WindowsSection().Write(context);
        return context.Markdown.ToString();
    }

    [Fact]
    public void Revocation_and_staleness_show_per_arm_what_was_accepted_and_when_the_plan_showed_beside_the_catalogue()
    {
        WindowResult Jwt(double longest) => new("revocation", 3, 100, 100, "token", 20,
            [Method("logout", 118, longest, null, longest / 20_000), Method("admin", 118, longest + 10, null, (longest + 10) / 20_000)], null);
        var session = new WindowResult("revocation", 3, 100, 100, null, null, [Method("logout", 0, null, 40, null), Method("admin", 0, null, 60, null)], null);
        WriteRun("20260101T000000Z", "revocation@3s:8", [
            Revocation(ArmCatalogue.Jwt, "HS256", 1, Jwt(15_000)), Revocation(ArmCatalogue.Jwt, "HS256", 2, Jwt(17_000)),
            Revocation(ArmCatalogue.Session, null, 1, session)]);
        var stale = new WindowResult("staleness", 3, 100, 100, "token", 20, null, new StalenessResult(1, 1, 3, 10, 1500, 0, 1, 15_000, 14_990, 0.75, 15_000));
        var unseen = new WindowResult("staleness", 3, 100, 100, null, null, null, new StalenessResult(1, 1, 3, 10, 2600, 0, 0, null, 26_000, null, 26_000));
        WriteRun("20260101T000001Z", "staleness@3s", [Revocation(ArmCatalogue.Jwt, "HS256", 1, stale), Revocation(ArmCatalogue.AspNetCookie, null, 1, unseen)]);
        // A later ordinary run is not a window run, and a window run is not the load tables' run.
        var ordinary = LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", "20260101T000002Z"),
            Fixtures.Run([Fixtures.Trial(ArmCatalogue.Jwt, "HS256", 1000, 1, 20, 900, 300, null)], mode: "open-loop")));

        var selection = RunSelection.Find(_root);
        var windows = selection.Windows.Select(selection.Run).OfType<LoadRun>().ToList();
        var md = Markdown(new ReportInputs(null, null, default, _root, null, Windows: windows));

        Assert.Equal(2, windows.Count);
        Assert.All(windows, w => Assert.False(w.IsRatesRun));
        Assert.True(ordinary.IsRatesRun);
        Assert.Equal(Path.Combine(_root, "load", "20260101T000002Z", "results.json"), selection.Load);
        Assert.Contains("### Revocation", md, StringComparison.Ordinal);
        Assert.Contains("### Staleness", md, StringComparison.Ordinal);
        // jwt: two trials, longest accepted median 16,000 ms of [15,000–17,000], 0.80 token lifetimes, never rejected.
        Assert.Contains("| `jwt-HS256` | logout |", md, StringComparison.Ordinal);
        Assert.Contains("| 2 | 236 / 240 | 16,000.0 [15,000.0–17,000.0] | 0.80 × token (20 s) | never |", md, StringComparison.Ordinal);
        Assert.Contains("| `session` | admin | the user's server-side credentials deleted: rejected from the next request | 1 | 0 / 120 | – | – | 60.0 |", md, StringComparison.Ordinal);
        Assert.Contains("| `jwt-HS256` | the old plan until the credential is renewed or expires | 1 | 15,000.0 | 0.75 × token (20 s) | 14,990.0 | 0 | 1,500 (0) |", md, StringComparison.Ordinal);
        Assert.Contains("| `aspnet-cookie` | the old plan until the credential is renewed or expires | 1 | not seen | – | 26,000.0 | 1 |", md, StringComparison.Ordinal);
        Assert.Contains("`revocation@3s:8`", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_window_run_the_section_is_one_line()
    {
        var md = Markdown(new ReportInputs(null, null, default, _root, null));

        Assert.StartsWith("_No window run found", md, StringComparison.Ordinal);
        Assert.Empty(RunSelection.Find(_root).Windows);
    }
}
