using System.Text;

namespace AuthBench.Report.Sections;

/// <summary>What a section measured that the verdict quotes (the verdict reads nothing else, so its figures are the sections').</summary>
public enum FindingKind
{
    /// <summary>Server CPU per request over the baseline at saturation (Load tests, closed loop), a difference with its interval.</summary>
    SaturationCpuOverBaseline,
    /// <summary>Server CPU per request over the baseline at the moderate fixed rate (Load tests), a difference with its interval.</summary>
    FixedRateCpuOverBaseline,
    /// <summary>Latency shift at p50 over the baseline at the moderate fixed rate (Load tests); no figure where overloaded.</summary>
    LatencyShiftP50,
    /// <summary>Latency shift at p99 over the baseline at the moderate fixed rate (Load tests); no figure where overloaded.</summary>
    LatencyShiftP99,
    /// <summary>Store commands per request at the moderate fixed rate (Load tests), median over repetitions.</summary>
    StoreCommands,
    /// <summary>Store CPU per request at the moderate fixed rate (Load tests), median over repetitions.</summary>
    StoreCpu,
    /// <summary>Request bytes sent per request at the moderate fixed rate (Load tests), median over repetitions.</summary>
    SentBytes,
    /// <summary>Store bytes (in + out) per request at the moderate fixed rate (Load tests), median over repetitions.</summary>
    StoreBytes,
    /// <summary>Latency shift at p50 at the highest set store RTT against the same arm at the lowest (Store across a network); detail: the RTT.</summary>
    StoreRttP50,
    /// <summary>The credential's bytes per request on one wire and client (HTTP/2 at the edge); detail: "wire, client".</summary>
    CredentialBytes,
    /// <summary>API servers at which one store primary fills (Capacity model); detail: the assumption (app CPU, store).</summary>
    ServersToFill,
    /// <summary>The fleet's busy cores over the jwt arm's (Capacity model), a ratio with its interval; detail: the assumption.</summary>
    FleetCoresOverJwt,
    /// <summary>Revocation (Revocation windows): the latest accepted request after a revocation, or the first rejection; detail: the method.</summary>
    RevocationWindow,
    /// <summary>Staleness (Revocation windows): when a changed plan became visible; detail: empty.</summary>
    StalenessWindow,
    /// <summary>What an arm did with the store down (Store outage).</summary>
    OutageBehaviour,
    /// <summary>Requests/s one API core serves with p99 under a target (SLO capacity); detail: "p99 under N ms".</summary>
    SloCapacityPerCore,
    /// <summary>A refresh's server CPU amortised per API request (Hybrid: refresh cost), with its interval; detail: "lifetime, r".</summary>
    RefreshPerApiRequest,
    /// <summary>Server CPU per added service of a fan-out chain (Fan-out), median over repetitions; detail: "mode, services".</summary>
    FanoutPerService,
    /// <summary>Server CPU per request over the baseline at saturation as a multiple of the session arm's (Headline), a ratio of differences with its interval.</summary>
    SaturationCpuOverReference,
}

/// <summary>
/// One figure a section published for the verdict: <paramref name="Figure"/> is the text the section shows (its interval and
/// repetitions included), so a reader finds the same number there; <paramref name="Anchor"/> links to the section.
/// </summary>
/// <param name="Label">The arm's label as the results name it.</param>
/// <param name="Detail">Which cell of the section, where an arm has several (a wire, a method, an assumption); empty otherwise.</param>
/// <param name="Unit">The figure's unit ("µs", "bytes", "commands", "ms", "servers").</param>
/// <param name="Source">The run folder the figure was read from.</param>
/// <param name="Regime">How it was measured (rate, loop, claims, store), for the verdict's caveat.</param>
public sealed record Finding(FindingKind Kind, string Label, string Detail, string Figure, string Unit, string Source, string Anchor, string Regime = "")
{
    /// <summary>The figure as a difference, where it is one: the verdict reads "no measurable difference" off it.</summary>
    public Difference? Difference { get; init; }

    /// <summary>The figure as a ratio with its interval, where it is one.</summary>
    public Ratio? Ratio { get; init; }

    /// <summary>The figure as a number (a median, a count, bytes), where the verdict compares it; NaN otherwise.</summary>
    public double Value { get; init; } = double.NaN;

    /// <summary>Whether the figure is exact (bytes counted, every repetition equal): it then needs no interval.</summary>
    public bool Exact { get; init; }
}

/// <summary>The findings of one report, filled as the sections write, read by <see cref="VerdictSection"/> afterwards.</summary>
public sealed class Findings
{
    private readonly List<Finding> _all = [];

    public IReadOnlyList<Finding> All => _all;

    public void Add(Finding finding) => _all.Add(finding);

    public IEnumerable<Finding> Of(FindingKind kind) => _all.Where(f => f.Kind == kind);

    /// <summary>The finding of that kind, arm and cell, or null (the first where a section published it twice).</summary>
    public Finding? Get(FindingKind kind, string label, string detail = "") =>
        _all.FirstOrDefault(f => f.Kind == kind && f.Label == label && f.Detail == detail);

    /// <summary>GitHub's anchor of a heading: "## HTTP/2 at the edge" → "#http2-at-the-edge".</summary>
    public static string Anchor(string heading)
    {
        var text = heading.TrimStart('#').Trim().ToLowerInvariant();
        var slug = new StringBuilder("#");
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }
        return slug.ToString();
    }

    /// <summary>The run folder's name, as the verdict cites a source.</summary>
    public static string SourceOf(LoadRun run) => Path.GetFileName(run.Directory.TrimEnd('/', '\\'));
}
