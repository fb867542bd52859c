using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The CPU reconciliation's rules on synthetic runs: agree, disagree, below floor, overload excluded, missing runs, GC modes.</summary>
public sealed class CpuReconciliationTests : IDisposable
{
    private readonly CpuFixtures _f = new();

    public void Dispose() => _f.Dispose();

    private static readonly ArmDescriptor None = ArmCatalogue.None;
    private static readonly ArmDescriptor Jwt = ArmCatalogue.Jwt;
    private static readonly string Hs256 = Jwt.Label("HS256");

    [Fact]
    public void Spin_free_deltas_within_a_quarter_of_saturation_agree()
    {
        var spin = _f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40 + rep, 21 + (rep * 0.5)));
        var row = CpuReconciliation.Row(Hs256, _f.Micro(1), spin, null, _f.Saturation());

        Assert.True(row.Agrees, row.Verdict);
        Assert.StartsWith("agrees", row.Verdict, StringComparison.Ordinal);
        Assert.Equal([100.0, 200.0], row.SpinFree.Select(d => d.Rate));
        Assert.Equal(20.0, row.Saturation.Estimate, 6);
        Assert.Empty(row.BelowFloor);
        Assert.Equal(1.0, row.Floor!.Us);
        Assert.Equal(7.0, row.Handler!.Us);
        Assert.Equal(19.0, row.PipelineDelta!.Us);
    }

    [Fact]
    public void A_disagreeing_rate_quotes_the_baselines_own_cpu_when_wake_ups_explain_it()
    {
        // At 100 req/s the baseline costs 162 µs/request against 15.2 at saturation, and the arm's Δ is 41 against 20.
        var spin = _f.FixedRate("20260101T000001Z", "0", (rate, rep) => rate == 100 ? (160 + rep, 40 + (rep * 0.5)) : (20 + rep, 20 + (rep * 0.5)));
        var row = CpuReconciliation.Row(Hs256, null, spin, null, _f.Saturation());

        Assert.False(row.Agrees);
        Assert.Contains("disagrees at 100 requests/s (41.0 against 20.0)", row.Verdict, StringComparison.Ordinal);
        Assert.Contains("a real difference (the intervals are disjoint), and the regimes differ: `none` itself costs 162.0 µs/request here against 15.2 at saturation", row.Verdict, StringComparison.Ordinal);
        Assert.DoesNotContain("200 requests/s", row.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disagreeing_rate_whose_interval_overlaps_the_saturation_interval_is_called_noise()
    {
        // Δ median 30 against 20 (outside the band), but spread so widely that its interval holds 20.
        var spin = _f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40, rate == 100 ? 30 + ((rep - 2) * 40) : 20));
        var row = CpuReconciliation.Row(Hs256, null, spin, null, _f.Saturation());

        Assert.False(row.Agrees);
        Assert.Contains("disagrees at 100 requests/s", row.Verdict, StringComparison.Ordinal);
        Assert.True(row.Verdict.Contains("within the noise: the loaded interval", StringComparison.Ordinal), row.Verdict);
    }

    [Fact]
    public void A_disagreement_nothing_in_the_files_explains_is_not_explained()
    {
        // The baseline costs what it costs at saturation, the interval is narrow: nothing the files show explains 60.2 against 20.
        var spin = _f.FixedRate("20260101T000001Z", "0", (rate, rep) => (15 + (rep * 0.1), rate == 100 ? 60 + (rep * 0.1) : 20));
        var row = CpuReconciliation.Row(Hs256, null, spin, null, _f.Saturation());

        Assert.Contains($"disagrees at 100 requests/s (60.2 against 20.0): {CpuReconciliation.Unexplained}", row.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delta_whose_upper_end_lies_below_the_crypto_floor_is_flagged_in_its_cell_and_verdict()
    {
        // A floor of 30 µs: every Δ here is about 20, below it.
        var spin = _f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40 + rep, 20 + (rep * 0.5)));
        var shipped = _f.FixedRate("20260101T000002Z", "as-shipped", (rate, rep) => (90 + rep, 35 + (rep * 0.5)));
        var saturation = _f.Saturation();
        var micro = _f.Micro(30);
        var row = CpuReconciliation.Row(Hs256, micro, spin, shipped, saturation);

        Assert.Equal(["spin-free at 100 requests/s", "spin-free at 200 requests/s", "saturation", "pipeline benchmark"], row.BelowFloor.Select(b => b.Where));
        Assert.All(row.BelowFloor, b => Assert.Equal(30, b.Floor));

        var section = CpuFixtures.Section(_f.Report(spin, shipped, saturation, micro));
        Assert.Contains("**below floor**: saturation (upper end", section, StringComparison.Ordinal);
        Assert.Contains($"< floor 30.00 µs): {CpuReconciliation.Unexplained}", section, StringComparison.Ordinal);
        Assert.Contains("n = 3/3 **below floor** |", section, StringComparison.Ordinal);
    }

    [Fact]
    public void An_arm_without_cryptography_has_a_zero_floor_and_a_negative_delta_is_below_it()
    {
        Assert.Equal(0, CpuReconciliation.Floor(null, ArmCatalogue.Session.Name, "typical")!.Us);
        Assert.Null(CpuReconciliation.Floor(null, Hs256, "typical"));
        var spin = _f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40 + rep, -3 - rep));
        var row = CpuReconciliation.Row(Hs256, null, spin, null, null);
        Assert.Empty(row.BelowFloor); // no micro run: no floor to check against, and the section says so
        Assert.Equal("cannot reconcile: no saturation Δ", row.Verdict);
    }

    [Fact]
    public void Overloaded_trials_are_left_out_of_the_loaded_delta_and_counted()
    {
        // At 200 req/s one repetition of the arm is overloaded; at 400 every one is.
        var spin = _f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40 + rep, rep == 3 && rate == 200 ? 500 : 20 + (rep * 0.5)),
            rates: [100, 200, 400], armOverloaded: (rate, rep) => rate == 400 || (rate == 200 && rep == 3));
        var row = CpuReconciliation.Row(Hs256, null, spin, null, _f.Saturation());

        var at200 = row.SpinFree.Single(d => d.Rate == 200);
        Assert.Equal((1, 3, 0, 3), (at200.OverloadedArm, at200.ArmTrials, at200.OverloadedBaseline, at200.BaselineTrials));
        Assert.Equal(2, at200.Delta.NArm);
        Assert.Equal(20.25, at200.Delta.Estimate, 6); // the overloaded 500 µs trial is not in it
        Assert.True(row.SpinFree.Single(d => d.Rate == 400).NotCompared);
        Assert.True(row.Agrees, row.Verdict);
        Assert.Contains("overloaded at 400 requests/s: not compared", row.Verdict, StringComparison.Ordinal);

        var section = CpuFixtures.Section(_f.Report(spin, null, _f.Saturation()));
        Assert.Contains("(overloaded trials left out: 1 of 3; `none` 0 of 3)", section, StringComparison.Ordinal);
        Assert.Contains("**overloaded** (3 of 3; `none` 0 of 3): not compared", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_missing_run_is_one_line()
    {
        var section = CpuFixtures.Section(_f.Report(null, null, null, _f.Micro(1)));
        Assert.Contains("- Spin-free fixed-rate run: _none found", section, StringComparison.Ordinal);
        Assert.Contains("- As-shipped fixed-rate run: _none found", section, StringComparison.Ordinal);
        Assert.Contains("- Saturation run: _none found", section, StringComparison.Ordinal);
        Assert.Contains("_No load run measured an arm besides the baseline: nothing to reconcile._", section, StringComparison.Ordinal);
        Assert.Contains("_Needs both a spin-free and an as-shipped fixed-rate run; no spin-free run was found._", section, StringComparison.Ordinal);

        var shipped = _f.FixedRate("20260101T000002Z", "as-shipped", (rate, rep) => (90 + rep, 35));
        var row = CpuReconciliation.Row(Hs256, null, null, shipped, _f.Saturation());
        Assert.Equal("cannot reconcile: no spin-free fixed-rate run", row.Verdict);
    }

    [Fact]
    public void Spin_free_and_as_shipped_runs_are_set_side_by_side_with_ratio_and_difference()
    {
        var spin = _f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40, 20));
        var shipped = _f.FixedRate("20260101T000002Z", "as-shipped", (rate, rep) => (100, 30));
        var section = CpuFixtures.Section(_f.Report(spin, shipped, _f.Saturation()));

        Assert.Contains("| 100 | **`none`** (baseline) | 40.0 | 100.0 | 2.50 | 60.0 |", section, StringComparison.Ordinal);
        Assert.Contains($"| 100 | `{Hs256}` | 60.0 | 130.0 | 2.17 | 70.0 |", section, StringComparison.Ordinal);
        Assert.Contains("as-shipped Δ at 200 req/s (µs)", section, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_f.Root, "charts", "cpu-reconciliation.png")));
    }

    [Fact]
    public void The_micro_gc_mode_is_set_beside_each_load_runs_and_a_mismatch_flagged()
    {
        var spin = _f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40, 20));
        var section = CpuFixtures.Section(_f.Report(spin, null, _f.Saturation(), _f.Micro(1, gcLine: "// GC=Concurrent Server")));

        Assert.Contains("GC: microbenchmarks Concurrent Server, Concurrent Workstation (BenchmarkDotNet log)", section, StringComparison.Ordinal);
        Assert.Contains("`20260101T000000Z-find-max`: workstation (test) (environment.isolation.api_gc_effective) — **GC mismatch**", section, StringComparison.Ordinal);

        var same = CpuFixtures.Section(_f.Report(spin, null, _f.Saturation(), _f.Micro(1)));
        Assert.Contains("`20260101T000000Z-find-max`: workstation (test) (environment.isolation.api_gc_effective) (same kind)", same, StringComparison.Ordinal);
        Assert.Equal("workstation", CpuReconciliation.GcKind("workstation (no '.NET Server GC' thread)"));
        Assert.Equal("server", CpuReconciliation.GcKind("server, concurrent"));
    }

    [Fact]
    public void A_spin_free_load_run_is_named_so_in_the_headline_and_caveats()
    {
        var md = _f.Report(_f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40, 20)), null, _f.Saturation());

        Assert.Matches(@"\| Server CPU per request over none \| CPU µs \| fixed rate at [0-9,]+ requests/s, spin-free \|", md);
        Assert.DoesNotContain("includes idle thread-pool spinning", md, StringComparison.Ordinal);
        Assert.Contains("- **Idle work at fixed rates.** The fixed-rate tables come from a spin-free run", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_label_of_the_catalogue_has_a_row_and_an_unmeasured_one_says_so()
    {
        var section = CpuFixtures.Section(_f.Report(_f.FixedRate("20260101T000001Z", "0", (rate, rep) => (40, 20)), null, _f.Saturation(), _f.Micro(1)));

        foreach (var label in CpuReconciliation.Labels())
        {
            Assert.Contains($"| `{label}` |", section, StringComparison.Ordinal);
        }
        Assert.DoesNotContain($"| `{ReportContext.BaselineLabel}` |", section.Split("### Spin-free against as shipped")[0], StringComparison.Ordinal);
        Assert.Contains($"| `{ArmCatalogue.Jwt.TransportVariants[0].Label("HS256")}` |", section, StringComparison.Ordinal);
        Assert.Contains($"| `{ArmCatalogue.Hybrid.Label("ES256")}` |", section, StringComparison.Ordinal);
        Assert.Contains($"| `{ArmCatalogue.AspNetCookieStore.Name}` |", section, StringComparison.Ordinal);
        var rs256 = Jwt.Label("RS256");
        Assert.Contains($"| `{rs256}` | not in the micro run | not in the micro run | not in the micro run | not measured | not measured | not measured | not measured in any load run |", section, StringComparison.Ordinal);
    }
}
