using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>Runs at another claim profile or endpoint: selected apart from the standard run, shown in their own section.</summary>
public sealed class ConfigurationsSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-configurations-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteRun(string folder, string claims, string endpoint, double jwtCredential = 600)
    {
        var settings = Fixtures.Settings with { Arms = ["none", "jwt"], Claims = claims, Endpoint = endpoint, SpinLimit = "0", Rates = [1000] };
        var trials = Enumerable.Range(1, 3).SelectMany(rep => new[]
        {
            Fixtures.Trial(ArmCatalogue.None, null, 1000, rep, 100 + rep, 300, 50, null),
            Fixtures.Trial(ArmCatalogue.Jwt, "RS256", 1000, rep, 160 + rep, 400, 50 + jwtCredential, null),
        });
        var run = Fixtures.Run(trials, settings: settings);
        run.Arms.Add(new ArmInfo("none", null, claims, "none", "http://127.0.0.1:1/", 1, "ready", 0));
        run.Arms.Add(new ArmInfo("jwt", "RS256", claims, "jwt-RS256", "http://127.0.0.1:2/", 2, "ready", jwtCredential));
        return Fixtures.Write(Path.Combine(_root, "load", folder), run);
    }

    [Fact]
    public void The_standard_run_is_the_load_run_and_the_others_are_configurations_newest_of_each()
    {
        var standard = WriteRun("20260101T000000Z", "typical", "/api/me");
        WriteRun("20260102T000000Z", "large", "/api/me");
        var large = WriteRun("20260103T000000Z", "large", "/api/me");
        var items = WriteRun("20260104T000000Z", "typical", "/api/items");

        var selection = RunSelection.Find(_root);

        Assert.Equal(standard, selection.Load);
        Assert.Equal([large, items], selection.Configurations);
    }

    [Fact]
    public void The_runs_of_the_job_in_run_json_are_read_before_newer_or_wider_runs_of_the_same_kind()
    {
        var jobStandard = WriteRun("20260101T000000Z-arms", "typical", "/api/me");
        var jobLarge = WriteRun("20260101T000000Z-large-claims", "large", "/api/me");
        // An earlier job's runs, named later: newer by name, so they were read before the job preference.
        WriteRun("20260105T000000Z", "typical", "/api/me");
        WriteRun("20260106T000000Z", "large", "/api/me");
        WriteRun("20260107T000000Z", "typical", "/api/items");
        File.WriteAllText(Path.Combine(_root, "run.json"), """
            { "status": "complete", "phases": [
              { "name": "arms", "status": "complete", "output": "results/load/20260101T000000Z-arms" },
              { "name": "large-claims", "status": "complete", "output": "results/load/20260101T000000Z-large-claims" } ] }
            """);

        var selection = RunSelection.Find(_root);

        Assert.Equal(jobStandard, selection.Load);
        // Only the job's configurations where it made any: no earlier /api/items run beside its large-claims run.
        Assert.Equal([jobLarge], selection.Configurations);
    }

    [Fact]
    public void Without_a_job_in_run_json_the_newest_run_of_each_kind_is_read()
    {
        WriteRun("20260101T000000Z-arms", "typical", "/api/me");
        var newer = WriteRun("20260105T000000Z", "typical", "/api/me");
        File.WriteAllText(Path.Combine(_root, "run.json"), """{ "commit": "abc", "mode": "full" }""");

        Assert.Equal(newer, RunSelection.Find(_root).Load);
    }

    [Fact]
    public void Each_configuration_shows_the_credential_beside_the_bytes_on_the_wire_and_the_cpu_over_the_baseline()
    {
        var large = LoadRun.Read(WriteRun("20260103T000000Z", "large", "/api/me", jwtCredential: 1700));
        var context = new ReportContext(new ReportInputs(null, null, default, _root, null, Configurations: [large]), Path.Combine(_root, "charts"));

        new ConfigurationsSection().Write(context);
        var md = context.Markdown.ToString();

        Assert.Contains("### large claims, /api/me, 1,000 requests/s", md, StringComparison.Ordinal);
        // 1,750 B sent + 300 B received per request; the credential is 1,700 B of them.
        Assert.Contains("| `jwt-RS256` | 1,700 | 1,750 | 300 | 82.93 % |", md, StringComparison.Ordinal);
        Assert.Contains("| `none` | 0 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_such_runs_the_section_says_so()
    {
        var context = new ReportContext(new ReportInputs(null, null, default, _root, null), Path.Combine(_root, "charts"));
        new ConfigurationsSection().Write(context);
        Assert.Contains("No fixed-rate run at another claim profile or endpoint", context.Markdown.ToString(), StringComparison.Ordinal);
    }
}
