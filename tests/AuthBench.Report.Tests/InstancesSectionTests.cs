using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Tests;

/// <summary>The "Several API servers" section reads the newest run made with --instances; such a run never stands in for the load run.</summary>
public sealed class InstancesSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-instances-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrialResult Trial(ArmDescriptor arm, string? alg, int instances, int repetition, double cpu, double late = 0) => new()
    {
        Arm = arm.Name,
        Alg = alg,
        Claims = "typical",
        Label = arm.Label(alg),
        Endpoint = "/api/me",
        TargetRps = 300,
        Repetition = repetition,
        AchievedRps = 300,
        Requests = 3000,
        Late = (long)late,
        LatencyUs = new Contracts.Results.Percentiles(450, 600, 900, 1800, 2700, 3600, 500),
        ServiceTimeUs = new Contracts.Results.Percentiles(1, 1, 1, 1, 1, 1, 1),
        BytesPerRequest = new BytesPerRequest(300, 100),
        ServerCpuUsPerRequest = cpu,
        LoadgenCpuUsPerRequest = 15,
        Store = arm.UsesStore ? new StoreCostResult(1, 2, 5, 40, new Dictionary<string, double>()) : null,
        Instances = instances,
        BalancerCpuUsPerRequest = 20,
        InstanceResponses = [.. Enumerable.Repeat(3000L / instances, instances)],
    };

    private void WriteRun()
    {
        var trials = new List<TrialResult>();
        for (var rep = 1; rep <= 4; rep++)
        {
            // jwt: twice the CPU at two servers; session: the same (within noise); one overloaded session trial at two.
            trials.Add(Trial(ArmCatalogue.Jwt, "ES256", 1, rep, 40 + rep));
            trials.Add(Trial(ArmCatalogue.Jwt, "ES256", 2, rep, 80 + rep));
            trials.Add(Trial(ArmCatalogue.Session, null, 1, rep, 60 + (rep % 2 == 0 ? 1 : -1)));
            trials.Add(Trial(ArmCatalogue.Session, null, 2, rep, 60 + (rep % 2 == 0 ? -1 : 1), late: rep == 4 ? 600 : 0));
        }
        var settings = Fixtures.Settings with { Instances = [1, 2], Balancer = "haproxy" };
        Fixtures.Write(Path.Combine(_root, "load", "20260101T000000Z"), Fixtures.Run(trials, settings: settings));
    }

    private string Section()
    {
        var runs = RunSelection.Find(_root);
        var md = new ReportBuilder(new ReportInputs(null, null, default, _root, null, Instances: runs.Run(runs.Instances))).Build(Path.Combine(_root, "charts"));
        var section = md[md.IndexOf("\n## Several API servers\n", StringComparison.Ordinal)..];
        return section[..section.IndexOf("\n## Charts\n", StringComparison.Ordinal)];
    }

    [Fact]
    public void An_instances_run_is_not_a_fixed_rate_run_of_the_load_tables()
    {
        WriteRun();
        var runs = RunSelection.Find(_root);
        Assert.NotNull(runs.Instances);
        Assert.Null(runs.Load);
    }

    [Fact]
    public void The_section_tabulates_summed_server_cpu_against_the_server_count_with_its_ratio_to_one()
    {
        WriteRun();
        var section = Section();
        Assert.Contains("| `jwt-ES256` | 1 | 42.5 [", section, StringComparison.Ordinal);
        Assert.Contains("| `jwt-ES256` | 2 | 82.5 [", section, StringComparison.Ordinal);
        Assert.Matches(@"\| `jwt-ES256` \| 2 \| [^|]+ \| 1\.9\d \[", section);
        Assert.Matches(@"\| `session` \| 2 \| [^|]+ \| no measurable difference \[", section);
        Assert.Contains("| 4 (1) |", section, StringComparison.Ordinal);
        Assert.Contains("| 4 (0) |", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_instances_run_the_section_says_so()
    {
        var md = new ReportBuilder(new ReportInputs(null, null, default, _root, null)).Build(Path.Combine(_root, "charts"));
        Assert.Contains("_No run with several API servers found", md, StringComparison.Ordinal);
    }
}
