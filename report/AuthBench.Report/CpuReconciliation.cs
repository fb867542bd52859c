using AuthBench.Contracts.Arms;
using AuthBench.Report.Sections;

namespace AuthBench.Report;

/// <summary>A microbenchmark figure in microseconds and the benchmark case it was read from.</summary>
public sealed record MicroValue(double Us, string Source);

/// <summary>
/// The server CPU per request of an arm over the baseline at one rate of a fixed-rate run: overloaded trials (of the
/// arm or of the baseline) are left out of <see cref="Delta"/> and counted here.
/// </summary>
public sealed record LoadedDelta(double Rate, Difference Delta, int OverloadedArm, int ArmTrials, int OverloadedBaseline, int BaselineTrials)
{
    /// <summary>Every trial of one side was overloaded: nothing is left to compare.</summary>
    public bool NotCompared => Delta.NArm == 0 || Delta.NBaseline == 0;

    public int Excluded => OverloadedArm + OverloadedBaseline;
}

/// <summary>One Δ of a row that lies below the arm's crypto floor: where it was measured, its upper end, the floor.</summary>
public sealed record BelowFloor(string Where, double UpperEnd, double Floor);

/// <summary>One row of the CPU reconciliation table: every figure of one arm label, the verdict and any Δ below its floor.</summary>
public sealed record ReconciliationRow(
    string Label,
    MicroValue? Floor,
    MicroValue? Handler,
    MicroValue? PipelineDelta,
    IReadOnlyList<LoadedDelta> SpinFree,
    IReadOnlyList<LoadedDelta> AsShipped,
    Difference Saturation,
    bool Agrees,
    string Verdict,
    IReadOnlyList<BelowFloor> BelowFloor);

/// <summary>
/// Reconciles one arm's CPU cost across instruments: the crypto floor and handler from the microbenchmarks, the pipeline
/// benchmark's Δ, the loaded Δ at each fixed rate (spin-free and as shipped) and the saturation Δ. Every figure is read
/// from the runs; the rules (tolerance, floor, overload) are the only constants.
/// </summary>
public static class CpuReconciliation
{
    /// <summary>A spin-free loaded Δ agrees with the saturation Δ when it lies within this share of it.</summary>
    public const double Tolerance = 0.25;

    /// <summary>What a flagged Δ below its floor says until someone has explained it.</summary>
    public const string Unexplained = "not explained: check";

    private static readonly Func<Trial, double> Cpu = t => t.ServerCpuUsPerRequest;

    private static string Baseline => ReportContext.BaselineLabel;

    /// <summary>The offered rates of a fixed-rate run, ascending.</summary>
    public static IReadOnlyList<double> Rates(LoadRun? run) =>
        run is null ? [] : [.. run.Trials.Select(t => t.TargetRps).Where(r => !double.IsNaN(r)).Distinct().Order()];

    /// <summary>Every label of every run of the catalogue (transport variants included) but the baseline, in report order.</summary>
    public static IReadOnlyList<string> Labels() =>
        ArmCatalogue.OrderLabels(ArmCatalogue.Runs.SelectMany(a => a.Labels)).Where(l => l != Baseline).ToList();

    /// <summary>The arm's server CPU per request over the baseline's at a rate, overloaded trials left out and counted.</summary>
    public static LoadedDelta Loaded(LoadRun run, string label, double rate)
    {
        var arm = run.Trials.Where(t => t.Label == label && t.TargetRps == rate).ToList();
        var baseline = run.Trials.Where(t => t.Label == Baseline && t.TargetRps == rate).ToList();
        var d = Bootstrap.OfMedians(arm.Where(t => !t.Overloaded).Select(Cpu), baseline.Where(t => !t.Overloaded).Select(Cpu));
        return new LoadedDelta(rate, d, arm.Count(t => t.Overloaded), arm.Count, baseline.Count(t => t.Overloaded), baseline.Count);
    }

    /// <summary>The baseline's own server CPU per request at a rate (overloaded trials left out).</summary>
    public static Spread BaselineAt(LoadRun run, double rate) =>
        Spread.Of(run.Trials.Where(t => t.Label == Baseline && t.TargetRps == rate && !t.Overloaded).Select(Cpu));

    /// <summary>
    /// The Floor_* benchmark that bounds the arm from below: the signature verify of its algorithm (parameter Alg, for the
    /// run's claims profile where the benchmark has one); zero for an arm without cryptography; null where the micro run lacks it.
    /// </summary>
    public static MicroValue? Floor(MicroRun? micro, string label, string claims)
    {
        if (ArmCatalogue.ParseLabel(label) is not { } parsed)
        {
            return null;
        }
        if (!parsed.Arm.HasAlgorithm)
        {
            return new MicroValue(0, "no cryptography");
        }
        var floor = micro?.Benchmarks
            .Where(b => b.Method.StartsWith("Floor", StringComparison.Ordinal) && Parameter(b, "Alg") is { } alg && alg.Equals(parsed.Alg, StringComparison.OrdinalIgnoreCase))
            .OrderBy(b => ClaimsMatch(b, claims) ? 0 : 1)
            .FirstOrDefault();
        return floor is null ? null : new MicroValue(floor.MedianNs / 1000, floor.Key);
    }

    /// <summary>
    /// The arm's handler in the head-to-head class: the case whose Label parameter is the label (runs over the catalogue),
    /// or in published runs the method named after it (Jwt_HS256 for jwt-HS256; SessionLookup for session).
    /// </summary>
    public static MicroValue? Handler(MicroRun? micro, string label)
    {
        var h2h = micro?.Benchmarks.Where(b => MicroFigures.IsHeadToHead(b.Type)).ToList() ?? [];
        var b = h2h.FirstOrDefault(b => MicroFigures.LabelOf(b) == label) ?? h2h.FirstOrDefault(b => MicroFigures.LabelOf(b) is null && MethodNames(b.Method, label));
        return b is null ? null : new MicroValue(b.MedianNs / 1000, b.Key);
    }

    /// <summary>The pipeline benchmark's request for the label minus the baseline's (medians, µs).</summary>
    public static MicroValue? PipelineDelta(MicroRun? micro, string label)
    {
        var pipeline = micro?.Benchmarks.Where(b => b.Type.Contains("Pipeline", StringComparison.Ordinal)).ToList() ?? [];
        MicroBenchmark? Of(string l) => pipeline.FirstOrDefault(b => MicroFigures.LabelOf(b) == l)
            ?? pipeline.FirstOrDefault(b => MicroFigures.LabelOf(b) is null && Normalised(b.Method).Equals(l, StringComparison.OrdinalIgnoreCase));
        return Of(label) is { } arm && Of(Baseline) is { } baseline
            ? new MicroValue((arm.MedianNs - baseline.MedianNs) / 1000, $"{arm.Key} − {baseline.Key}")
            : null;
    }

    /// <summary>Builds one row: every figure, the verdict against <see cref="Tolerance"/> and the floor check.</summary>
    public static ReconciliationRow Row(string label, MicroRun? micro, LoadRun? spinFree, LoadRun? asShipped, LoadRun? saturation)
    {
        var claims = (spinFree ?? asShipped ?? saturation)?.Results.Settings.Claims ?? "";
        var floor = Floor(micro, label, claims);
        var spin = spinFree is null ? [] : Rates(spinFree).Where(r => Has(spinFree, label, r)).Select(r => Loaded(spinFree, label, r)).ToList();
        var shipped = asShipped is null ? [] : Rates(asShipped).Where(r => Has(asShipped, label, r)).Select(r => Loaded(asShipped, label, r)).ToList();
        var sat = saturation is null ? Difference.None : ReportContext.SatDeltaCi(saturation, label, Cpu);
        var pipeline = PipelineDelta(micro, label);

        var below = new List<BelowFloor>();
        if (floor is not null)
        {
            void Check(string where, Difference d)
            {
                var upper = d.HasInterval ? d.High : d.Estimate;
                if (!double.IsNaN(upper) && upper < floor.Us)
                {
                    below.Add(new BelowFloor(where, upper, floor.Us));
                }
            }
            foreach (var d in spin)
            {
                Check($"spin-free at {ReportContext.Rate(d.Rate)} requests/s", d.Delta);
            }
            foreach (var d in shipped)
            {
                Check($"as shipped at {ReportContext.Rate(d.Rate)} requests/s", d.Delta);
            }
            Check("saturation", sat);
            if (pipeline is not null)
            {
                Check("pipeline benchmark", new Difference(pipeline.Us, double.NaN, double.NaN, 1, 1));
            }
        }
        var (agrees, verdict) = new[] { spinFree, asShipped, saturation }.Any(r => r?.Trials.Any(t => t.Label == label) == true)
            ? Verdict(spinFree, spin, saturation, sat)
            : (false, "not measured in any load run");
        return new ReconciliationRow(label, floor, Handler(micro, label), pipeline, spin, shipped, sat, agrees, verdict, below);
    }

    /// <summary>
    /// "agrees" when every compared spin-free Δ lies within <see cref="Tolerance"/> of the saturation Δ; otherwise which
    /// rate disagrees and the likeliest reason the files show: intervals that overlap (noise), or, with disjoint intervals,
    /// the baseline's own per-wake-up cost at that rate (its CPU per request against its saturation figure); else
    /// "not explained: check".
    /// </summary>
    public static (bool Agrees, string Verdict) Verdict(LoadRun? spinFree, IReadOnlyList<LoadedDelta> spin, LoadRun? saturation, Difference sat)
    {
        if (spinFree is null)
        {
            return (false, "cannot reconcile: no spin-free fixed-rate run");
        }
        if (saturation is null || double.IsNaN(sat.Estimate))
        {
            return (false, "cannot reconcile: no saturation Δ");
        }
        var compared = spin.Where(d => !d.NotCompared && !double.IsNaN(d.Delta.Estimate)).ToList();
        var notCompared = spin.Where(d => d.NotCompared).Select(d => $"overloaded at {ReportContext.Rate(d.Rate)} requests/s: not compared").ToList();
        if (compared.Count == 0)
        {
            return (false, "cannot reconcile: no spin-free rate left to compare" + (notCompared.Count > 0 ? $" ({string.Join("; ", notCompared)})" : ""));
        }
        var band = Tolerance * Math.Abs(sat.Estimate);
        var reasons = new List<string>();
        var baselineSat = saturation is null ? Spread.Of([]) : Spread.Of(ReportContext.CountedSaturationTrials(saturation, Baseline).Select(Cpu));
        foreach (var d in compared.Where(d => Math.Abs(d.Delta.Estimate - sat.Estimate) > band))
        {
            var at = $"at {ReportContext.Rate(d.Rate)} requests/s ({LoadRun.Format(d.Delta.Estimate)} against {LoadRun.Format(sat.Estimate)})";
            var own = BaselineAt(spinFree, d.Rate);
            string why;
            if (!d.Delta.HasInterval)
            {
                why = $"no interval ({d.Delta.Repetitions}), so the difference cannot be told from noise";
            }
            else if (d.Delta.ContainsZero || (sat.HasInterval && d.Delta.Low <= sat.High && d.Delta.High >= sat.Low))
            {
                // The two intervals overlap: the runs cannot tell the two figures apart, whatever their medians say.
                why = $"within the noise: the loaded interval {d.Delta.Interval()} overlaps the saturation interval {sat.Interval()}";
            }
            else if (own.Median > (1 + Tolerance) * baselineSat.Median)
            {
                // Disjoint intervals: a real difference between the regimes, not noise.
                why = $"a real difference (the intervals are disjoint), and the regimes differ: `{Baseline}` itself costs {LoadRun.Format(own.Median)} µs/request "
                    + $"here against {LoadRun.Format(baselineSat.Median)} at saturation — per-wake-up cost of a lightly loaded server, which an arm that "
                    + "works longer per request pays "
                    + (d.Delta.Estimate > sat.Estimate ? "more of (fewer requests share each wake-up)" : "less of");
            }
            else
            {
                why = Unexplained;
            }
            reasons.Add($"disagrees {at}: {why}");
        }
        var tail = notCompared.Count > 0 ? "; " + string.Join("; ", notCompared) : "";
        return reasons.Count == 0
            ? (true, $"agrees (every spin-free Δ within {ReportContext.Percent(Tolerance)} of saturation){tail}")
            : (false, string.Join("; ", reasons) + tail);
    }

    /// <summary>"Server" or "workstation" from a GC description (BenchmarkDotNet's "Concurrent Workstation", the load tool's "server, concurrent" or "workstation (…)"); null when it names neither.</summary>
    public static string? GcKind(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return null;
        }
        // The effective GC's note may mention ".NET Server GC" threads it did not find: the leading words decide.
        var head = description.Split('(', 2)[0];
        return head.Contains("server", StringComparison.OrdinalIgnoreCase) ? "server"
            : head.Contains("workstation", StringComparison.OrdinalIgnoreCase) ? "workstation"
            : null;
    }

    private static bool Has(LoadRun run, string label, double rate) => run.Trials.Any(t => t.Label == label && t.TargetRps == rate);

    private static string? Parameter(MicroBenchmark b, string name) =>
        b.Parameters.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2 && p[0] == name).Select(p => p[1]).FirstOrDefault();

    private static bool ClaimsMatch(MicroBenchmark b, string claims) =>
        Parameter(b, "Claims") is not { } c || c.Equals(claims, StringComparison.OrdinalIgnoreCase);

    /// <summary>A published method name is the label with '_' for '-' (Jwt_HS256); an arm without algorithm may add a suffix (SessionLookup).</summary>
    private static bool MethodNames(string method, string label)
    {
        var name = Normalised(method);
        return name.Equals(label, StringComparison.OrdinalIgnoreCase)
            || (ArmCatalogue.ParseLabel(label) is { Arm.HasAlgorithm: false } && name.StartsWith(label, StringComparison.OrdinalIgnoreCase));
    }

    private static string Normalised(string method) => method.Replace('_', '-');
}
