using AuthBench.Contracts.Arms;

namespace AuthBench.Report.Sections;

/// <summary>
/// One arm's CPU cost from every instrument side by side (crypto floor, micro handler, pipeline benchmark, loaded Δ at
/// each fixed rate spin-free and as shipped, saturation Δ) with a verdict per row, the GC modes of micro and load runs,
/// a chart, and the spin-free against as-shipped table.
/// </summary>
public sealed class CpuReconciliationSection : IReportSection
{
    public string Heading => "## CPU reconciliation";

    public void Write(ReportContext report)
    {
        var baseline = ReportContext.BaselineLabel;
        var spinFree = report.SpinFree;
        var asShipped = report.AsShipped;
        var saturation = report.Saturation;
        report.Line($"The same authentication cost, server CPU per request over `{baseline}`, as each instrument sees it. The crypto floor is the "
            + "microbenchmark of the cryptography alone that every request of the arm must run (zero for an arm without any); the micro handler "
            + "is one authentication in-process (wall time of one call on an idle machine: for an arm that touches the store it includes the wait "
            + $"for the store's answer, which costs no CPU); the pipeline Δ is a whole in-process request minus `{baseline}`'s (medians, no interval). "
            + "The loaded Δ comes from the fixed-rate runs, the saturation Δ from the closed-loop run with the API's core full.");
        report.Line();
        report.Line($"A row **agrees** when every spin-free loaded Δ lies within {ReportContext.Percent(CpuReconciliation.Tolerance)} of the saturation Δ; "
            + "otherwise the verdict names the rate that disagrees and the likeliest reason the files show. A Δ whose interval's upper end lies below "
            + $"the arm's crypto floor is flagged **below floor**: a request cannot cost less than the cryptography it runs, so such a figure is an "
            + $"error of the instrument until explained (\"{CpuReconciliation.Unexplained}\").");
        report.Line();
        WriteInputs(report, spinFree, asShipped, saturation);
        WriteGcModes(report, [spinFree, asShipped, saturation]);
        report.Line(ReportContext.IntervalPointer + $" Overloaded trials (more than {ReportContext.Percent(Trial.OverloadShare)} of their intended requests late or dropped) "
            + "are left out of the loaded Δ, of the arm and of the baseline alike, and counted in its cell; a rate where every trial of a side was overloaded is not compared.");
        report.Line();

        // One row per label of the catalogue: a label no load run measured keeps its micro figures and says so.
        var rows = CpuReconciliation.Labels().Select(l => CpuReconciliation.Row(l, report.Micro, spinFree, asShipped, saturation)).ToList();
        var measured = rows.Where(r => new[] { spinFree, asShipped, saturation }.Any(run => run?.Trials.Any(t => t.Label == r.Label) == true)).ToList();
        if (measured.Count == 0)
        {
            report.Line("_No load run measured an arm besides the baseline: nothing to reconcile._");
            report.Line();
            WriteSpinComparison(report, spinFree, asShipped);
            return;
        }
        var spinRates = CpuReconciliation.Rates(spinFree);
        var shippedRates = CpuReconciliation.Rates(asShipped);
        var columns = new List<string> { "arm", "crypto floor (µs)", "micro handler (µs)", $"pipeline Δ over `{baseline}` (µs)" };
        columns.AddRange(spinRates.Select(r => $"spin-free Δ at {ReportContext.Rate(r)} req/s (µs)"));
        columns.AddRange(shippedRates.Select(r => $"as-shipped Δ at {ReportContext.Rate(r)} req/s (µs)"));
        columns.Add("saturation Δ (µs)");
        columns.Add("verdict");
        report.Line("| " + string.Join(" | ", columns) + " |");
        report.Line("| --- |" + string.Concat(Enumerable.Repeat(" ---: |", columns.Count - 2)) + " --- |");
        foreach (var row in rows)
        {
            var cells = new List<string>
            {
                $"`{row.Label}`",
                Micro(row.Floor),
                Micro(row.Handler),
                Micro(row.PipelineDelta) + Flag(row, "pipeline benchmark"),
            };
            cells.AddRange(spinRates.Select(r => Loaded(row.SpinFree, r) + Flag(row, $"spin-free at {ReportContext.Rate(r)} requests/s")));
            cells.AddRange(shippedRates.Select(r => Loaded(row.AsShipped, r) + Flag(row, $"as shipped at {ReportContext.Rate(r)} requests/s")));
            cells.Add((saturation is null ? "no run" : row.Saturation.NArm == 0 ? "not measured" : row.Saturation.Show()) + Flag(row, "saturation"));
            var floors = row.BelowFloor.Select(b => $"**below floor**: {b.Where} (upper end {LoadRun.Format(b.UpperEnd, 2)} < floor {LoadRun.Format(b.Floor, 2)} µs): {CpuReconciliation.Unexplained}");
            cells.Add(ReportContext.Cell(string.Join("; ", new[] { row.Verdict }.Concat(floors))));
            report.Line("| " + string.Join(" | ", cells) + " |");
        }
        report.Line();
        var sources = rows.Where(r => r.Floor is not null || r.Handler is not null || r.PipelineDelta is not null).ToList();
        if (sources.Count > 0)
        {
            report.Line("Microbenchmark cases read (BenchmarkDotNet medians" + (report.Micro is { } m ? $", run of commit `{m.Provenance.CommitText}`" : "") + "):");
            report.Line();
            foreach (var r in sources)
            {
                report.Line($"- `{r.Label}`: floor {Source(r.Floor)}; handler {Source(r.Handler)}; pipeline {Source(r.PipelineDelta)}");
            }
            report.Line();
        }
        if (report.Micro is null)
        {
            report.Line("_No microbenchmark run found: floors, handlers and pipeline Δ are missing, and no Δ can be checked against its floor._");
            report.Line();
        }
        WriteChart(report, measured, spinFree, saturation);
        WriteSpinComparison(report, spinFree, asShipped);
    }

    private static void WriteInputs(ReportContext report, LoadRun? spinFree, LoadRun? asShipped, LoadRun? saturation)
    {
        report.Line(spinFree is null
            ? $"- Spin-free fixed-rate run: _none found (an open-loop run with settings.spin_limit {LoadRun.SpinFreeSpinLimit}): no spin-free loaded Δ, so no verdict._"
            : $"- Spin-free fixed-rate run: {report.RunLink(spinFree)}, {Describe(spinFree)}.");
        report.Line(asShipped is null
            ? $"- As-shipped fixed-rate run: _none found (an open-loop run with settings.spin_limit {LoadRun.AsShippedSpinLimit}, or none recorded)._"
            : $"- As-shipped fixed-rate run: {report.RunLink(asShipped)}, {Describe(asShipped)}.");
        report.Line(saturation is null
            ? "- Saturation run: _none found (mode find-max): no saturation Δ, so no verdict._"
            : $"- Saturation run: {report.RunLink(saturation)}, {Describe(saturation)}.");
        report.Line();
    }

    private static string Describe(LoadRun run)
    {
        var s = run.Results.Settings;
        var reps = run.Trials.Select(t => t.Repetition).Distinct().Count();
        var isolation = run.Results.Environment.Isolation is { Enabled: true } i
            ? $"API alone on CPU set {i.ApiCpus}, generator and store on {i.LoadgenCpus}"
            : "not isolated (generator, API and store share the machine)";
        var order = s.Order is { } o ? $", arm order {o}" + (s.Seed is { } seed ? $" (seed {seed})" : "") : "";
        return $"APIs {RunSelection.SpinName(run)}, {reps} repetition(s), {isolation}{order}";
    }

    /// <summary>The micro run's GC beside each load run's (the effective one where recorded); a different kind is flagged.</summary>
    private static void WriteGcModes(ReportContext report, IEnumerable<LoadRun?> runs)
    {
        var micro = report.Micro;
        var microText = micro is null ? null : micro.GcModes.Count == 0 ? null : string.Join(", ", micro.GcModes);
        var microKinds = micro?.GcModes.Select(CpuReconciliation.GcKind).Where(k => k is not null).Distinct().ToList() ?? [];
        var parts = new List<string>();
        foreach (var run in runs.OfType<LoadRun>().Distinct())
        {
            var env = run.Results.Environment;
            var (api, source) = env.Isolation?.ApiGcEffective is { } effective
                ? (effective, "environment.isolation.api_gc_effective")
                : (env.ApiGcMode, "environment.api_gc_mode, the configured mode; the effective one was not recorded");
            var apiKind = CpuReconciliation.GcKind(api);
            var mismatch = apiKind is not null && microKinds.Count > 0 && (microKinds.Count > 1 || microKinds[0] != apiKind)
                ? " — **GC mismatch**: the microbenchmarks ran another collector, so their figures and this run's differ by the GC's cost too"
                : apiKind is null || microKinds.Count == 0 ? " (kinds not comparable)" : " (same kind)";
            parts.Add($"`{Path.GetFileName(run.Directory)}`: {api ?? "not recorded"} ({source}){mismatch}");
        }
        report.Line($"GC: microbenchmarks {(microText is null ? "not recorded (no BenchmarkDotNet log with a GC line)" : microText)} (BenchmarkDotNet log); "
            + (parts.Count == 0 ? "no load run." : "API in " + string.Join("; ", parts) + "."));
        report.Line();
    }

    private static string Micro(MicroValue? v) => v is null ? "not in the micro run" : LoadRun.Format(v.Us, 2);

    private static string Source(MicroValue? v) => v is null ? "none" : $"`{ReportContext.Cell(v.Source)}`";

    private static string Flag(ReconciliationRow row, string where) => row.BelowFloor.Any(b => b.Where == where) ? " **below floor**" : "";

    private static string Loaded(IReadOnlyList<LoadedDelta> deltas, double rate)
    {
        if (deltas.FirstOrDefault(d => d.Rate == rate) is not { } d)
        {
            return "not measured";
        }
        var counts = $"{d.OverloadedArm} of {d.ArmTrials}; `{ReportContext.BaselineLabel}` {d.OverloadedBaseline} of {d.BaselineTrials}";
        return d.NotCompared ? $"**overloaded** ({counts}): not compared"
            : d.Excluded > 0 ? $"{d.Delta.Show()} (overloaded trials left out: {counts})"
            : d.Delta.Show();
    }

    private static void WriteChart(ReportContext report, IReadOnlyList<ReconciliationRow> rows, LoadRun? spinFree, LoadRun? saturation)
    {
        if (spinFree is null && saturation is null)
        {
            return;
        }
        var series = new List<(string Name, Difference[] Values)>();
        foreach (var rate in CpuReconciliation.Rates(spinFree))
        {
            Difference[] values = [.. rows.Select(r => r.SpinFree.FirstOrDefault(d => d.Rate == rate) is { NotCompared: false } d ? d.Delta : Difference.None)];
            var empty = values.All(v => double.IsNaN(v.Estimate)) ? " (overloaded or not measured: no bars)" : "";
            series.Add(($"spin-free, {ReportContext.Rate(rate)} requests/s{empty}", values));
        }
        if (saturation is not null)
        {
            series.Add(("saturation", [.. rows.Select(r => r.Saturation)]));
        }
        var rel = report.Relative(report.ChartsDirectory);
        const string Name = "cpu-reconciliation";
        Charts.GroupedBars(Path.Combine(report.ChartsDirectory, Name), $"Server CPU per request over {ReportContext.BaselineLabel}",
            "server CPU over baseline (µs per request)", [.. rows.Select(r => r.Label)], series);
        var caption = $"Server CPU per request over `{ReportContext.BaselineLabel}` per arm: the spin-free run at each rate and the saturation run "
            + "(bars: medians over repetitions; whiskers: the bootstrap interval; overloaded rates left out).";
        report.Line($"![{caption}]({rel}/{Name}.png)");
        report.Line();
        report.Line($"{caption} ([SVG]({rel}/{Name}.svg))");
        report.Line();
    }

    /// <summary>Per rate both runs have and per arm: server CPU per request spin-free and as shipped, their ratio and difference.</summary>
    private static void WriteSpinComparison(ReportContext report, LoadRun? spinFree, LoadRun? asShipped)
    {
        var baseline = ReportContext.BaselineLabel;
        report.Line("### Spin-free against as shipped");
        report.Line();
        if (spinFree is null || asShipped is null)
        {
            report.Line($"_Needs both a spin-free and an as-shipped fixed-rate run; {(spinFree is null ? "no spin-free run" : "no as-shipped run")} was found._");
            report.Line();
            return;
        }
        var rates = CpuReconciliation.Rates(spinFree).Intersect(CpuReconciliation.Rates(asShipped)).Order().ToList();
        if (rates.Count == 0)
        {
            report.Line("_The spin-free and as-shipped runs share no offered rate: nothing to set side by side._");
            report.Line();
            return;
        }
        report.Line($"How to read this: the same arm at the same offered rate with and without thread-pool spinning. The difference is what "
            + $"spinning costs per request; what is left in the spin-free `{baseline}` row beyond its saturation figure is the per-wake-up "
            + "cost of a lightly loaded server. Both are idle work that every arm pays at that rate, which is why the report compares arms by their Δ. "
            + "Medians over repetitions (min–max in brackets), overloaded trials left out.");
        report.Line();
        if (report.Saturation is { } sat && ReportContext.CountedSaturationTrials(sat, baseline).Any())
        {
            report.Line($"For scale: `{baseline}` at saturation costs {report.Sat(baseline, t => t.ServerCpuUsPerRequest).Show()} µs/request "
                + $"(median over the repetitions that count, min–max in brackets; from {report.RunLink(sat)}).");
            report.Line();
        }
        report.Line("| offered req/s | arm | spin-free CPU µs/req | as-shipped CPU µs/req | as shipped ÷ spin-free | as shipped − spin-free (µs) |");
        report.Line("| ---: | --- | ---: | ---: | ---: | ---: |");
        foreach (var rate in rates)
        {
            var labels = ArmCatalogue.OrderLabels(spinFree.Trials.Concat(asShipped.Trials).Where(t => t.TargetRps == rate).Select(t => t.Label));
            foreach (var label in labels)
            {
                Spread Of(LoadRun run) => Spread.Of(run.Trials.Where(t => t.Label == label && t.TargetRps == rate && !t.Overloaded).Select(t => t.ServerCpuUsPerRequest));
                string Overloaded(LoadRun run) => run.Trials.Count(t => t.Label == label && t.TargetRps == rate && t.Overloaded) is var n and > 0 ? $" ({n} overloaded left out)" : "";
                var (free, shipped) = (Of(spinFree), Of(asShipped));
                var name = label == baseline ? $"**`{label}`** (baseline)" : $"`{label}`";
                report.Line($"| {ReportContext.Rate(rate)} | {name} | {free.Show()}{Overloaded(spinFree)} | {shipped.Show()}{Overloaded(asShipped)} "
                    + $"| {LoadRun.Format(shipped.Median / free.Median, 2)} | {LoadRun.Format(shipped.Median - free.Median)} |");
            }
        }
        report.Line();
    }
}
