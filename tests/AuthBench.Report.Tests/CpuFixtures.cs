using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Tests;

/// <summary>Fixed-rate, saturation and micro runs for the CPU rules, written through the contract under <see cref="Root"/>, a temporary folder it deletes when disposed.</summary>
internal sealed class CpuFixtures : IDisposable
{
    /// <summary>The results folder the runs are written under.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("authbench-cpu-").FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static readonly ArmDescriptor None = ArmCatalogue.None;
    private static readonly ArmDescriptor Jwt = ArmCatalogue.Jwt;
    private static readonly string Hs256 = Jwt.Label("HS256");

    /// <summary>CPU per request of one trial: the baseline's at a rate, and the arm's Δ over it (with a small spread by repetition).</summary>
    public delegate (double Baseline, double Delta) Cpu(double rate, int rep);

    public LoadRun FixedRate(string name, string spinLimit, Cpu cpu, double[]? rates = null, Func<double, int, bool>? armOverloaded = null)
    {
        var trials = new List<TrialResult>();
        foreach (var rate in rates ?? [100, 200])
        {
            foreach (var rep in new[] { 1, 2, 3 })
            {
                var (b, d) = cpu(rate, rep);
                trials.Add(Fixtures.Trial(None, null, rate, rep, b, 300, 100, null));
                // Overloaded: 5 % of the intended requests late, above the 1 % rule.
                var late = armOverloaded?.Invoke(rate, rep) == true ? (long)(rate * 10 * 0.05) : 0;
                trials.Add(Fixtures.Trial(Jwt, "HS256", rate, rep, b + d, 300, 500, null, late: late));
            }
        }
        var run = Fixtures.Run(trials, mode: "open-loop", settings: Fixtures.Settings with { SpinLimit = spinLimit });
        return LoadRun.Read(Fixtures.Write(Path.Combine(Root, "load", name), run));
    }

    /// <summary>A find-max run: none at 15 µs, the arm 20 µs above it; <paramref name="busy"/> per (label, repetition), isolation on unless told.</summary>
    public LoadRun Saturation(Func<string, int, double>? busy = null, bool isolated = true, double delta = 20, Func<string, int, double?>? cpu = null)
    {
        var trials = new List<TrialResult>();
        foreach (var rep in new[] { 1, 2, 3 })
        {
            foreach (var (arm, alg, c) in new[] { (None, (string?)null, 15 + (rep * 0.1)), (Jwt, "HS256", 15 + delta + (rep * 0.1)) })
            {
                var label = arm.Label(alg);
                var t = Fixtures.Trial(arm, alg, null, rep, cpu?.Invoke(label, rep) ?? c, 2000, 100, null, achieved: 50_000);
                trials.Add(WithCpu(t, isolated ? busy?.Invoke(label, rep) ?? 0.999 : null));
            }
        }
        var run = Fixtures.Run(trials, mode: "find-max");
        if (isolated)
        {
            run.Environment.Isolation = new IsolationInfo { Enabled = true, ApiCpus = "1", LoadgenCpus = "0", ApiGcEffective = "workstation (test)" };
        }
        return LoadRun.Read(Fixtures.Write(Path.Combine(Root, "load", "20260101T000000Z-find-max"), run));
    }

    public static TrialResult WithCpu(TrialResult t, double? apiBusy) => new()
    {
        Arm = t.Arm,
        Alg = t.Alg,
        Claims = t.Claims,
        Label = t.Label,
        Endpoint = t.Endpoint,
        TargetRps = t.TargetRps,
        Repetition = t.Repetition,
        AchievedRps = t.AchievedRps,
        Requests = t.Requests,
        Late = t.Late,
        Dropped = t.Dropped,
        Errors = t.Errors,
        LatencyUs = t.LatencyUs,
        ServiceTimeUs = t.ServiceTimeUs,
        BytesPerRequest = t.BytesPerRequest,
        ServerCpuUsPerRequest = t.ServerCpuUsPerRequest,
        ServerPeakRssMb = t.ServerPeakRssMb,
        LoadgenCpuUsPerRequest = t.LoadgenCpuUsPerRequest,
        Cpu = new TrialCpu(apiBusy, 0, apiBusy is null ? null : 0.5, 0, 0.4, 0.4, 0, new Dictionary<string, CpuShare>()),
    };

    /// <summary>A micro run with the HS256 signature floor at <paramref name="floorUs"/> and a BenchmarkDotNet log naming its GC.</summary>
    public MicroRun Micro(double floorUs, string gcLine = "// GC=Concurrent Workstation")
    {
        var dir = Path.Combine(Root, "micro");
        Fixtures.WriteMicro(dir, "JwtValidationBenchmarks",
        [
            ("Floor_SignatureVerify", "Alg=HS256&Claims=Small", floorUs * 500),
            ("Floor_SignatureVerify", "Alg=HS256&Claims=Typical", floorUs * 1000),
        ]);
        Fixtures.WriteMicro(dir, "HeadToHeadBenchmarks", [("Authenticate", $"Label={Hs256}", 7_000), ("Authenticate", $"Label={ArmCatalogue.Session.Name}", 38_000)]);
        Fixtures.WriteMicro(dir, "PipelineBenchmarks", [("Request", $"Label={None.Name}", 10_000), ("Request", $"Label={Hs256}", 29_000)]);
        File.WriteAllLines(Path.Combine(dir, "BenchmarkRun-20260101-000000.log"), [gcLine, "Runtime = .NET 10.0.0, X64 RyuJIT; GC = Concurrent Workstation"]);
        return MicroRun.Read(dir)!;
    }

    public string Report(LoadRun? load, LoadRun? asShipped, LoadRun? saturation, MicroRun? micro = null) =>
        new ReportBuilder(new ReportInputs(load, micro, default, Root, null, saturation, AsShipped: asShipped)).Build(Path.Combine(Root, "charts"));

    public static string Section(string md)
    {
        var start = md.IndexOf("\n## CPU reconciliation\n", StringComparison.Ordinal);
        var end = md.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return md[start..end];
    }
}
