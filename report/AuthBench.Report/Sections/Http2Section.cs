using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// HTTP/2 at the edge (issue 12, item 5), from the newest complete run whose trials spoke more than one wire
/// (<see cref="RunSelection.IsHttp2Run"/>): per arm, bytes on the wire per request under HTTP/1.1 and HTTP/2 with the
/// credential never indexed or indexed, for a gateway's connections (many users each) and a browser's (one user), with
/// the credential's share; and server CPU per request per wire against HTTP/1.1 with 95 % intervals.
/// </summary>
public sealed class Http2Section : IReportSection
{
    public string Heading => "## HTTP/2 at the edge";

    /// <summary>A markdown link to this section: its heading's GitHub anchor (lower case, punctuation dropped, spaces as hyphens).</summary>
    public static string SectionLink
    {
        get
        {
            var title = new Http2Section().Heading.TrimStart('#', ' ');
            var anchor = new string([.. title.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-').Select(c => c == ' ' ? '-' : c)]);
            return $"[{title}](#{anchor})";
        }
    }

    /// <summary>nghttp2 never indexes a cookie value shorter than this (lib/nghttp2_hd.c, deflate_nv; see docs/methodology.md).</summary>
    public const int NghttpCookieIndexedFrom = 20;

    /// <summary>What a users-per-connection value is called in the tables.</summary>
    public static string EdgeName(int? usersPerConnection) => usersPerConnection switch
    {
        null => "gateway",
        1 => "browser",
        { } n => $"{n.ToString(CultureInfo.InvariantCulture)} users/connection",
    };

    public void Write(ReportContext report)
    {
        if (report.Inputs.Http2 is not { } run)
        {
            report.Line("_No HTTP/2 run found (a complete fixed-rate run with several `--http` wires, under load/)._");
            report.Line();
            return;
        }
        var trials = Edges.Of(run);
        var edges = trials.Select(t => (t.Http, t.UsersPerConnection)).Distinct().OrderBy(e => WireOrder(e.Http)).ThenBy(e => e.UsersPerConnection ?? 0).ToList();
        var labels = ArmCatalogue.OrderLabels(trials.Select(t => t.Trial.Label));
        report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`).");
        report.Line();
        report.Line($"Each trial speaks one wire: `{HttpWireNames.Http11}` (keep-alive, one request at a time per connection), or HTTP/2 over cleartext TCP with prior "
            + $"knowledge to the API's HTTP/2-only listener, with the credential header (authorization or cookie) sent as an HPACK literal that is never indexed "
            + $"(`{HttpWireNames.Http2NeverIndexed}`, Huffman-coded where shorter: what nghttp2, and so h2load and curl, send for authorization) or added to the dynamic "
            + $"table (`{HttpWireNames.Http2Indexed}`: a repeat of the same credential on the same connection costs an index; nghttp2 does this for a cookie of "
            + $"{NghttpCookieIndexedFrom.ToString(CultureInfo.InvariantCulture)} bytes or more, so for the cookie arms this is the wire nghttp2 sends). Every other field is indexed. "
            + "A **gateway** connection carries every user of the pool in turn (the table sees many users' credentials, so an indexed one is rarely still there when it "
            + "comes back); a **browser** connection carries one user (the same credential on every request). The wires of one arm ran side by side in the run's seeded "
            + "random order. Bytes are counted on the load tool's sockets: request bytes include frame headers, the HPACK output and the connection's preface and "
            + "SETTINGS (spread over its requests); the credential's share is its header line with CRLF under HTTP/1.1 and its HPACK representation under HTTP/2. "
            + (run.Results.Settings.StreamsPerConnection is { } streams
                ? $"HTTP/2 trials multiplex up to {streams.ToString(CultureInfo.InvariantCulture)} streams on each TCP connection of {run.Results.Settings.Connections.ToString(CultureInfo.InvariantCulture)} request slots "
                  + "where HTTP/1.1 opens one connection per slot, so their CPU difference includes having fewer connections, not only the header encoding. "
                : "")
            + $"Medians over repetitions; trials with more than {ReportContext.Percent(Trial.OverloadShare)} of their requests late or dropped are left out of the CPU figures (not of the bytes).");
        report.Line();
        foreach (var rate in trials.Select(t => t.Trial.TargetRps).Distinct().Order())
        {
            // Bytes are what was sent whatever the schedule did; CPU per request only from trials that kept to it.
            var sentAtRate = trials.Where(t => t.Trial.TargetRps == rate).ToList();
            var atRate = sentAtRate.Where(t => !t.Trial.Overloaded).ToList();
            report.Line($"### {ReportContext.Rate(rate)} requests/s");
            report.Line();
            report.Line("Request bytes per request, with the credential's share in brackets:");
            report.Line();
            report.Line("| arm | " + string.Join(" | ", edges.Select(e => $"{e.Http}, {EdgeName(e.UsersPerConnection)}")) + " | response bytes (" + HttpWireNames.Http11 + " / HTTP/2) |");
            report.Line("| --- | " + string.Join(" | ", edges.Select(_ => "---:")) + " | ---: |");
            foreach (var label in labels)
            {
                var cells = edges.Select(e =>
                {
                    var cell = sentAtRate.Where(t => t.Trial.Label == label && t.Http == e.Http && t.UsersPerConnection == e.UsersPerConnection).ToList();
                    if (cell.Count > 0)
                    {
                        var credential = cell.Select(t => t.CredentialBytes).Where(v => !double.IsNaN(v)).ToList();
                        report.Findings.Add(new Finding(FindingKind.CredentialBytes, label, $"{e.Http}, {EdgeName(e.UsersPerConnection)}", LoadRun.Format(Median(credential), 0), "bytes",
                            Findings.SourceOf(run), Findings.Anchor(new Http2Section().Heading), $"{ReportContext.Rate(rate)} req/s, loopback without TLS")
                        { Value = Median(credential), Exact = credential.Count > 0 && credential.Min() == credential.Max() });
                    }
                    return cell.Count == 0 ? "–"
                        : $"{LoadRun.Format(Median(cell.Select(t => t.Trial.BytesSent)), 0)} ({LoadRun.Format(Median(cell.Select(t => t.CredentialBytes)), 0)})";
                });
                var h1 = Median(sentAtRate.Where(t => t.Trial.Label == label && t.Http == HttpWireNames.Http11).Select(t => t.Trial.BytesReceived));
                var h2 = Median(sentAtRate.Where(t => t.Trial.Label == label && t.Http != HttpWireNames.Http11).Select(t => t.Trial.BytesReceived));
                report.Line($"| `{label}` | {string.Join(" | ", cells)} | {LoadRun.Format(h1, 0)} / {LoadRun.Format(h2, 0)} |");
            }
            report.Line();
            var http2Edges = edges.Where(e => e.Http != HttpWireNames.Http11 && edges.Contains((HttpWireNames.Http11, e.UsersPerConnection))).ToList();
            if (http2Edges.Count == 0)
            {
                continue;
            }
            report.Line($"Server CPU µs per request: `{HttpWireNames.Http11}` (median, min–max), and each HTTP/2 wire minus `{HttpWireNames.Http11}` on the same connections "
                + $"(difference of medians, {ReportContext.Percent(Bootstrap.Level)} bootstrap interval, repetitions; \"no measurable difference\" where the interval contains zero):");
            report.Line();
            report.Line("| arm | connections | " + HttpWireNames.Http11 + " | " + string.Join(" | ", http2Edges.Select(e => e.Http).Distinct().Select(h => $"{h} − {HttpWireNames.Http11}")) + " |");
            report.Line("| --- | --- | ---: | " + string.Join(" | ", http2Edges.Select(e => e.Http).Distinct().Select(_ => "---:")) + " |");
            foreach (var label in labels)
            {
                foreach (var users in http2Edges.Select(e => e.UsersPerConnection).Distinct())
                {
                    var baseline = atRate.Where(t => t.Trial.Label == label && t.Http == HttpWireNames.Http11 && t.UsersPerConnection == users).Select(t => t.Trial.ServerCpuUsPerRequest).ToList();
                    var cells = http2Edges.Select(e => e.Http).Distinct().Select(h =>
                    {
                        var wire = atRate.Where(t => t.Trial.Label == label && t.Http == h && t.UsersPerConnection == users).Select(t => t.Trial.ServerCpuUsPerRequest).ToList();
                        return wire.Count == 0 ? "–" : Bootstrap.OfMedians(wire.Where(v => !double.IsNaN(v)), baseline.Where(v => !double.IsNaN(v))).Show();
                    });
                    report.Line($"| `{label}` | {EdgeName(users)} | {Spread.Of(baseline.Where(v => !double.IsNaN(v))).Show()} | {string.Join(" | ", cells)} |");
                }
            }
            report.Line();
        }
        report.Line("Bytes depend only on the credentials a trial sent and the table's state, so repetitions differ only where their mix of users did; CPU varies, hence the intervals. "
            + "Loopback without TLS: on a real network TLS records add their own framing to every wire alike.");
        report.Line();
    }

    /// <summary>
    /// The header-compression caveat, generated from the HTTP/2 run where there is one: how much of its HTTP/1.1 size the
    /// credential still costs per request under each policy, over the arms that send one.
    /// </summary>
    public static string Caveat(ReportContext report)
    {
        var lead = "- **Header compression.** The HTTP/1.1 tables count header lines. HPACK makes a repeated credential cheap only for a client that indexes it, "
            + $"on a connection that keeps carrying the same credential. nghttp2 (h2load, curl) never indexes authorization nor a cookie under {NghttpCookieIndexedFrom} bytes, "
            + ".NET's HttpClient indexes no request header at all and does not Huffman-code it, and an indexing client on a gateway's connection sees too many users' "
            + "credentials for one to stay in the table";
        if (report.Inputs.Http2 is not { } run)
        {
            return lead + $"; no HTTP/2 run is published here (see {SectionLink}).";
        }
        var trials = Edges.Of(run);
        var labels = trials.Select(t => t.Trial.Label).Distinct().ToList();
        double Credential(string label, string http, int? users, bool anyUsers = false) =>
            Median(trials.Where(t => t.Trial.Label == label && t.Http == http && (anyUsers || t.UsersPerConnection == users)).Select(t => t.CredentialBytes));
        var carrying = labels.Where(l => Credential(l, HttpWireNames.Http11, null, anyUsers: true) > 0).ToList();
        string Share(string http, int? users)
        {
            var shares = carrying.Select(l => Credential(l, http, users) / Credential(l, HttpWireNames.Http11, null, anyUsers: true)).Where(v => !double.IsNaN(v)).ToList();
            return shares.Count == 0 ? "" : Range(shares.Min() * 100, shares.Max() * 100, 0) + " %";
        }
        string Bytes(string http, int? users)
        {
            var b = carrying.Select(l => Credential(l, http, users)).Where(v => !double.IsNaN(v)).ToList();
            return b.Count == 0 ? "" : Range(b.Min(), b.Max(), 1) + " B";
        }
        var parts = new List<string>();
        if (Share(HttpWireNames.Http2NeverIndexed, null) is { Length: > 0 } never)
        {
            parts.Add($"never indexed, the credential still costs {never} of its HTTP/1.1 line on every request (Huffman coding is all it gains)");
        }
        if (Share(HttpWireNames.Http2Indexed, null) is { Length: > 0 } gateway)
        {
            parts.Add($"indexed on a gateway's connection, {gateway}");
        }
        if (Bytes(HttpWireNames.Http2Indexed, 1) is { Length: > 0 } browser)
        {
            parts.Add($"indexed on a browser's connection (one user), {browser} per request on average, first request included");
        }
        return parts.Count == 0
            ? lead + $"; {report.RunLink(run)} has no credential-carrying arm on both wires."
            : lead + $". Measured over the arms that send a credential ({report.RunLink(run)}, {SectionLink}): " + string.Join("; ", parts) + ".";
    }

    private static string Range(double min, double max, int decimals) =>
        LoadRun.Format(min, decimals) == LoadRun.Format(max, decimals) ? LoadRun.Format(min, decimals) : $"{LoadRun.Format(min, decimals)}–{LoadRun.Format(max, decimals)}";

    private static int WireOrder(string http)
    {
        for (var i = 0; i < HttpWireNames.All.Count; i++)
        {
            if (HttpWireNames.All[i] == http)
            {
                return i;
            }
        }
        return HttpWireNames.All.Count;
    }

    private static double Median(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        return list.Count == 0 ? double.NaN : Statistics.Median(list);
    }

    /// <summary>A trial with the wire and connections it ran on (a file's settings where the trial does not say) and its credential bytes.</summary>
    private sealed record Edges(Trial Trial, string Http, int? UsersPerConnection, double CredentialBytes)
    {
        public static List<Edges> Of(LoadRun run) =>
        [
            .. run.Results.Trials.Select((t, i) => new Edges(run.Trials[i], t.Http ?? run.Results.Settings.Http ?? HttpWireNames.Http11,
                t.Http is null ? run.Results.Settings.UsersPerConnection : t.UsersPerConnection, t.CredentialBytesPerRequest ?? double.NaN)),
        ];
    }
}
