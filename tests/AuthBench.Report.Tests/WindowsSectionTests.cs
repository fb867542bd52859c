using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The revocation and staleness windows section, and how the report finds its runs, on synthetic results.json files.</summary>
public sealed class WindowsSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-windows-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static RevocationMethodResult Method(string method, long accepted, double? longest, double? lifetimes, double? firstRejection) =>
        new(method, 4, 4, 3, 40, accepted, 40 - accepted, 0, longest, firstRejection, 0, lifetimes, null);

    private static TrialResult Trial(ArmDescriptor arm, int rep, WindowResult window) => new()
    {
        Arm = arm.Name,
        Alg = arm.HasAlgorithm ? "ES256" : null,
        Label = arm.Label(arm.HasAlgorithm ? "ES256" : null),
        Endpoint = "/api/me",
        TargetRps = 500,
        Repetition = rep,
        LatencyUs = new Contracts.Results.Percentiles(1, 1, 1, 1, 1, 1, 1),
        ServiceTimeUs = new Contracts.Results.Percentiles(1, 1, 1, 1, 1, 1, 1),
        BytesPerRequest = new BytesPerRequest(100, 300),
        Window = window,
    };

    private static TrialResult Revoked(ArmDescriptor arm, int rep, string? lifetimeKind, params RevocationMethodResult[] methods) =>
        Trial(arm, rep, new WindowResult("revocation", 2, 50, 100, lifetimeKind, lifetimeKind is null ? null : 10, methods, null));

    private static TrialResult Stale(ArmDescriptor arm, int rep, double? visible, double observed) =>
        Trial(arm, rep, new WindowResult("staleness", 2, 50, 100, arm.HasAlgorithm ? "token" : null, arm.HasAlgorithm ? 10 : null, null,
            new StalenessResult(4, 4, 3, 10, 500, 0, visible is null ? 0 : 4, visible, null, visible is { } v && arm.HasAlgorithm ? v / 10_000 : null, observed)));

    private string Write(string folder, string window, params TrialResult[] trials) =>
        Fixtures.Write(Path.Combine(_root, "load", folder), Fixtures.Run(trials, settings: Fixtures.Settings with { Arms = ["session", "jwt"], Window = window }));

    private string Markdown(LoadRun? revocation, LoadRun? staleness)
    {
        var context = new ReportContext(new ReportInputs(null, null, default, _root, null, Revocation: revocation, Staleness: staleness), Path.Combine(_root, "charts"));
        new WindowsSection().Write(context);
        return context.Markdown.ToString();
    }

    [Fact]
    public void Revocation_rows_per_arm_and_method_with_lifetimes_and_staleness_rows_per_arm()
    {
        var revocation = LoadRun.Read(Write("20260102T000000Z", "revocation@2s:8",
            Revoked(ArmCatalogue.Session, 1, null, Method("logout", 0, null, null, 5), Method("admin", 0, null, null, 7)),
            Revoked(ArmCatalogue.Jwt, 1, "token", Method("logout", 30, 9800, 0.98, 10100), Method("admin", 31, 9900, 0.99, 10200)),
            Revoked(ArmCatalogue.Jwt, 2, "token", Method("logout", 32, 9600, 0.96, 10050), Method("admin", 29, 9700, 0.97, 10150))));
        var staleness = LoadRun.Read(Write("20260103T000000Z", "staleness@2s:4",
            Stale(ArmCatalogue.Session, 1, 12, 12), Stale(ArmCatalogue.Jwt, 1, null, 12000)));

        var md = Markdown(revocation, staleness);

        Assert.Contains("| `session` | logout | 1 | 4 [4, 4] | 0 [0, 0] | none accepted | - | 5 [5, 5] | 0 [0, 0] | 100 [100, 100] |", md, StringComparison.Ordinal);
        Assert.Contains("| `jwt-ES256` | admin | 2 | 4 [4, 4] | 30 [29, 31] | 9800 [9700, 9900] | 0.98 [0.97, 0.99] × token 10 s | 10175 [10150, 10200] |", md, StringComparison.Ordinal);
        Assert.Contains("| `session` | 1 | 4 [4, 4] | 4 [4, 4] | 12 [12, 12] |", md, StringComparison.Ordinal);
        Assert.Contains("| `jwt-ES256` | 1 | 4 [4, 4] | 0 [0, 0] | never | - | 12000 [12000, 12000] |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_finds_each_kind_apart_and_says_when_there_is_none()
    {
        var md = Markdown(null, null);
        Assert.Contains("No revocation run found", md, StringComparison.Ordinal);
        Assert.Contains("No staleness run found", md, StringComparison.Ordinal);

        var revocation = Write("20260102T000000Z", "revocation@2s:8", Revoked(ArmCatalogue.Session, 1, null, Method("logout", 0, null, null, 5)));
        var staleness = Write("20260103T000000Z", "staleness@2s:4", Stale(ArmCatalogue.Session, 1, 12, 12));
        var selection = RunSelection.Find(_root);

        Assert.Equal(revocation, selection.Revocation);
        Assert.Equal(staleness, selection.Staleness);
        Assert.Null(selection.Load);
    }
}
