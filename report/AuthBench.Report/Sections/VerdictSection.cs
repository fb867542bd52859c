using System.Globalization;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// The verdict: one line per claim of the debate and per decision question (answer, figure with its interval, caveat,
/// link), then the decision table. Written after every other section, from the <see cref="Findings"/> they published
/// (so every figure here is one a section shows), and placed first by <see cref="ReportBuilder"/>. Where a run a line
/// needs is missing, the line says which and what makes it.
/// </summary>
public sealed class VerdictSection : IReportSection
{
    public string Heading => "## Verdict";

    /// <summary>The debate's claims, in its own words (the lines below test each).</summary>
    public static readonly IReadOnlyList<string> Claims =
    [
        "the store lookup adds latency and load",
        "tokens are big and cost bandwidth on every request",
        $"JWT scales better, but only north of {CapacityModelSection.ClaimServers.ToString(CultureInfo.InvariantCulture)} servers",
        "revocation is hard",
        "user info changes don't reach the token",
    ];

    /// <summary>The four decision questions.</summary>
    public static readonly IReadOnlyList<string> Questions =
    [
        "How fast must revocation be?",
        "How distributed is the system?",
        "Which client types?",
        "How often does user info change?",
    ];

    /// <summary>The decision table's requirements.</summary>
    public static readonly IReadOnlyList<string> Requirements =
    [
        "instant revocation",
        "N services (fan-out)",
        "native clients",
        "frequent permission changes",
        "fleet size",
    ];

    /// <summary>A token is "big" on a wire where its credential bytes exceed this many times the session cookie's.</summary>
    private const int TokenBig = 2;

    /// <summary>What a line says in place of an answer when the run it needs is missing.</summary>
    public const string Missing = "**missing**";

    private const string Job = "`scripts/run-all.sh`";

    private static string NoLoadRun => MissingLine("no fixed-rate run", "its load phase");

    private static string SessionLabel => ArmCatalogue.Session.Label(null);

    public void Write(ReportContext report)
    {
        var f = report.Findings;
        report.Line("Each line: the answer, the figure as the linked section shows it (differences over "
            + $"`{ReportContext.BaselineLabel}` with their {ReportContext.Percent(Bootstrap.Level)} bootstrap interval and `n` repetitions; byte counts are exact and carry none), "
            + "the caveat that limits it, and the section with the detail. Token arms are read at the algorithm "
            + $"{CapacityModelSection.ReferenceAlg} where a run has it (every algorithm is in the sections). An interval that contains zero reads **no measurable difference**.");
        report.Line();
        report.Line("### The debate's claims");
        report.Line();
        report.Line($"- **\"{Claims[0]}\"**: {StoreLookup(f)}");
        report.Line($"- **\"{Claims[1]}\"**: {TokenBytes(f)}");
        report.Line($"- **\"{Claims[2]}\"**: {NorthOf(f)}");
        report.Line($"- **\"{Claims[3]}\"**: {RevocationHard(f)}");
        report.Line($"- **\"{Claims[4]}\"**: {UserInfo(f)}");
        report.Line();
        report.Line("### The decision questions");
        report.Line();
        report.Line($"- **{Questions[0]}** {RevocationSpeed(f)}");
        report.Line($"- **{Questions[1]}** {Distribution(f)}");
        report.Line($"- **{Questions[2]}** {ClientTypes(f, report)}");
        report.Line($"- **{Questions[3]}** {InfoChanges(f)}");
        report.Line();
        WriteTable(report, f);
    }

    // ---- the claims ----

    private static string StoreLookup(Findings f)
    {
        var session = SessionLabel;
        var p50 = f.Get(FindingKind.LatencyShiftP50, session);
        var commands = f.Get(FindingKind.StoreCommands, session);
        if (p50 is null || commands is null)
        {
            return MissingLine($"no fixed-rate run with `{session}` and `{ReportContext.BaselineLabel}`", "its load phase");
        }
        var storeCpu = f.Get(FindingKind.StoreCpu, session);
        var rtt = f.Of(FindingKind.StoreRttP50).FirstOrDefault(x => x.Label == session);
        var addsLatency = p50.Difference is { HasInterval: true, ContainsZero: false, Estimate: > 0 };
        var noDifference = p50.Difference is { ContainsZero: true };
        var addsLoad = commands.Value > 0;
        var answer = addsLatency && addsLoad ? "**holds**" : addsLatency || addsLoad ? "**partly holds**" : "**does not hold**";
        var latency = p50.Difference is null ? $"latency not compared ({p50.Figure})"
            : noDifference ? $"**no measurable difference** in p50 latency on loopback ({p50.Figure} µs)"
            : $"p50 latency over `{ReportContext.BaselineLabel}` {p50.Figure} µs on loopback";
        var p99 = f.Get(FindingKind.LatencyShiftP99, session);
        var parts = new List<string>
        {
            $"{answer}: {latency}" + (p99 is null ? "" : $", at p99 {p99.Figure}{(p99.Difference is null ? "" : " µs")}"),
            $"{commands.Figure} store commands and {storeCpu?.Figure ?? "–"} µs of store CPU per request",
        };
        if (rtt is not null)
        {
            parts.Add($"with the store {rtt.Detail} ms away, p50 moves by {rtt.Figure} µs ([store RTT]({rtt.Anchor}))");
        }
        var text = string.Join("; ", parts) + ".";
        if (f.Get(FindingKind.SaturationCpuOverBaseline, session) is { Difference: { HasInterval: true } own } sat)
        {
            var others = JwtLabels(f, FindingKind.SaturationCpuOverBaseline).Select(l => f.Get(FindingKind.SaturationCpuOverBaseline, l)!)
                .Where(x => x.Difference is { HasInterval: true }).Select(x => $"`{x.Label}` {x.Figure} ({Against(own, x.Difference!.Value)})");
            text += $" Its API CPU over `{ReportContext.BaselineLabel}` at saturation (µs): `{session}` {sat.Figure}; " + string.Join("; ", others) + ".";
        }
        return text + Caveat($"{p50.Regime}; store CPU per request falls as the rate on a connection rises ([Capacity model](#capacity-model)); "
            + "a store across a real network adds its round trip to every lookup", p50, rtt, f.Get(FindingKind.SaturationCpuOverBaseline, session));
    }

    /// <summary>How another arm's interval lies against this one's: above, below, or overlapping (no test of the difference itself).</summary>
    private static string Against(Difference own, Difference other) =>
        other.Low > own.High ? "its interval above the session's"
        : other.High < own.Low ? "its interval below the session's"
        : "intervals overlap: no clear difference";

    private static string TokenBytes(Findings f)
    {
        var session = SessionLabel;
        var wires = f.Of(FindingKind.CredentialBytes).Select(x => x.Detail).Distinct().ToList();
        var sent = f.Of(FindingKind.SentBytes).ToList();
        if (wires.Count == 0 && sent.Count == 0)
        {
            return MissingLine("no fixed-rate run and no HTTP/2 run", "its load and HTTP/2 phases (`--http`)");
        }
        var parts = new List<string>();
        var holdsOn = new List<string>();
        var failsOn = new List<string>();
        foreach (var wire in wires)
        {
            var cells = f.Of(FindingKind.CredentialBytes).Where(x => x.Detail == wire).ToList();
            var cookie = cells.FirstOrDefault(x => x.Label == session);
            var tokens = cells.Where(x => Arm(x.Label) == ArmCatalogue.Jwt).ToList();
            if (cookie is null || tokens.Count == 0)
            {
                continue;
            }
            parts.Add($"`{wire}`: `{session}` {cookie.Figure}, " + string.Join(", ", tokens.Select(t => $"`{t.Label}` {t.Figure}")));
            (tokens.All(t => t.Value > cookie.Value * TokenBig) ? holdsOn : failsOn).Add($"`{wire}`");
        }
        var requestBytes = sent.Where(x => x.Label == ReportContext.BaselineLabel || x.Label == session || Arm(x.Label) == ArmCatalogue.Jwt).ToList();
        var answer = holdsOn.Count > 0 && failsOn.Count == 0 ? "**holds**"
            : holdsOn.Count > 0 ? $"**partly holds**: on {string.Join(", ", holdsOn)} a token costs several times the session cookie's bytes; on {string.Join(", ", failsOn)} it does not (figures below)"
            : failsOn.Count > 0 ? "**does not hold** on the wires measured"
            : "**holds**";
        var text = answer;
        if (parts.Count > 0)
        {
            text += $". Credential bytes per request (exact counts; wire, client): {string.Join("; ", parts)}";
        }
        if (requestBytes.Count > 0)
        {
            text += $". Request bytes per request at the fixed rate: {string.Join(", ", requestBytes.Select(x => $"`{x.Label}` {x.Figure}"))}";
            if (f.Get(FindingKind.StoreBytes, session) is { } storeBytes)
            {
                text += $"; the session's lookup moves {storeBytes.Figure} bytes per request between API and store, which a token does not";
            }
        }
        var any = f.Of(FindingKind.CredentialBytes).FirstOrDefault() ?? requestBytes.FirstOrDefault();
        return text + "." + Caveat($"typical claims (larger claims, larger tokens: [Claims and response size](#claims-and-response-size)); {any?.Regime}; TLS framing not counted", any);
    }

    private static string NorthOf(Findings f)
    {
        var session = SessionLabel;
        var fills = f.Of(FindingKind.ServersToFill).Where(x => x.Label == session).ToList();
        if (fills.Count == 0)
        {
            return MissingLine($"no capacity model for `{session}` (it needs a saturation run with `{session}`, `{ReportContext.BaselineLabel}` and a jwt arm, and store figures)", "its saturation and store phases");
        }
        var claim = CapacityModelSection.ClaimServers;
        var sooner = fills.Where(x => x.Value < claim).ToList();
        var holds = fills.Where(x => x.Value >= claim && x.Value < claim * CapacityModelSection.ClaimSpan).ToList();
        var later = fills.Where(x => x.Value >= claim * CapacityModelSection.ClaimSpan).ToList();
        var answer = sooner.Count == 0 && later.Count == 0 ? "**holds**"
            : holds.Count == 0 && later.Count == 0 ? "**does not hold**: one store primary fills sooner"
            : sooner.Count == 0 && holds.Count == 0 ? "**does not hold**: the store fills much later than claimed"
            : "**partly holds**: it depends on the application's own CPU per request";
        var cores = f.Of(FindingKind.FleetCoresOverJwt).Where(x => x.Label == session).ToList();
        var text = $"{answer}. API servers at which one store primary fills for `{session}` (a model output from medians, no interval): "
            + string.Join("; ", fills.Select(x => $"{x.Figure} with {x.Detail}"));
        if (cores.Count > 0)
        {
            var more = cores.Where(x => x.Ratio is { HasInterval: true, Low: > 1 }).ToList();
            text += $". Busy cores of the `{session}` fleet over the jwt arm's: " + string.Join("; ", cores.Select(x => $"{x.Figure} with {x.Detail}"))
                + (more.Count == 0 ? $": where `{session}` scales worse is the store primary, not the fleet's cores"
                    : $": its fleet also needs more cores with {string.Join(", ", more.Select(x => x.Detail))}");
        }
        return text + "." + Caveat("a projection, not a measured fleet: servers at a fixed share of their cores, one store connection each, store CPU measured at far lower "
            + "total rates (so the server counts are lower bounds), one primary without sharding", fills[0]);
    }

    private static string RevocationHard(Findings f)
    {
        var windows = f.Of(FindingKind.RevocationWindow).ToList();
        if (windows.Count == 0)
        {
            return MissingLine("no revocation window run", "its windows phase (`--window revocation@…`)");
        }
        var (kept, ended) = Revocable(windows);
        var answer = kept.Count == 0 ? "**does not hold** for any arm measured"
            : ended.Count == 0 ? "**holds** for every arm measured"
            : "**partly holds**: hard only for a self-contained credential without a store read";
        var text = $"{answer}. Requests after an admin revoke: " + string.Join("; ", kept.Concat(ended).Select(w => $"`{w.Label}` {w.Figure}"));
        return text + "." + Caveat($"{windows[0].Regime}; revoked users kept sending their credential as a thief would; a self-contained credential's window is "
            + "the lifetime the run set, so it scales with the lifetime a deployment configures", windows[0]);
    }

    private static string UserInfo(Findings f)
    {
        var stale = f.Of(FindingKind.StalenessWindow).ToList();
        if (stale.Count == 0)
        {
            return MissingLine("no staleness window run", "its windows phase (`--window staleness@…`)");
        }
        var keeps = stale.Where(x => Arm(x.Label)?.PlanChange == PlanChangeEffect.KeptUntilExpiry).ToList();
        var fresh = stale.Where(x => Arm(x.Label)?.PlanChange == PlanChangeEffect.SeenOnNextRequest).ToList();
        var answer = keeps.Count == 0 ? "**does not hold** for any arm measured"
            : fresh.Count == 0 ? "**holds** for every arm measured"
            : "**holds for every credential that carries the claims**"
              + (keeps.Any(x => Arm(x.Label) is { UsesStore: true }) ? $" (a store read per request does not help unless the change rewrites what it reads: {Names(keeps.Where(x => Arm(x.Label) is { UsesStore: true }))})" : "")
              + $"; it does not hold for the arms that read the user's data from the store ({Names(fresh)})";
        return $"{answer}. " + string.Join("; ", stale.Select(x => $"`{x.Label}` {x.Figure}")) + "."
            + Caveat($"{stale[0].Regime}; a shorter token lifetime shortens the stale window and costs more renewals ([Hybrid: refresh cost](#hybrid-refresh-cost))", stale[0]);
    }

    // ---- the decision questions ----

    private static string RevocationSpeed(Findings f)
    {
        var windows = f.Of(FindingKind.RevocationWindow).ToList();
        if (windows.Count == 0)
        {
            return MissingLine("no revocation window run", "its windows phase (`--window revocation@…`)");
        }
        var (kept, ended) = Revocable(windows);
        var text = ended.Count == 0 ? "No arm measured refused a revoked credential before it expired"
            : $"Within one request: {Names(ended)}, each reading the store (or a near cache invalidated over pub/sub) per request";
        var price = PriceOf(f, ended.Select(w => w.Label));
        if (price.Length > 0)
        {
            text += $" (store commands per request: {price})";
        }
        if (kept.Count > 0)
        {
            text += $". Within the credential's lifetime only: {Names(kept)} ({kept[0].Figure})";
        }
        return text + "." + Caveat($"{windows[0].Regime}; a near cache serves copies for its lease when the store goes silent ([Store outage](#store-outage))", windows[0]);
    }

    private static string Distribution(Findings f)
    {
        var hops = f.Of(FindingKind.FanoutPerService).ToList();
        var rtt = f.Of(FindingKind.StoreRttP50).ToList();
        if (hops.Count == 0 && rtt.Count == 0)
        {
            return MissingLine("no fan-out run and no store-RTT run", "its fan-out (`--fanout`) and store-RTT (`--store-rtt`) phases");
        }
        var parts = new List<string>();
        if (hops.Count > 0)
        {
            // The shortest chain of each arm and mode: the longer ones were overloaded on this machine.
            var shortest = hops.GroupBy(h => (h.Label, Mode: h.Detail.Split(',')[0])).Select(g => g.MinBy(h => h.Detail)!).ToList();
            parts.Add("each service that authenticates adds its own verification: " + string.Join("; ", shortest.Select(h => $"`{h.Label}` {h.Figure}")));
        }
        else
        {
            parts.Add(MissingLine("no fan-out run", "its fan-out phase (`--fanout`)"));
        }
        if (rtt.Count > 0)
        {
            var control = rtt.Where(r => Arm(r.Label) is { UsesStore: false }).Select(r => $"`{r.Label}` (control, no store) {r.Figure} µs");
            parts.Add($"a store across the network adds its round trip to every store-backed request: p50 at {rtt[0].Detail} ms RTT over the same arm at the lowest, "
                + string.Join("; ", rtt.Where(r => Arm(r.Label) is { UsesStore: true }).Select(r => $"`{r.Label}` {r.Figure} µs").Concat(control)));
        }
        var any = hops.FirstOrDefault() ?? rtt[0];
        return $"{Capitalised(string.Join(". ", parts.Select(Capitalised)))}."
            + Caveat($"{any.Regime}; chains longer than shown were overloaded on this machine ([Fan-out](#fan-out))", hops.FirstOrDefault(), rtt.FirstOrDefault());
    }

    private static string ClientTypes(Findings f, ReportContext report)
    {
        var labels = TableLabels(report, f);
        var cookies = labels.Where(l => Arm(l) is { Transport: CredentialTransport.Cookie }).ToList();
        var bearers = labels.Where(l => Arm(l) is { Transport: CredentialTransport.BearerHeader }).ToList();
        if (labels.Count == 0)
        {
            return MissingLine("no fixed-rate run", "its load phase");
        }
        var text = $"Browsers: a cookie arm ({string.Join(", ", cookies.Select(l => $"`{l}`"))}): HttpOnly, out of script's reach, and in need of a CSRF defence; "
            + $"native and service clients: a bearer arm ({string.Join(", ", bearers.Select(l => $"`{l}`"))}), no cookie jar needed";
        var indexed = f.Of(FindingKind.CredentialBytes).Where(x => x.Detail.StartsWith(HttpWireNames.Http2Indexed, StringComparison.Ordinal) && x.Detail.EndsWith(Http2Section.EdgeName(1), StringComparison.Ordinal) && x.Label != ReportContext.BaselineLabel).ToList();
        var never = f.Of(FindingKind.CredentialBytes).Where(x => x.Detail.StartsWith(HttpWireNames.Http2NeverIndexed, StringComparison.Ordinal) && x.Detail.EndsWith(Http2Section.EdgeName(null), StringComparison.Ordinal) && x.Label != ReportContext.BaselineLabel).ToList();
        if (indexed.Count > 0)
        {
            text += $". A browser on HTTP/2 that indexes its credential pays credential bytes per request of {string.Join(", ", indexed.Select(x => $"`{x.Label}` {x.Figure}"))}";
        }
        if (never.Count > 0)
        {
            text += $"; a gateway that never indexes it: {string.Join(", ", never.Select(x => $"`{x.Label}` {x.Figure}"))}";
        }
        return text + "." + Caveat("the transport is the catalogue's; a native client can keep a cookie jar too, and a JWT can travel in a cookie (the `-cookie` variants)",
            indexed.FirstOrDefault() ?? never.FirstOrDefault());
    }

    private static string InfoChanges(Findings f)
    {
        var stale = f.Of(FindingKind.StalenessWindow).ToList();
        if (stale.Count == 0)
        {
            return MissingLine("no staleness window run", "its windows phase (`--window staleness@…`)");
        }
        var fresh = stale.Where(x => Arm(x.Label)?.PlanChange == PlanChangeEffect.SeenOnNextRequest).ToList();
        var keeps = stale.Where(x => Arm(x.Label)?.PlanChange == PlanChangeEffect.KeptUntilExpiry).ToList();
        var text = fresh.Count > 0
            ? $"Often (a change must show on the next request): {Names(fresh)} ({fresh[0].Figure})"
            : "No arm measured showed a change on the next request";
        var price = PriceOf(f, fresh.Select(x => x.Label));
        if (price.Length > 0)
        {
            text += $", at store commands per request {price}";
        }
        if (keeps.Count > 0)
        {
            text += $". Rarely (a change may wait for the credential's renewal): {Names(keeps)} ({keeps[0].Figure})";
        }
        // A shorter access lifetime narrows the stale window at the price of more refreshes: the dearest and the cheapest case priced.
        var refresh = f.Of(FindingKind.RefreshPerApiRequest).ToList();
        var label = refresh.Select(x => x.Label).FirstOrDefault(l => ArmCatalogue.ParseLabel(l)?.Alg == CapacityModelSection.ReferenceAlg) ?? refresh.Select(x => x.Label).FirstOrDefault();
        var priced = refresh.Where(x => x.Label == label).ToList();
        if (priced.Count > 0)
        {
            text += $". Shortening `{label}`'s access lifetime costs server CPU per API request of {priced[0].Figure} µs ({priced[0].Detail})"
                + (priced.Count > 1 ? $" down to {priced[^1].Figure} µs ({priced[^1].Detail})" : "");
        }
        return text + "." + Caveat(stale[0].Regime + (priced.Count > 0 ? $"; refresh {priced[0].Regime}" : ""), stale[0], priced.FirstOrDefault());
    }

    // ---- the decision table ----

    private static void WriteTable(ReportContext report, Findings f)
    {
        report.Line("### Decision table");
        report.Line();
        report.Line($"Arms as the results name them; price per request as the linked sections measured it (CPU over `{ReportContext.BaselineLabel}` at saturation where the "
            + "saturation run has the arm, else at the fixed rate).");
        report.Line();
        report.Line("| requirement | arms that meet it | their measured price | detail |");
        report.Line("| --- | --- | --- | --- |");
        var labels = TableLabels(report, f);
        var revocable = labels.Where(l => Arm(l) is { RevokesBeforeExpiry: true }).ToList();
        report.Line($"| {Requirements[0]} | {List(revocable)} | {Cell(Prices(f, revocable, withWindow: true), NoLoadRun)} | {Links(f, FindingKind.SaturationCpuOverBaseline, FindingKind.FixedRateCpuOverBaseline, FindingKind.RevocationWindow, FindingKind.OutageBehaviour)} |");
        var hops = f.Of(FindingKind.FanoutPerService).ToList();
        report.Line($"| {Requirements[1]} | {List(hops.Select(h => h.Label).Distinct())} | "
            + $"{Cell(string.Join("; ", hops.Select(h => $"`{h.Label}`: {h.Figure}")), MissingLine("no fan-out run", "its fan-out phase (`--fanout`)"))} | {Links(f, FindingKind.FanoutPerService)} |");
        var native = labels.Where(l => Arm(l) is { Transport: CredentialTransport.BearerHeader }).ToList();
        var noneBytes = f.Get(FindingKind.SentBytes, ReportContext.BaselineLabel);
        report.Line($"| {Requirements[2]} | {List(native)} | "
            + $"{Cell(string.Join("; ", native.Select(l => f.Get(FindingKind.SentBytes, l)).OfType<Finding>().Select(x => $"`{x.Label}`: {x.Figure} request bytes per request")) + (noneBytes is null ? "" : $" (`{noneBytes.Label}`: {noneBytes.Figure})"), NoLoadRun)} | {Links(f, FindingKind.SentBytes, FindingKind.CredentialBytes)} |");
        var fresh = labels.Where(l => l != ReportContext.BaselineLabel && Arm(l) is { PlanChange: PlanChangeEffect.SeenOnNextRequest }).ToList();
        report.Line($"| {Requirements[3]} | {List(fresh)} | {Cell(Prices(f, fresh, withWindow: false), NoLoadRun)} | {Links(f, FindingKind.SaturationCpuOverBaseline, FindingKind.FixedRateCpuOverBaseline, FindingKind.StalenessWindow)} |");
        var fills = f.Of(FindingKind.ServersToFill).Where(x => labels.Contains(x.Label)).ToList();
        var stateless = labels.Where(l => l != ReportContext.BaselineLabel && Arm(l) is { UsesStore: false }).ToList();
        var fleet = string.Join("; ", fills.GroupBy(x => x.Label).Select(g => $"`{g.Key}`: one store primary fills at " + string.Join(", ", g.Select(x => $"{x.Figure} servers ({x.Detail})")))) + (fills.Count > 0 ? "." : "");
        var slo = f.Of(FindingKind.SloCapacityPerCore).ToList();
        var targets = slo.Select(x => x.Detail).Distinct().ToList();
        var target = targets.Count == 0 ? null : targets[(targets.Count - 1) / 2];
        var perCore = slo.Where(x => x.Detail == target && labels.Contains(x.Label)).Select(x => $"`{x.Label}` {x.Figure}").ToList();
        var sloText = perCore.Count == 0 ? MissingLine("no SLO capacity run", "its SLO phase (`--slo`)") : $"Requests/s one API core serves with {target}: {string.Join(", ", perCore)}.";
        report.Line($"| {Requirements[4]} | no store read per request, no primary to fill: {List(stateless)}; store-backed, up to the servers shown | "
            + $"{Cell(fleet, MissingLine("no capacity model", "its saturation and store phases"))} {ReportContext.Cell(sloText)} | {Links(f, FindingKind.ServersToFill, FindingKind.SloCapacityPerCore)} |");
        report.Line();
    }

    /// <summary>The labels the table speaks of: every arm of the load run, token arms at the reference algorithm where the run has it.</summary>
    private static List<string> TableLabels(ReportContext report, Findings f)
    {
        var all = report.ArmLabels().Count > 0 ? report.ArmLabels() : [.. f.Of(FindingKind.SentBytes).Select(x => x.Label)];
        return [.. all.Where(l => ArmCatalogue.ParseLabel(l) is not { Alg: { } alg } || alg == CapacityModelSection.ReferenceAlg
            || !all.Any(o => ArmCatalogue.ParseLabel(o) is { Alg: CapacityModelSection.ReferenceAlg } p && p.Arm == ArmCatalogue.ParseLabel(l)!.Value.Arm))];
    }

    private static string Prices(Findings f, IEnumerable<string> labels, bool withWindow) => string.Join("; ", labels.Select(l =>
    {
        var parts = new List<string>();
        if (f.Get(FindingKind.SaturationCpuOverBaseline, l) is { } sat)
        {
            parts.Add($"CPU over `{ReportContext.BaselineLabel}` at saturation {sat.Figure} µs");
        }
        else if (f.Get(FindingKind.FixedRateCpuOverBaseline, l) is { } cpu)
        {
            parts.Add($"CPU over `{ReportContext.BaselineLabel}` at the fixed rate {cpu.Figure} µs");
        }
        if (f.Get(FindingKind.StoreCommands, l) is { } commands)
        {
            parts.Add($"{commands.Figure} store commands");
        }
        if (f.Get(FindingKind.StoreCpu, l) is { } storeCpu)
        {
            parts.Add($"{storeCpu.Figure} µs store CPU");
        }
        if (withWindow && f.Of(FindingKind.RevocationWindow).FirstOrDefault(w => w.Label == l && w.Detail == RevocationMethodAdmin) is { } window)
        {
            parts.Add($"after an admin revoke {window.Figure}");
        }
        if (withWindow && f.Get(FindingKind.OutageBehaviour, l) is { } outage)
        {
            parts.Add($"store down: {outage.Figure}");
        }
        return parts.Count == 0 ? $"`{l}`: –" : $"`{l}`: {string.Join(", ", parts)}";
    }));

    // ---- helpers ----

    /// <summary>Links to the sections that published findings of these kinds.</summary>
    private static string Links(Findings f, params FindingKind[] kinds) =>
        string.Join(", ", kinds.SelectMany(f.Of).Select(x => x.Anchor).Distinct().Select(a => $"[{Title(a)}]({a})")) is { Length: > 0 } links ? links : "–";

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static ArmDescriptor? Arm(string label) => ArmCatalogue.ParseLabel(label)?.Arm;

    private static IEnumerable<string> JwtLabels(Findings f, FindingKind kind) =>
        ArmCatalogue.OrderLabels(f.Of(kind).Select(x => x.Label).Where(l => Arm(l) == ArmCatalogue.Jwt));

    /// <summary>The admin-revoke windows split by what they showed: accepted after the revoke, or not one request accepted.</summary>
    private static (List<Finding> Kept, List<Finding> Ended) Revocable(List<Finding> windows)
    {
        var admin = windows.GroupBy(w => w.Label).Select(g => g.FirstOrDefault(w => w.Detail == RevocationMethodAdmin) ?? g.First()).ToList();
        return ([.. admin.Where(w => w.Value > 0)], [.. admin.Where(w => w.Value == 0)]);
    }

    /// <summary>The revocation method whose window the verdict quotes: the admin revoke, which every revocable arm honours for every credential of the user.</summary>
    private const string RevocationMethodAdmin = "admin";

    private static string PriceOf(Findings f, IEnumerable<string> labels) =>
        string.Join(", ", labels.Select(l => f.Get(FindingKind.StoreCommands, l)).OfType<Finding>().Select(x => $"`{x.Label}` {x.Figure}"));

    private static string Names(IEnumerable<Finding> findings) => string.Join(", ", findings.Select(x => $"`{x.Label}`"));

    private static string List(IEnumerable<string> labels) => labels.Any() ? string.Join(", ", labels.Select(l => $"`{l}`")) : "–";

    private static string Cell(string text, string missing) => ReportContext.Cell(string.IsNullOrEmpty(text) ? missing : text);

    /// <summary>" _Caveat:_ … [Section](#anchor)." with the sections of the findings named.</summary>
    private static string Caveat(string caveat, params Finding?[] sources)
    {
        var links = sources.OfType<Finding>().Select(s => s.Anchor).Distinct().Select(a => $"[{Title(a)}]({a})");
        var runs = sources.OfType<Finding>().Select(s => s.Source).Where(s => s.Length > 0).Distinct().Select(s => $"`{s}`");
        return $" _Caveat:_ {caveat}. Detail: {string.Join(", ", links)}" + (runs.Any() ? $" (run {string.Join(", ", runs)})" : "") + ".";
    }

    /// <summary>The section's heading from its anchor, as the builder's sections name it.</summary>
    private static string Title(string anchor) =>
        ReportBuilder.DefaultSections.Select(s => s.Heading).FirstOrDefault(h => Findings.Anchor(h) == anchor)?.TrimStart('#').Trim() ?? anchor;

    /// <summary>"**missing**: no revocation window run; `scripts/run-all.sh` makes it (its windows phase)."</summary>
    public static string MissingLine(string what, string phase) => $"{Missing}: {what} in these results; {Job} makes it ({phase}).";
}
