namespace AuthBench.Report.Sections;

/// <summary>One table per offered rate of the open-loop run, then the saturation (closed-loop) table.</summary>
public sealed class LoadTestsSection : IReportSection
{
    public string Heading => "## Load tests";

    public void Write(ReportContext report)
    {
        var baseline = ReportContext.BaselineLabel;
        if (report.Load is not { } load || load.Trials.Count == 0)
        {
            report.Line("_No load-test results found._");
            report.Line();
            return;
        }
        var reps = load.Trials.Select(t => t.Repetition).Distinct().Count();
        report.Line($"Open-loop load, arms measured in alternation, {reps} repetition(s) per arm and rate. Each cell is the median over "
            + "repetitions with min–max in round brackets. Latency is measured from each request's intended send time (no coordinated omission). "
            + RunSelection.LoadRunChoice(report.Inputs, report.Relative));
        report.Line();
        report.Line(ReportContext.IntervalPointer + " " + ReportContext.OverloadMethod);
        report.Line();
        WriteMetricsLegend(report, load);
        foreach (var rate in load.Trials.Select(t => t.TargetRps).Distinct().Order())
        {
            report.Line($"### {ReportContext.Rate(rate)} requests/s offered");
            report.Line();
            report.Line($"How to read this: compare each arm's row with `{baseline}`; CPU and bytes are per request, so they do not depend on how long the run was. "
                + "Failures are errors plus dropped requests; \"late + dropped\" is their share of the intended requests.");
            report.Line();
            report.Line($"| arm | achieved rps | p50 (µs) | p99 (µs) | p99.9 (µs) | max (µs) | failures (errors + dropped) | late + dropped | sent B/req | received B/req | server CPU µs/req | Δ CPU vs {baseline} [interval] | loadgen CPU µs/req | peak RSS MB | store cmds/req | store CPU µs/req | store B/req |");
            report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            var arms = report.ArmLabels().Where(arm => load.Trials.Any(t => t.Label == arm && t.TargetRps == rate)).ToList();
            foreach (var arm in arms)
            {
                Spread S(Func<Trial, double> f) => report.At(arm, rate, f);
                var overloaded = report.IsOverloaded(arm, rate);
                string Latency(Func<Trial, double> f) => overloaded ? report.OverloadMark(arm, rate) : S(f).Show(0);
                var delta = arm == baseline ? "–"
                    : report.DeltaCi(arm, rate, t => t.ServerCpuUsPerRequest).Show() + (overloaded || report.IsOverloaded(baseline, rate) ? " (overloaded)" : "");
                var share = S(t => t.NotOnTimeShare * 100);
                report.Line($"| `{arm}` | {S(t => t.AchievedRps).Show(0)} | {Latency(t => t.Latency.P50)} | {Latency(t => t.Latency.P99)} | {Latency(t => t.Latency.P999)} | {Latency(t => t.Latency.Max)} "
                    + $"| {S(t => t.Failures).Show(0)} | {share.Show(2)} % | {S(t => t.BytesSent).Show(0)} | {S(t => t.BytesReceived).Show(0)} "
                    + $"| {S(t => t.ServerCpuUsPerRequest).Show()}{MetricsMark(load, arm, rate)} | {delta} | {S(t => t.LoadgenCpuUsPerRequest).Show()} | {S(t => t.ServerPeakRssMb).Show(0)} "
                    + $"| {S(t => t.Store?.CommandsPerRequest ?? 0).Show(2)} | {S(t => t.Store?.CpuUsPerRequest ?? 0).Show()} | {S(t => t.Store?.BytesPerRequest ?? 0).Show(0)} |");
            }
            report.Line();
            WriteShifts(report, rate, arms);
            if (rate == report.ModerateRate())
            {
                Publish(report, load, rate, arms);
            }
        }
        WriteSaturation(report);
    }

    /// <summary>"1,000 req/s open loop, spin-free, typical claims, store standalone on loopback": how a fixed-rate figure was measured.</summary>
    public static string FixedRateRegime(LoadRun load, double rate) =>
        $"{ReportContext.Rate(rate)} req/s open loop, {(load.IsSpinFree ? "spin-free" : "as shipped (idle spinning in CPU)")}, "
        + $"{string.Join("/", load.Trials.Select(t => t.Claims).Where(c => c.Length > 0).Distinct())} claims, {StoreRegime(load)}";

    /// <summary>"one standalone store on loopback": the store topology a run recorded.</summary>
    public static string StoreRegime(LoadRun run) =>
        $"one {run.Results.Environment.Store?.Topology ?? "unrecorded"} store ({run.Results.Environment.Store?.Kind ?? "kind not recorded"}) on loopback";

    /// <summary>The moderate rate's figures the verdict quotes, as this section shows them.</summary>
    private static void Publish(ReportContext report, LoadRun load, double rate, IReadOnlyList<string> arms)
    {
        var source = Findings.SourceOf(load);
        var anchor = Findings.Anchor(new LoadTestsSection().Heading);
        var regime = FixedRateRegime(load, rate);
        foreach (var arm in arms)
        {
            Spread S(Func<Trial, double> f) => report.At(arm, rate, f);
            Finding F(FindingKind kind, string figure, string unit) => new(kind, arm, "", figure, unit, source, anchor, regime);
            var commands = S(t => t.Store?.CommandsPerRequest ?? 0);
            report.Findings.Add(F(FindingKind.StoreCommands, commands.Show(2), "commands") with { Value = commands.Median });
            var storeCpu = S(t => t.Store?.CpuUsPerRequest ?? 0);
            report.Findings.Add(F(FindingKind.StoreCpu, storeCpu.Show(), "µs") with { Value = storeCpu.Median });
            var sent = S(t => t.BytesSent);
            report.Findings.Add(F(FindingKind.SentBytes, sent.Show(0), "bytes") with { Value = sent.Median, Exact = sent.Min == sent.Max });
            var storeBytes = S(t => t.Store?.BytesPerRequest ?? 0);
            report.Findings.Add(F(FindingKind.StoreBytes, storeBytes.Show(0), "bytes") with { Value = storeBytes.Median, Exact = storeBytes.Min == storeBytes.Max });
            if (arm == ReportContext.BaselineLabel)
            {
                continue;
            }
            var cpu = report.DeltaCi(arm, rate, t => t.ServerCpuUsPerRequest);
            var overloaded = report.IsOverloaded(arm, rate) || report.IsOverloaded(ReportContext.BaselineLabel, rate);
            report.Findings.Add(F(FindingKind.FixedRateCpuOverBaseline, cpu.Show() + (overloaded ? " (overloaded)" : ""), "µs") with { Difference = cpu, Value = cpu.Estimate });
            foreach (var (kind, q) in new[] { (FindingKind.LatencyShiftP50, Quantiles.Compared[0]), (FindingKind.LatencyShiftP99, Quantiles.Compared[2]) })
            {
                var shift = report.LatencyShift(arm, rate, q);
                report.Findings.Add(shift is { } d
                    ? F(kind, d.Show(0), "µs") with { Difference = d, Value = d.Estimate }
                    : F(kind, report.IsOverloaded(arm, rate) ? report.OverloadMark(arm, rate) : $"not compared: `{ReportContext.BaselineLabel}` {report.OverloadMark(ReportContext.BaselineLabel, rate)}", "µs"));
            }
        }
    }

    /// <summary>The latency shift of each arm over the baseline at one rate: quantile differences with their intervals.</summary>
    private static void WriteShifts(ReportContext report, double rate, IReadOnlyList<string> arms)
    {
        var baseline = ReportContext.BaselineLabel;
        var compared = arms.Where(a => a != baseline).ToList();
        if (compared.Count == 0 || !arms.Contains(baseline))
        {
            return;
        }
        var merged = arms.All(a => report.HasMergedHistogram(a, rate));
        report.Line($"Latency shift over `{baseline}` at {ReportContext.Rate(rate)} requests/s (µs): "
            + (merged ? "quantile differences of the merged histograms" : "differences of the repetitions' median quantiles (a merged histogram file is missing)")
            + ", bootstrap interval over the repetitions' quantiles.");
        report.Line();
        report.Line("| arm | " + string.Join(" | ", Quantiles.Compared.Select(q => $"shift at {q.Name}")) + " |");
        report.Line("| --- |" + string.Concat(Quantiles.Compared.Select(_ => " ---: |")));
        foreach (var arm in compared)
        {
            var cells = Quantiles.Compared.Select(q => report.LatencyShift(arm, rate, q) is { } d ? d.Show(0)
                : report.IsOverloaded(arm, rate) ? report.OverloadMark(arm, rate)
                : $"not compared: `{baseline}` {report.OverloadMark(baseline, rate)}");
            report.Line($"| `{arm}` | " + string.Join(" | ", cells) + " |");
        }
        report.Line();
    }

    private static void WriteSaturation(ReportContext report)
    {
        var baseline = ReportContext.BaselineLabel;
        if (report.Saturation is not { } sat || sat.Trials.Count == 0)
        {
            return;
        }
        var arms = Contracts.Arms.ArmCatalogue.OrderLabels(sat.Trials.Select(t => t.Label));
        var reps = sat.Trials.Select(t => t.Repetition).Distinct().Count();
        var dir = report.Relative(sat.Directory);
        report.Line("### Saturation (closed loop)");
        report.Line();
        report.Line($"From [`{dir}/{sat.FileName}`]({dir}/{sat.FileName}) ({reps} repetition(s) per arm; command: `{sat.Results.Environment.CommandLine ?? ""}`). Every connection sends its next "
            + "request as soon as the previous answer arrives, so the API is never idle: CPU per request here carries no idle thread-pool spinning, "
            + "which inflates it at the fixed rates above. Latency in a closed loop equals service time.");
        report.Line();
        var isolation = sat.Results.Environment.Isolation;
        var isolated = isolation is { Enabled: true };
        report.Line(isolated
            ? $"How to read this: the achieved rate is each arm's throughput ceiling with the API alone on CPU set {isolation!.ApiCpus} "
              + $"(generator and store on {isolation.LoadgenCpus}; the other arms' APIs stopped during each trial; API garbage collector: {isolation.ApiGcEffective ?? "not recorded"}). "
              + "Where the API's CPU is busy for the whole trial, its CPU per request is that CPU's time divided by the requests; the busy columns show "
              + "whether it was, and that the generator's CPU set was not the limit."
            : $"How to read this: the achieved rate is each arm's throughput ceiling on this machine (generator, API and store sharing {report.Cores}); the CPU column is the cleanest per-request cost.");
        report.Line();
        if (sat.Results.Settings.Order is { } order)
        {
            report.Line($"Arm order within each repetition: {order}{(sat.Results.Settings.Seed is { } seed ? $" (seed {seed})" : "")}.");
            report.Line();
        }
        report.Line(ReportContext.IntervalPointer);
        report.Line();
        WriteMetricsLegend(report, sat);
        var full = ReportContext.Percent(Trial.ApiCoreFullBusy);
        report.Line(ReportContext.CoreRuleApplies(sat)
            ? $"A trial whose API CPU set was busy less than {full} of the time is flagged **API core not full**: something other than the API's "
              + "own CPU limited it, so its CPU per request is not the API's cost at saturation. Such trials are left out of every figure of this "
              + "table (and of every saturation figure elsewhere in this report); the last column counts them per arm."
            : $"Isolation was off in this run, so the API's CPU set was not measured alone and the rule that leaves out trials whose API core was "
              + $"not full (busy under {full}) could not be applied: every trial counts.");
        report.Line();
        var busy = isolated ? " API CPU busy | generator CPUs busy | API core not full (left out) |" : "";
        report.Line($"| arm | achieved rps | server CPU µs/req | Δ CPU vs {baseline} [interval] | p99 (µs) | sent B/req | store cmds/req | store CPU µs/req | store B/req | failures (errors + dropped) |{busy}");
        report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (isolated ? " ---: | ---: | --- |" : ""));
        foreach (var arm in arms)
        {
            Spread S(Func<Trial, double> f) => report.Sat(arm, f);
            var delta = arm == baseline ? "–" : report.SatDeltaCi(arm, t => t.ServerCpuUsPerRequest).Show();
            if (arm != baseline)
            {
                var d = report.SatDeltaCi(arm, t => t.ServerCpuUsPerRequest);
                report.Findings.Add(new Finding(FindingKind.SaturationCpuOverBaseline, arm, "", d.Show(), "µs", Findings.SourceOf(sat), Findings.Anchor(new LoadTestsSection().Heading),
                    $"closed loop at saturation, {(isolated ? $"API alone on CPU set {isolation!.ApiCpus}" : "API, generator and store sharing every CPU")}, {StoreRegime(sat)}")
                    { Difference = d, Value = d.Estimate });
            }
            report.Line($"| `{arm}` | {S(t => t.AchievedRps).Show(0)} | {S(t => t.ServerCpuUsPerRequest).Show()}{MetricsMark(sat, arm, null)} | {delta} | {S(t => t.Latency.P99).Show(0)} | {S(t => t.BytesSent).Show(0)} "
                + $"| {S(t => t.Store?.CommandsPerRequest ?? 0).Show(2)} | {S(t => t.Store?.CpuUsPerRequest ?? 0).Show()} | {S(t => t.Store?.BytesPerRequest ?? 0).Show(0)} | {S(t => t.Failures).Show(0)} |"
                + (isolated ? $" {S(t => t.ApiCpuBusy).Show(3)} | {S(t => t.LoadgenCpusBusy).Show(3)} | {NotFull(sat, arm)} |" : ""));
        }
        report.Line();
    }

    /// <summary>The marker of a server CPU cell whose trials read it from the API's metrics endpoint.</summary>
    public const string MetricsMarker = " (m)";

    private static string MetricsMark(LoadRun run, string arm, double? rate) =>
        run.Trials.Any(t => t.Label == arm && (rate is null || t.TargetRps == rate) && t.CpuFromMetrics) ? MetricsMarker : "";

    /// <summary>One legend line, only for a run with trials whose server CPU came from the API's metrics endpoint.</summary>
    private static void WriteMetricsLegend(ReportContext report, LoadRun run)
    {
        if (run.Trials.Any(t => t.CpuFromMetrics))
        {
            report.Line($"Server CPU marked{MetricsMarker} was read from the API's metrics endpoint (a `--target` run: its process_cpu_seconds_total "
                + "over its own count of the trial's requests, before and after each trial; docs/remote.md), not from /proc of a process the load tool started.");
            report.Line();
        }
    }

    /// <summary>"none of 10", or "**API core not full**: 2 of 10 (repetitions 3, 7; busy 0.951, 0.962)".</summary>
    private static string NotFull(LoadRun sat, string arm)
    {
        var of = sat.Trials.Count(t => t.Label == arm);
        var left = ReportContext.CoreNotFullTrials(sat, arm);
        return left.Count == 0
            ? $"none of {of}"
            : $"**API core not full**: {left.Count} of {of} (repetitions {string.Join(", ", left.Select(t => t.Repetition))}; busy {string.Join(", ", left.Select(t => LoadRun.Format(t.ApiCpuBusy, 3)))})";
    }
}
