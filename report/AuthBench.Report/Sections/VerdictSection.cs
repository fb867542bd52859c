using System.Globalization;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// The verdict: one line per claim of the debate and per decision question (answer, figure with its interval, caveat,
/// link), after the decision table. Written after every other section, from the <see cref="Findings"/> they published
/// (so every figure here is one a section shows), and placed first by <see cref="ReportBuilder"/>. Where a run a line
/// needs is missing, the line says which and what makes it.
/// </summary>
public sealed partial class VerdictSection : IReportSection
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

    private const string Job = "`scripts/run-all.sh --only";

    private static string SessionLabel => ArmCatalogue.Session.Label(null);

    private static string Baseline => $"`{ReportContext.BaselineLabel}`";

    public void Write(ReportContext report)
    {
        var f = report.Findings;
        var lines = new List<string>();
        Table(lines, report, f);
        foreach (var note in new[] { OverloadNote(report), NearCacheNote(report) }.OfType<string>())
        {
            lines.Add("");
            lines.Add(note);
        }
        lines.Add("");
        lines.Add("### The debate's claims");
        lines.Add("");
        lines.Add($"- **\"{Claims[0]}\"**: {StoreLookup(f)}");
        lines.Add($"- **\"{Claims[1]}\"**: {TokenBytes(f)}");
        lines.Add($"- **\"{Claims[2]}\"**: {NorthOf(f)}");
        lines.Add($"- **\"{Claims[3]}\"**: {RevocationHard(f)}");
        lines.Add($"- **\"{Claims[4]}\"**: {UserInfo(f)}");
        lines.Add("");
        lines.Add("### The decision questions");
        lines.Add("");
        lines.Add($"- **{Questions[0]}** {RevocationSpeed(f)}");
        lines.Add($"- **{Questions[1]}** {Distribution(f, report.Inputs.StoreRtt is not null)}");
        lines.Add($"- **{Questions[2]}** {ClientTypes(f, report)}");
        lines.Add($"- **{Questions[3]}** {InfoChanges(f)}");
        lines.Add("");
        // The repetition count most intervals share is said once, above, and left out of each figure; any other count stays where it is.
        var common = Repetitions().Matches(string.Join("\n", lines)).GroupBy(m => m.Groups["n"].Value).OrderByDescending(g => g.Count()).FirstOrDefault()?.Key;
        report.Line($"How to read: CPU and latency are differences over {Baseline} (× marks a ratio) with {ReportContext.Percent(Bootstrap.Level)} bootstrap intervals"
            + (common is null ? "" : $", n = {common} repetitions per arm unless a figure gives its own")
            + "; an interval containing zero (one, for a ratio) reads **no measurable difference**; bytes are exact, windows median [min–max] over trials, "
            + $"the capacity model a model output without interval. Token arms at {CapacityModelSection.ReferenceAlg}; the linked sections have every arm and algorithm.");
        report.Line("Find your hardest requirement in the table: the arms that meet it and their price per request. The claims and questions below say why.");
        report.Line();
        foreach (var line in lines)
        {
            report.Line(common is null ? line : Repetitions().Replace(line, m => m.Groups["n"].Value == common ? "" : m.Value));
        }
    }

    /// <summary>" n = 10/10" or " n = 10/10/10": the repetitions of each side, all equal.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@" n = (?<n>\d+)(?:/\k<n>)+\b")]
    private static partial System.Text.RegularExpressions.Regex Repetitions();

    // ---- the decision table ----

    /// <summary>
    /// How many trials of the fixed-rate run behind the tables the overload rule flagged, and the stall that flags one at
    /// its trial length: with short trials a brief pause, not a lack of capacity, can put a cell out of comparison. Null
    /// without a fixed-rate run or when no trial was flagged.
    /// </summary>
    private static string? OverloadNote(ReportContext report)
    {
        if (report.Load is not { } load || load.Trials.Count == 0)
        {
            return null;
        }
        var flagged = load.Trials.Count(t => t.Overloaded);
        if (flagged == 0)
        {
            return null;
        }
        var seconds = load.Results.Settings.DurationS;
        var stallMs = Trial.OverloadShare * seconds * 1000;
        return $"_Overload:_ {flagged} of {load.Trials.Count} trials of the fixed-rate run `{Findings.SourceOf(load)}` had more than "
            + $"{LoadRun.Format(Trial.OverloadShare * 100, 0)} % of their requests late or dropped and are not compared (cells marked overloaded); "
            + $"in its trials of {LoadRun.Format(seconds, 0)} s a stall of about {LoadRun.Format(stallMs, 0)} ms at a steady rate is enough, so the flag marks short "
            + "stalls as well as a rate beyond the arm's capacity (see [Load tests](#load-tests)); in longer trials (`scripts/run-all.sh --full`) a stall of the same length is a smaller share.";
    }

    /// <summary>
    /// What the near-cached arms' store commands per request mean in this harness: every trial starts with the near cache
    /// cold (the load tool stops idle APIs during other arms' trials, the subscription lease lapses, and copies from
    /// before the lapse are not served), so each user's first request of a trial reads the store. Null without such an arm.
    /// </summary>
    private static string? NearCacheNote(ReportContext report)
    {
        if (report.Load is not { } load)
        {
            return null;
        }
        var cached = load.Trials.Where(t => Arm(t.Label) is { NearCache: not null }).ToList();
        if (cached.Count == 0)
        {
            return null;
        }
        var requests = Spread.Of(cached.Select(t => (double)t.Requests)).Median;
        var users = load.Results.Settings.Users;
        var labels = string.Join(", ", cached.Select(t => t.Label).Distinct().Select(l => $"`{l}`"));
        return $"_Near caches:_ {labels} start every trial cold: the load tool stops the idle APIs while another arm is measured, the "
            + "subscription lease lapses, and a copy from before a lapse is never served; so each user's first request of a trial reads the "
            + $"store, and with {LoadRun.Format(users, 0)} users over {LoadRun.Format(requests, 0)} requests per trial their store commands per "
            + $"request can be as high as {LoadRun.Format(Math.Min(1, users / requests), 2)}: an upper bound for a warm cache, which serves a user's later "
            + "requests from memory for the near-cache TTL ([Load tests](#load-tests)).";
    }

    private static void Table(List<string> lines, ReportContext report, Findings f)
    {
        lines.Add("### Decision table");
        lines.Add("");
        lines.Add($"| requirement | arms that meet it | price per request (CPU over {Baseline} at saturation, {FixedRate} at the fixed rate) | caveat, detail |");
        lines.Add("| --- | --- | --- | --- |");
        var labels = TableLabels(report, f);

        var revocable = labels.Where(l => Arm(l) is { RevokesBeforeExpiry: true }).ToList();
        var (_, ended) = Revocable([.. f.Of(FindingKind.RevocationWindow)]);
        var window = ended.FirstOrDefault(w => w.Label == SessionLabel) ?? ended.FirstOrDefault();
        lines.Add(Row(Requirements[0], revocable, PerArm(revocable, l => [Cpu(f, l), Commands(f, l)], NoRun("a fixed-rate run", "arms")),
            (window is null ? NoRun("a revocation window run", "revocation") : $"after an admin revoke, `{window.Label}`: {window.Figure}; near caches serve their lease when the store is down")
            + ". " + Links(f, FindingKind.RevocationWindow, FindingKind.OutageBehaviour, FindingKind.SaturationCpuOverBaseline)));

        var hops = Shortest(f);
        lines.Add(Row(Requirements[1], [.. hops.Select(h => h.Label).Distinct()],
            hops.Count == 0 ? NoRun("a fan-out run", "fanout")
            : string.Join("; ", hops.GroupBy(h => h.Label).Select(g => $"`{g.Key}`: " + string.Join(", ", g.Select(h => $"{LoadRun.Format(h.Value)} µs ({Mode(h)})")) + " CPU per added service")),
            hops.Count == 0 ? "–" : $"chain of {Services(hops[0])}, {hops[0].Regime}; longer chains were overloaded here. " + Links(f, FindingKind.FanoutPerService)));

        var native = labels.Where(l => Arm(l) is { Transport: CredentialTransport.BearerHeader }).ToList();
        var wire = f.Of(FindingKind.CredentialBytes).Select(x => x.Detail).FirstOrDefault();
        var credential = native.Select(l => f.Get(FindingKind.CredentialBytes, l, wire ?? "")).OfType<Finding>().ToList();
        var sent = native.Select(l => f.Get(FindingKind.SentBytes, l)).OfType<Finding>().GroupBy(x => x.Figure).ToList();
        var reference = new[] { SessionLabel, ReportContext.BaselineLabel }.Select(l => f.Get(FindingKind.SentBytes, l)).OfType<Finding>().ToList();
        var bytes = string.Join("; ", credential.Select(x => $"`{x.Label}`: {x.Figure} credential bytes ({wire})")
            .Concat(sent.Count == 1 ? [$"{sent[0].Key} request bytes each"] : sent.Select(g => $"{string.Join(", ", g.Select(x => $"`{x.Label}`"))}: {g.Key} request bytes")))
            + (sent.Count > 0 && reference.Count > 0 ? $" ({string.Join(", ", reference.Select(x => $"`{x.Label}` {x.Figure}"))})" : "");
        lines.Add(Row(Requirements[2], native, bytes.Length == 0 ? NoRun("a fixed-rate or HTTP/2 run", "arms", "http2") : bytes,
            "exact counts, typical claims, TLS framing not counted; a browser on HTTP/2 that indexes the header pays a few bytes for either. "
            + Links(f, FindingKind.CredentialBytes, FindingKind.SentBytes)));

        var fresh = labels.Where(l => l != ReportContext.BaselineLabel && Arm(l) is { PlanChange: PlanChangeEffect.SeenOnNextRequest }).ToList();
        var stale = f.Of(FindingKind.StalenessWindow).FirstOrDefault(x => Arm(x.Label)?.PlanChange == PlanChangeEffect.KeptUntilExpiry);
        lines.Add(Row(Requirements[3], fresh,
            PerArm(fresh, l => [f.Get(FindingKind.StalenessWindow, l)?.Figure, Cpu(f, l), Commands(f, l)], NoRun("a fixed-rate run", "arms")),
            (stale is null ? NoRun("a staleness window run", "staleness") : $"a token keeps the old claims: `{stale.Label}` {stale.Figure}")
            + ". " + Links(f, FindingKind.StalenessWindow, FindingKind.RefreshPerApiRequest)));

        var fills = MiddleFills(f).Where(x => labels.Contains(x.Label)).OrderBy(x => x.Value).ToList();
        var stateless = labels.Where(l => l != ReportContext.BaselineLabel && Arm(l) is { UsesStore: false }).ToList();
        var all = f.Of(FindingKind.ServersToFill).ToList();
        var fleet = new List<string>();
        if (fills.Count > 0)
        {
            fleet.Add("one store primary fills at " + string.Join(", ", fills.Select(x => $"`{x.Label}` {x.Figure}")) + " servers");
        }
        if (stateless.Count > 0)
        {
            fleet.Add("none to fill: " + string.Join(", ", stateless.Select(l => $"`{l}`" + (Cpu(f, l) is { } c ? $" ({c})" : ""))));
        }
        lines.Add(Row(Requirements[4], fills.Count == 0 ? List(stateless) : "any (a store-backed one up to the servers shown)",
            fleet.Count == 0 ? NoRun("a capacity model", "saturation", "arms") : string.Join("; ", fleet),
            fills.Count == 0 ? NoRun("a capacity model", "saturation", "arms")
            : $"model output, no interval, at {fills[0].Detail}; across the app-CPU assumptions {all.MinBy(x => x.Value)!.Figure} to {all.MaxBy(x => x.Value)!.Figure} servers. "
                + Links(f, FindingKind.ServersToFill)));
    }

    private static string Row(string requirement, IEnumerable<string> arms, string price, string caveat) =>
        Row(requirement, List(arms), price, caveat);

    private static string Row(string requirement, string arms, string price, string caveat) =>
        $"| {requirement} | {arms} | {ReportContext.Cell(price)} | {ReportContext.Cell(caveat)} |";

    /// <summary>"`a`: x, y; `b`: x": each arm's figures (at most three, the caller's), the missing ones left out.</summary>
    private static string PerArm(IEnumerable<string> labels, Func<string, string?[]> figures, string missing)
    {
        var cells = labels.Select(l => (l, Figures: figures(l).OfType<string>().ToList())).Where(x => x.Figures.Count > 0)
            .Select(x => $"`{x.l}`: {string.Join(", ", x.Figures)}").ToList();
        return cells.Count == 0 ? missing : string.Join("; ", cells);
    }

    /// <summary>The arm's API CPU over the baseline: at saturation where that run has the arm, else at the fixed rate (overloaded there where the section says so).</summary>
    private static string? Cpu(Findings f, string label) =>
        f.Get(FindingKind.SaturationCpuOverBaseline, label) is { } sat ? $"{sat.Figure} µs CPU"
        : f.Get(FindingKind.FixedRateCpuOverBaseline, label) is { } cpu ? $"{FixedRate}{cpu.Figure} µs CPU"
        : null;

    /// <summary>Marks a CPU figure read at the fixed rate (the saturation run did not have the arm).</summary>
    private const string FixedRate = "†";

    private static string? Commands(Findings f, string label) => f.Get(FindingKind.StoreCommands, label) is { } c ? $"{c.Figure} store cmd/req" : null;

    /// <summary>The shortest chain of each arm and mode: the longer ones were overloaded on this machine.</summary>
    private static List<Finding> Shortest(Findings f) =>
        [.. f.Of(FindingKind.FanoutPerService).GroupBy(h => (h.Label, Mode: Mode(h))).Select(g => g.MinBy(h => int.Parse(Services(h), CultureInfo.InvariantCulture))!)];

    private static string Mode(Finding hop) => hop.Detail.Split(", ")[0];

    private static string Services(Finding hop) => hop.Detail.Split(", ")[^1];

    /// <summary>Servers to fill at the middle app-CPU assumption of the model, its first store.</summary>
    private static List<Finding> MiddleFills(Findings f)
    {
        var fills = f.Of(FindingKind.ServersToFill).ToList();
        var details = fills.Select(x => x.Detail).Distinct().ToList();
        var appCpu = details.Select(d => d.Split(", ")[0]).Distinct().ToList();
        if (appCpu.Count == 0)
        {
            return [];
        }
        var middle = appCpu[(appCpu.Count - 1) / 2];
        var detail = details.First(d => d.Split(", ")[0] == middle);
        return [.. fills.Where(x => x.Detail == detail)];
    }

    // ---- the claims ----

    private static string StoreLookup(Findings f)
    {
        var session = SessionLabel;
        var p50 = f.Get(FindingKind.LatencyShiftP50, session);
        var commands = f.Get(FindingKind.StoreCommands, session);
        if (p50 is null || commands is null)
        {
            return NoRun($"a fixed-rate run with `{session}` and {Baseline}", "arms");
        }
        var addsLatency = p50.Difference is { HasInterval: true, ContainsZero: false, Estimate: > 0 };
        var addsLoad = commands.Value > 0;
        var answer = addsLatency && addsLoad ? "**holds**" : addsLatency || addsLoad ? "**partly holds**" : "**does not hold**";
        var latency = p50.Difference is null ? $"latency not compared ({p50.Figure})"
            : p50.Difference is { ContainsZero: true } ? $"**no measurable difference** in p50 latency on loopback ({p50.Figure} µs)"
            : $"p50 latency over {Baseline} {p50.Figure} µs";
        var text = $"{answer}: {latency}, {commands.Figure} store commands per request";
        var ratios = JwtLabels(f, FindingKind.SaturationCpuOverReference).Select(l => f.Get(FindingKind.SaturationCpuOverReference, l, session)).OfType<Finding>().ToList();
        text += ratios.Count == 0 ? "" : $"; API CPU at saturation as a multiple of `{session}`'s: " + string.Join("; ", ratios.Select(r => $"`{r.Label}` {r.Figure}"
            + (r.Ratio is { ContainsOne: true } ? "" : " ×")));
        return text + "." + Caveat("store on loopback; across a network its round trip adds to every lookup", p50, ratios.FirstOrDefault(), f.Of(FindingKind.StoreRttP50).FirstOrDefault());
    }

    private static string TokenBytes(Findings f)
    {
        var session = SessionLabel;
        var wires = f.Of(FindingKind.CredentialBytes).Select(x => x.Detail).Distinct().ToList();
        var holdsOn = new List<string>();
        var failsOn = new List<string>();
        foreach (var w in wires)
        {
            var cookie = f.Get(FindingKind.CredentialBytes, session, w);
            var tokens = f.Of(FindingKind.CredentialBytes).Where(x => x.Detail == w && Arm(x.Label) == ArmCatalogue.Jwt).ToList();
            if (cookie is not null && tokens.Count > 0)
            {
                (tokens.All(t => t.Value > cookie.Value * TokenBig) ? holdsOn : failsOn).Add($"`{w}`");
            }
        }
        if (holdsOn.Count + failsOn.Count > 0)
        {
            var first = wires[0];
            var figures = f.Of(FindingKind.CredentialBytes).Where(x => x.Detail == first && (x.Label == session || Arm(x.Label) == ArmCatalogue.Jwt)).ToList();
            var answer = failsOn.Count == 0 ? "**holds**" : holdsOn.Count == 0 ? "**does not hold** on the wires measured" : $"**partly holds**: not on {string.Join(", ", failsOn)}";
            return $"{answer}. Credential bytes per request on `{first}`: {string.Join(", ", figures.Select(x => $"`{x.Label}` {x.Figure}"))} (exact)."
                + Caveat("typical claims (larger claims, larger tokens); an HTTP/2 connection that indexes the header sends a few bytes for either", figures.FirstOrDefault());
        }
        var sent = f.Of(FindingKind.SentBytes).Where(x => x.Label == ReportContext.BaselineLabel || x.Label == session || Arm(x.Label) == ArmCatalogue.Jwt).ToList();
        if (sent.Count == 0)
        {
            return NoRun("a fixed-rate run and an HTTP/2 run", "arms", "http2");
        }
        var cookieSent = sent.FirstOrDefault(x => x.Label == session);
        var big = cookieSent is not null && sent.Where(x => Arm(x.Label) == ArmCatalogue.Jwt).All(x => x.Value > cookieSent.Value * TokenBig);
        return $"{(big ? "**holds**" : "**does not hold**")} for request bytes per request: {string.Join(", ", sent.Select(x => $"`{x.Label}` {x.Figure}"))} (exact)."
            + Caveat($"no HTTP/2 run, so no credential bytes per wire ({Job} http2` makes it)", sent[0]);
    }

    private static string NorthOf(Findings f)
    {
        var session = SessionLabel;
        var fills = f.Of(FindingKind.ServersToFill).Where(x => x.Label == session).ToList();
        if (fills.Count == 0)
        {
            return NoRun($"a capacity model for `{session}` (a saturation run with `{session}`, {Baseline} and a jwt arm, and store figures)", "saturation", "arms");
        }
        var claim = CapacityModelSection.ClaimServers;
        var sooner = fills.Count(x => x.Value < claim);
        var later = fills.Count(x => x.Value >= claim * CapacityModelSection.ClaimSpan);
        var answer = sooner == 0 && later == 0 ? "**holds**"
            : sooner == fills.Count ? "**does not hold**: one store primary fills sooner"
            : later == fills.Count ? "**does not hold**: the store fills much later than claimed"
            : "**partly holds**: it depends on the application's own CPU per request";
        var middle = MiddleFills(f).FirstOrDefault(x => x.Label == session) ?? fills[0];
        return $"{answer}. One store primary fills at {middle.Figure} `{session}` servers with {middle.Detail} (model output, no interval), "
            + $"{fills.MinBy(x => x.Value)!.Figure} to {fills.MaxBy(x => x.Value)!.Figure} across the assumptions."
            + Caveat("a projection from medians, not a measured fleet; store CPU measured at lower rates (lower bounds); one unsharded primary", middle);
    }

    private static string RevocationHard(Findings f)
    {
        var windows = f.Of(FindingKind.RevocationWindow).ToList();
        if (windows.Count == 0)
        {
            return NoRun("a revocation window run", "revocation");
        }
        var (kept, ended) = Revocable(windows);
        var answer = kept.Count == 0 ? "**does not hold** for any arm measured"
            : ended.Count == 0 ? "**holds** for every arm measured"
            : $"**partly holds**: hard only without a store read per request ({Names(kept)})";
        var shown = kept.FirstOrDefault() ?? ended[0];
        return $"{answer}. After an admin revoke, `{shown.Label}`: {shown.Figure}."
            + Caveat("the window is the token lifetime the run set, so it scales with a deployment's lifetime", shown);
    }

    private static string UserInfo(Findings f)
    {
        var stale = f.Of(FindingKind.StalenessWindow).ToList();
        if (stale.Count == 0)
        {
            return NoRun("a staleness window run", "staleness");
        }
        var keeps = stale.Where(x => Arm(x.Label)?.PlanChange == PlanChangeEffect.KeptUntilExpiry).ToList();
        var fresh = stale.Where(x => Arm(x.Label)?.PlanChange == PlanChangeEffect.SeenOnNextRequest).ToList();
        var answer = keeps.Count == 0 ? "**does not hold** for any arm measured"
            : fresh.Count == 0 ? "**holds** for every arm measured"
            : $"**holds** for a credential carrying the claims, not where the store is read ({Names(fresh)})";
        var shown = keeps.FirstOrDefault() ?? stale[0];
        return $"{answer}. `{shown.Label}`: {shown.Figure}."
            + Caveat("a shorter token lifetime shortens it and costs more renewals", shown, f.Of(FindingKind.RefreshPerApiRequest).FirstOrDefault());
    }

    // ---- the decision questions ----

    private static string RevocationSpeed(Findings f)
    {
        var windows = f.Of(FindingKind.RevocationWindow).ToList();
        if (windows.Count == 0)
        {
            return NoRun("a revocation window run", "revocation");
        }
        var (kept, ended) = Revocable(windows);
        var text = ended.Count == 0 ? "No arm measured refused a revoked credential before it expired"
            : $"At once: a store read per request (`{ended[0].Label}`: {ended[0].Figure})";
        if (kept.Count > 0)
        {
            text += $"; within the token lifetime: any other ({Names(kept)})";
        }
        return text + "." + Caveat("a near cache keeps serving for its lease when the store goes silent", ended.FirstOrDefault() ?? kept[0], f.Of(FindingKind.OutageBehaviour).FirstOrDefault());
    }

    private static string Distribution(Findings f, bool rttRunFound)
    {
        var hops = Shortest(f);
        var rtt = f.Of(FindingKind.StoreRttP50).FirstOrDefault(r => r.Label == SessionLabel) ?? f.Of(FindingKind.StoreRttP50).FirstOrDefault(r => Arm(r.Label) is { UsesStore: true });
        if (hops.Count == 0 && rtt is null)
        {
            return NoRun("a fan-out run and a store-RTT run", "fanout", "rtt");
        }
        var parts = new List<string>();
        parts.Add(hops.Count == 0 ? NoRun("a fan-out run", "fanout").TrimEnd('.')
            : "Each service that authenticates pays its own verification, CPU per added service: "
                + string.Join("; ", hops.GroupBy(h => h.Label).Select(g => $"`{g.Key}` " + string.Join(", ", g.Select(h => $"{LoadRun.Format(h.Value)} µs ({Mode(h)})")))));
        // A run that was made but whose highest RTT was overloaded in some repetition is not missing: it was not compared.
        parts.Add(rtt is null && rttRunFound ? $"the store-RTT run's comparison at its highest RTT is not made: overloaded repetitions ({StoreRttLink})"
            : rtt is null ? NoRun("a store-RTT run", "rtt").TrimEnd('.')
            : $"a store {rtt.Detail} ms away moves `{rtt.Label}`'s p50 by {rtt.Figure} µs");
        return string.Join("; ", parts) + "." + Caveat("one machine, medians without interval for fan-out", hops.FirstOrDefault(), rtt);
    }

    private static string ClientTypes(Findings f, ReportContext report)
    {
        var labels = TableLabels(report, f);
        if (labels.Count == 0)
        {
            return NoRun("a fixed-rate run", "arms");
        }
        var cookie = labels.Count(l => Arm(l) is { Transport: CredentialTransport.Cookie });
        var bearer = labels.Count(l => Arm(l) is { Transport: CredentialTransport.BearerHeader });
        var wire = f.Of(FindingKind.CredentialBytes).Select(x => x.Detail).FirstOrDefault();
        var jwt = f.Of(FindingKind.CredentialBytes).FirstOrDefault(x => x.Detail == wire && Arm(x.Label) == ArmCatalogue.Jwt);
        return $"Browsers: a cookie arm ({cookie.ToString(CultureInfo.InvariantCulture)} measured; HttpOnly, needs a CSRF defence); native and service clients: a bearer arm "
            + $"({bearer.ToString(CultureInfo.InvariantCulture)} measured, no cookie jar)" + (jwt is null ? "" : $", `{jwt.Label}` sending {jwt.Figure} credential bytes per request on `{wire}` (exact)") + "."
            + Caveat("a native client can keep a cookie jar, and a JWT can travel in a cookie (the `-cookie` variants)", jwt);
    }

    private static string InfoChanges(Findings f)
    {
        var stale = f.Of(FindingKind.StalenessWindow).ToList();
        if (stale.Count == 0)
        {
            return NoRun("a staleness window run", "staleness");
        }
        var fresh = stale.Where(x => Arm(x.Label)?.PlanChange == PlanChangeEffect.SeenOnNextRequest).ToList();
        var text = fresh.Count > 0 ? $"Often: a store read per request (`{fresh[0].Label}` {fresh[0].Figure})" : "No arm measured showed a change on the next request";
        var refresh = f.Of(FindingKind.RefreshPerApiRequest).ToList();
        var label = refresh.Select(x => x.Label).FirstOrDefault(l => ArmCatalogue.ParseLabel(l)?.Alg == CapacityModelSection.ReferenceAlg) ?? refresh.Select(x => x.Label).FirstOrDefault();
        var dearest = refresh.FirstOrDefault(x => x.Label == label);
        text += dearest is null ? $"; rarely: a token ({Job} refresh` prices shorter lifetimes)"
            : $"; rarely: a token; a shorter lifetime costs `{label}` {dearest.Figure} µs CPU per API request ({dearest.Detail})";
        return text + "." + Caveat("the refresh price is an upper bound", fresh.FirstOrDefault() ?? stale[0], dearest);
    }

    /// <summary>The labels the table speaks of: every arm of the load run, token arms at the reference algorithm where the run has it.</summary>
    private static List<string> TableLabels(ReportContext report, Findings f)
    {
        var all = report.ArmLabels().Count > 0 ? report.ArmLabels() : [.. f.Of(FindingKind.SentBytes).Select(x => x.Label)];
        return [.. all.Where(l => ArmCatalogue.ParseLabel(l) is not { Alg: { } alg } || alg == CapacityModelSection.ReferenceAlg
            || !all.Any(o => ArmCatalogue.ParseLabel(o) is { Alg: CapacityModelSection.ReferenceAlg } p && p.Arm == ArmCatalogue.ParseLabel(l)!.Value.Arm))];
    }

    // ---- helpers ----

    /// <summary>Links to the sections that published findings of these kinds.</summary>
    private static string Links(Findings f, params FindingKind[] kinds) =>
        string.Join(", ", kinds.SelectMany(f.Of).Select(x => x.Anchor).Distinct().Select(a => $"[{Title(a)}]({a})")) is { Length: > 0 } links ? links : "–";

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

    private static string Names(IEnumerable<Finding> findings) => string.Join(", ", findings.Select(x => $"`{x.Label}`"));

    private static string List(IEnumerable<string> labels) => labels.Any() ? string.Join(", ", labels.Select(l => $"`{l}`")) : "–";

    /// <summary>" _Caveat:_ … [Section](#anchor)." with the sections of the findings named (the runs are named there).</summary>
    private static string Caveat(string caveat, params Finding?[] sources) =>
        $" _Caveat:_ {caveat}. " + string.Join(", ", sources.OfType<Finding>().Select(s => s.Anchor).Distinct().Select(a => $"[{Title(a)}]({a})")) + ".";

    /// <summary>The section's heading from its anchor, as the builder's sections name it.</summary>
    private static string Title(string anchor) =>
        ReportBuilder.DefaultSections.Select(s => s.Heading).FirstOrDefault(h => Findings.Anchor(h) == anchor)?.TrimStart('#').Trim() ?? anchor;

    /// <summary>"**missing**: a revocation window run is not in these results; `scripts/run-all.sh --only revocation` makes it."</summary>
    private static readonly string StoreRttLink = $"[{new StoreRttSection().Heading.TrimStart('#', ' ')}]({Findings.Anchor(new StoreRttSection().Heading)})";

    public static string NoRun(string what, params string[] phases) =>
        $"{Missing}: {what} is not in these results; {string.Join(" and ", phases.Select(p => $"{Job} {p}`"))} make{(phases.Length == 1 ? "s" : "")} it.";
}
