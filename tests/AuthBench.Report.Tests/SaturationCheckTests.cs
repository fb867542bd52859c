using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>Which runs a report uses (spin-free preferred, as-shipped beside it) and the saturation rule: a trial whose API core was not full is left out.</summary>
public sealed class SaturationCheckTests : IDisposable
{
    private readonly CpuFixtures _f = new();

    public void Dispose() => _f.Dispose();

    private static readonly ArmDescriptor None = ArmCatalogue.None;
    private static readonly ArmDescriptor Jwt = ArmCatalogue.Jwt;
    private static readonly string Hs256 = Jwt.Label("HS256");

    [Fact]
    public void Saturation_trials_whose_api_core_was_not_full_are_left_out_and_counted()
    {
        // Repetition 2 of none ran with its API core 90 % busy and a CPU figure far from the others'.
        var saturation = _f.Saturation(busy: (label, rep) => label == None.Name && rep == 2 ? 0.9 : 0.999,
            cpu: (label, rep) => label == None.Name && rep == 2 ? 99 : (double?)null);
        Assert.Equal(0.97, Trial.ApiCoreFullBusy);

        var d = ReportContext.SatDeltaCi(saturation, Hs256, t => t.ServerCpuUsPerRequest);
        Assert.Equal((3, 2), (d.NArm, d.NBaseline));
        Assert.Equal(20.0, d.Estimate, 6); // 35.2 − median(15.1, 15.3)
        Assert.Equal([2], ReportContext.CoreNotFullTrials(saturation, None.Name).Select(t => t.Repetition));

        // The load tests section shows the saturation table after the fixed-rate tables: it needs a load run.
        var md = _f.Report(_f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40, 20)), null, saturation);
        Assert.Contains("| **API core not full**: 1 of 3 (repetitions 2; busy 0.900) |", md, StringComparison.Ordinal);
        Assert.Contains("| none of 3 |", md, StringComparison.Ordinal);
        Assert.Contains("busy less than 97 % of the time is flagged **API core not full**", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_isolation_the_core_rule_is_said_not_to_apply()
    {
        var saturation = _f.Saturation(isolated: false);
        Assert.Empty(ReportContext.CoreNotFullTrials(saturation, None.Name));
        var md = _f.Report(_f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40, 20)), null, saturation);
        Assert.Contains("could not be applied: every trial counts", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_spin_free_run_is_preferred_for_the_load_tables_and_the_as_shipped_one_found_beside_it()
    {
        _f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40, 20));
        _f.FixedRate("20260101T000002Z", "as-shipped", (rate, rep) => (100, 30));
        _f.Saturation();

        var runs = RunSelection.Find(_f.Root);

        Assert.EndsWith(Path.Combine("20260101T000001Z", "results.json"), runs.Load, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("20260101T000002Z", "results.json"), runs.AsShipped, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("20260101T000000Z-find-max", "results.json"), runs.Saturation, StringComparison.Ordinal);
        var md = _f.Report(LoadRun.Read(runs.Load!), LoadRun.Read(runs.AsShipped!), null);
        Assert.Contains("APIs spin-free (`DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0` in every API process: idle workers sleep at once); preferred to the as-shipped run", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_spin_free_run_the_newest_fixed_rate_run_is_the_load_run_and_no_second_as_shipped_one_is_sought()
    {
        _f.FixedRate("20260101T000002Z", "as-shipped", (rate, rep) => (100, 30));
        var runs = RunSelection.Find(_f.Root);
        Assert.EndsWith(Path.Combine("20260101T000002Z", "results.json"), runs.Load, StringComparison.Ordinal);
        Assert.Null(runs.AsShipped);
        Assert.Null(runs.Saturation);
    }
}
