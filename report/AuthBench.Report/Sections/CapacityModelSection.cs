using AuthBench.Contracts.Arms;

namespace AuthBench.Report.Sections;

/// <summary>
/// Projects the saturation run's spin-free per-request costs linearly to fleet rates: API cores, the share of them
/// that authentication takes, store cores and traffic. Every input is a median of the saturation run.
/// </summary>
public sealed class CapacityModelSection : IReportSection
{
    /// <summary>Fleet-wide request rates the model projects to. Scenario inputs, not measurements.</summary>
    public static readonly double[] FleetRates = [10_000, 100_000, 1_000_000];

    public string Heading => "## Capacity model";

    public void Write(ReportContext report)
    {
        var baseline = ReportContext.BaselineLabel;
        if (report.Saturation is not { } sat || !sat.Trials.Any(t => t.Label == baseline))
        {
            report.Line($"_No saturation (closed-loop) run with the `{baseline}` arm: the model projects its spin-free costs per request. "
                + "A full `scripts/run-all.sh` produces one._");
            report.Line();
            return;
        }
        var arms = ArmCatalogue.OrderLabels(sat.Trials.Select(t => t.Label).Where(l => l != baseline));
        double Api(string arm) => report.Sat(arm, t => t.ServerCpuUsPerRequest).Median;
        Difference AuthCi(string arm) => report.SatDeltaCi(arm, t => t.ServerCpuUsPerRequest);
        Difference ClientBytesCi(string arm) => report.SatDeltaCi(arm, t => t.BytesSent + t.BytesReceived);
        double StoreCpu(string arm) => report.Sat(arm, t => t.Store?.CpuUsPerRequest ?? 0).Median;
        double StoreBytes(string arm) => report.Sat(arm, t => t.Store?.BytesPerRequest ?? 0).Median;
        double ClientBytes(string arm) => report.SatDelta(arm, t => t.BytesSent + t.BytesReceived);
        static string F(double v, int decimals = 1) => LoadRun.Format(v, decimals);
        var dir = report.Relative(sat.Directory);

        report.Line($"A linear projection of the per-request costs measured in the saturation run ([`{dir}/{sat.FileName}`]({dir}/{sat.FileName}), medians over its repetitions) "
            + "to fleet-wide request rates. The rates are scenarios; every cost is measured. It answers \"at what size does the store matter\" "
            + "with this machine's numbers instead of a rule of thumb.");
        report.Line();
        report.Line("How to read this: API cores are CPU-seconds per second across the whole API fleet, however it is split into servers; "
            + $"\"of which auth\" is the part over the `{baseline}` arm. Store cores count the store's own CPU (Redis runs commands on one thread, "
            + "so one instance tops out at one core). Mbit/s are payload bytes on each hop, both directions, without TCP/IP or TLS overhead.");
        report.Line();
        report.Line(ReportContext.IntervalPointer + " The projection below scales the estimate and its interval alike.");
        report.Line();
        report.Line($"| arm | API CPU µs/req | of which auth µs/req [interval] | store CPU µs/req | store B/req | client B/req over {baseline} [interval] |");
        report.Line("| --- | ---: | ---: | ---: | ---: | ---: |");
        report.Line($"| `{baseline}` | {F(Api(baseline))} | – | {F(StoreCpu(baseline))} | {F(StoreBytes(baseline), 0)} | – |");
        foreach (var arm in arms)
        {
            report.Line($"| `{arm}` | {F(Api(arm))} | {AuthCi(arm).Show()} | {F(StoreCpu(arm))} | {F(StoreBytes(arm), 0)} | {ClientBytesCi(arm).Show(0)} |");
        }
        report.Line();
        report.Line($"| fleet requests/s | arm | API cores | of which auth [interval] | store cores | store hop Mbit/s | extra client Mbit/s over {baseline} |");
        report.Line("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var rate in FleetRates)
        {
            foreach (var arm in arms)
            {
                report.Line($"| {ReportContext.Rate(rate)} | `{arm}` | {F(rate * Api(arm) / 1e6)} | {AuthCi(arm).Scaled(rate / 1e6).Show()} "
                    + $"| {F(rate * StoreCpu(arm) / 1e6, 2)} | {F(rate * StoreBytes(arm) * 8 / 1e6)} | {F(rate * ClientBytes(arm) * 8 / 1e6)} |");
            }
        }
        report.Line();
        foreach (var arm in arms.Where(a => StoreCpu(a) > 0 && report.Sat(a, t => t.Store?.CommandsPerRequest ?? 0).Median >= 0.5))
        {
            var perStoreThread = 1e6 / StoreCpu(arm);
            var apiThroughput = report.Sat(arm, t => t.AchievedRps).Median;
            report.Line($"- **Where one store instance fills up (`{arm}`).** At {F(StoreCpu(arm))} µs of store CPU per request, one store thread "
                + $"is busy at about **{ReportContext.Rate(perStoreThread)} requests/s**: the throughput of about {F(perStoreThread / apiThroughput)} API processes like the one "
                + $"measured here at their own saturation ({ReportContext.Rate(apiThroughput)} requests/s each, "
                + (sat.Results.Environment.Isolation is { Enabled: true } iso
                    ? $"each with CPU set {iso.ApiCpus} to itself, so a server with more cores does more and fewer of them fill the store"
                    : $"on {report.Cores} shared with the load generator, so a dedicated server does more and fewer of them fill the store")
                + "). Past that point the arm needs more store instances (sharding by key needs no "
                + "coordination) or a near cache; the plain jwt arms need no store at any fleet size.");
        }
        // Token arms that can revoke before exp: what revocation adds to a self-contained token, if the run measured one.
        var revoking = arms.Select(ArmCatalogue.ParseLabel).OfType<(ArmDescriptor Arm, string? Alg)>()
            .Select(p => p.Arm).Where(a => a.HasAlgorithm && a.RevokesBeforeExpiry).Distinct().ToList();
        report.Line("- **Store CPU depends on how busy the store is.** It is measured at each arm's own saturation rate; the store's fixed cost per "
            + "wake-up is spread over fewer requests when it is less busy, so arms with a lower throughput carry more of it per request, and the rates "
            + "at which one store instance fills up are lower bounds.");
        report.Line("- **What the model leaves out.** Network round trips (loopback here), the store's replication and persistence, and headroom for peaks."
            + (revoking.Count > 0
                ? $" Revocation is in it: the {string.Join(" and ", revoking.Select(a => $"`{a.Name}`"))} rows are what a jwt arm that can revoke before `exp` costs (one store read per request)."
                : " So is revocation: a jwt arm that must revoke before `exp` adds a store or denylist lookup of its own, which this run does not measure."));
        report.Line();
    }
}
