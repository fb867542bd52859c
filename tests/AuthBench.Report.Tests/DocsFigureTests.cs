using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>
/// The hand-written documents quote no figure that a result file does not hold. Every number with a unit (a time, a
/// rate, a share, a size, or a count such as "36 permissions") in README.md, docs/*.md and results/micro/README.md
/// is either cited (its paragraph links a result file under results/ that exists and holds
/// the number) or a setting of the code, listed below with where it lives. A measured result belongs in a result file
/// and the generated report, and the document points there.
/// What is not a claim: fenced code blocks (commands and their output) are skipped; inline code is option, command or
/// identifier syntax (`--rates 1000,4000`, `--fault store-outage@10s:5s`, `EX 1800`), which writes its units unspaced,
/// so inside inline code only a figure written like prose ("76,519 req/s", a space before the unit) counts; link
/// targets and HTML comments are not text.
/// </summary>
public sealed partial class DocsFigureTests
{
    /// <summary>The hand-written documents: README.md, every docs/*.md (a new one is covered as it is added) and the micro README.</summary>
    private static readonly string[] Documents =
    [
        "README.md",
        .. Directory.GetFiles(InRepo("docs"), "*.md").Select(p => "docs/" + Path.GetFileName(p)).Order(StringComparer.Ordinal),
        "results/micro/README.md",
    ];

    /// <summary>
    /// Why a figure is a setting, optionally a repository file and a text in it that states the value, and whether
    /// README.md may quote it: README accepts only the few settings marked for it, so that a figure it gains (a
    /// duration of the job, say) is not let through because some document elsewhere uses the same words for a default.
    /// </summary>
    private sealed record Setting(string Reason, string? File = null, string? Holds = null, bool InReadme = false);

    /// <summary>Figures with a unit that are settings (or the debate's own words), each with the code that holds it.</summary>
    private static readonly Dictionary<string, Setting> Settings = new(StringComparer.Ordinal)
    {
        ["256-bit"] = new("session id length", "src/AuthBench.Core/SessionStore.cs", "IdBytes = 32", InReadme: true),
        ["14 days"] = new("ASP.NET Core's CookieAuthenticationOptions.ExpireTimeSpan default, which the aspnet-cookie arm keeps (AspNetCookieCredentialIssuer prints it)", InReadme: true),
        ["100 servers"] = new("the debate's claim, CapacityModelSection.ClaimServers (asserted below)", InReadme: true),
        ["8 items"] = new("GET /api/items answers eight items", "src/AuthBench.Api/Endpoints/ResourceApi.cs", "Enumerable.Range(1, 8)", InReadme: true),
        ["36 permissions"] = new("the large claim profile: 12 resources × 3 actions", "src/AuthBench.Core/ClaimProfiles.cs", "36 permissions (every resource × action)", InReadme: true),
        ["14 groups"] = new("the large claim profile", "src/AuthBench.Core/ClaimProfiles.cs", "LargeGroupCount = 14", InReadme: true),
        ["8 h"] = new("SessionStore.DefaultAbsoluteLifetime", "src/AuthBench.Core/SessionStore.cs", "DefaultAbsoluteLifetime = TimeSpan.FromHours(8)"),
        ["30 s"] = new("JwtTokens.ClockSkew", "src/AuthBench.Core/JwtTokens.cs", "ClockSkew = TimeSpan.FromSeconds(30)"),
        ["8 KB"] = new("JwtTokens.MaximumTokenBytes", "src/AuthBench.Core/JwtTokens.cs", "MaximumTokenBytes = 8 * 1024"),
        ["1 minute"] = new("RevocationList retention: token lifetime + skew + one minute", "src/AuthBench.Core/RevocationList.cs", "JwtTokens.ClockSkew + TimeSpan.FromMinutes(1)"),
        ["3 commands"] = new("a plan change's k + 3 commands: SMEMBERS, MGET, SREM and one SET per session (RedisSessionStore.SetClaimInUserSessionsAsync)"),
        ["1 ms"] = new("LoadEngine.DefaultLateThreshold", "loadtest/AuthBench.LoadTest/Engine/LoadEngine.cs", "DefaultLateThreshold = TimeSpan.FromMilliseconds(1)"),
        ["5 s"] = new("LoadEngine.DrainTimeout, and the --fault example's outage length", "loadtest/AuthBench.LoadTest/Engine/LoadEngine.cs", "DrainTimeout { get; init; } = TimeSpan.FromSeconds(5)"),
        ["2 s"] = new("StoreProbe.GarnetSettle", "loadtest/AuthBench.LoadTest/Probes/StoreProbe.cs", "GarnetSettle = TimeSpan.FromSeconds(2)"),
        ["10 s"] = new("the --fault store-outage@10s:5s example"),
        ["95 %"] = new("Bootstrap.Level (asserted below)"),
        ["1 %"] = new("Trial.OverloadShare (asserted below)"),
        ["10 ms"] = new("CapacityModelSection.AppCpuMs, the largest application CPU per request (asserted below)"),
        ["50 %"] = new("CapacityModelSection.ServerUtilisation (asserted below)"),
        ["15 min"] = new("RefreshCostSection.AccessLifetimes, the longest (asserted below)"),
        ["50 µs"] = new("Linux's default timer slack (PreciseSleep.TightenTimerSlack says why the pacing thread sets its own)", "loadtest/AuthBench.LoadTest/Engine/PreciseSleep.cs", "kernel's default (50000)"),
        ["1 ns"] = new("the pacing thread's and the relay's timer slack", "loadtest/AuthBench.LoadTest/Engine/LoadEngine.cs", "DefaultTimerSlackNanoseconds = 1"),
        ["100 ms"] = new("CalibrationTests.Stall", "tests/AuthBench.LoadTest.Tests/CalibrationTests.cs", "Stall = TimeSpan.FromMilliseconds(100)"),
        ["5 %"] = new("CalibrationTests: the tolerance on each analytic percentile", "tests/AuthBench.LoadTest.Tests/CalibrationTests.cs", "expected * 0.05"),
        ["0.1 %"] = new("the definition of p99.9 (the calibration's third percentile)"),
        ["3 significant digits"] = new("HdrHistogram's precision", "loadtest/AuthBench.LoadTest/Results/HistogramSet.cs", "new LongHistogram(Recorder.HighestTrackableMicros, 3)"),
        ["8-byte"] = new("relay-calibrate's round-trip payload", "loadtest/AuthBench.LoadTest/Relay/RelayCalibration.cs", "MessageBytes = 8"),
        ["500 ms"] = new("RelayCalibration: the length of each alternating direct/relayed block", "loadtest/AuthBench.LoadTest/Relay/RelayCalibration.cs", "BlockLength = TimeSpan.FromMilliseconds(500)"),
        ["5,000 per second"] = new("relay-calibrate's default rates", "loadtest/AuthBench.LoadTest/Relay/RelayCalibrateCommand.cs", "DefaultValueFactory = _ => \"200,5000\""),
        ["16384 slots"] = new("Redis Cluster's hash slot count (the protocol's)"),
        ["20 bytes"] = new("Http2Section.NghttpCookieIndexedFrom (nghttp2's rule, lib/nghttp2_hd.c)", "report/AuthBench.Report/Sections/Http2Section.cs", "NghttpCookieIndexedFrom = 20"),
        ["64 streams"] = new("EngineOptions.DefaultStreamsPerConnection", "loadtest/AuthBench.LoadTest/Engine/LoadEngine.cs", "DefaultStreamsPerConnection = 64"),
        // docs/security.md, docs/remote.md, docs/fanout.md, docs/adding-an-arm.md: defaults, limits and test inputs.
        ["30 min"] = new("SessionStore.DefaultIdleTimeout", "src/AuthBench.Core/SessionStore.cs", "DefaultIdleTimeout = TimeSpan.FromMinutes(30)"),
        ["15 minutes"] = new("JwtTokens.DefaultLifetime", "src/AuthBench.Core/JwtTokens.cs", "DefaultLifetime = TimeSpan.FromMinutes(15)"),
        ["24 h"] = new("the longest --token-lifetime", "src/AuthBench.Api/AuthBenchOptions.cs", "lifetime > TimeSpan.FromDays(1)"),
        ["24 hours"] = new("the longest --token-lifetime", "src/AuthBench.Api/AuthBenchOptions.cs", "lifetime > TimeSpan.FromDays(1)"),
        ["30 days"] = new("RefreshTokenStore.DefaultLifetime (--refresh-lifetime)", "src/AuthBench.Core/RefreshTokenStore.cs", "DefaultLifetime = TimeSpan.FromDays(30)"),
        ["10 min"] = new("AuthBenchOptions.MaxNearCacheTtl", "src/AuthBench.Api/AuthBenchOptions.cs", "MaxNearCacheTtl = TimeSpan.FromMinutes(10)"),
        ["1 s"] = new("the near caches' lease", "src/AuthBench.Contracts/Arms/ArmCatalogue.cs", "Lease: TimeSpan.FromSeconds(1)"),
        ["250 ms"] = new("the store connection's heartbeat (and the near caches')", "src/AuthBench.Core/RedisConnections.cs", "HeartbeatInterval = TimeSpan.FromMilliseconds(250)"),
        ["0.75 s"] = new("a paused store's bound: the 500 ms timeouts plus one 250 ms heartbeat", "src/AuthBench.Core/RedisConnections.cs", "TimeoutMs = 500"),
        ["256 bits"] = new("session ids, refresh secrets, HS256 keys at least (RFC 7518 §3.2)", "src/AuthBench.Core/RefreshTokenStore.cs", "SecretBytes = 32"),
        ["128-bit"] = new("the refresh family handle", "src/AuthBench.Core/RefreshTokenStore.cs", "FamilyBytes = 16"),
        ["66 characters"] = new("a refresh token: 22 base64url characters of family, a dot, 43 of secret", "src/AuthBench.Core/RefreshTokenStore.cs", "FamilyBytes = 16"),
        ["45 bytes"] = new("a used-secret marker's field: 'u:' and the 43 base64url characters of a SHA-256", "src/AuthBench.Core/RefreshTokenStore.cs", "'u:' .. ARGV[1]"),
        ["2048 bits"] = new("the smallest RSA key accepted", "src/AuthBench.Core/JwtKeySet.cs", "rsa.KeySize < 2048"),
        ["32 KB"] = new("Kestrel's default MaxRequestHeadersTotalSize"),
        ["8192 bytes"] = new("JwtTokens.MaximumTokenBytes, the positive control's length", "src/AuthBench.Core/JwtTokens.cs", "MaximumTokenBytes = 8 * 1024"),
        ["9 KB"] = new("JwtOverKestrelTests' oversized token", "tests/AuthBench.Api.Tests/JwtOverKestrelTests.cs", "[InlineData(9 * 1024)]"),
        ["30 KB"] = new("JwtOverKestrelTests' oversized token", "tests/AuthBench.Api.Tests/JwtOverKestrelTests.cs", "[InlineData(30 * 1024)]"),
        ["20 s"] = new("MaliciousJwtTests' tokens just inside the skew", "tests/AuthBench.Api.Tests/MaliciousJwtTests.cs", "Jws.Now - 20"),
        ["6 files"] = new("the rows of the table that follows it in docs/adding-an-arm.md"),
        ["1024 tokens"] = new("the benchmarks' credential ring (user1 … user1024)", "bench/AuthBench.Benchmarks/Rings.cs", "Size = 1024"),
        ["99.9 %"] = new("BenchmarkDotNet's Error column: half the 99.9 % confidence interval"),
        ["15 to 100 iterations"] = new("BenchmarkDotNet's default job: its minimum and maximum iteration counts"),
        ["about 0.5 s"] = new("BenchmarkDotNet's default job: its iteration time"),
    };

    [Fact]
    public void The_documents_include_the_readme_and_the_methodology()
    {
        Assert.Contains("README.md", Documents);
        Assert.Contains("docs/methodology.md", Documents);
    }

    [Fact]
    public void Documents_quote_no_figure_that_is_neither_cited_nor_a_setting()
    {
        var offenders = Documents
            .SelectMany(doc => DocFigures.Scan(File.ReadAllLines(InRepo(doc)))
                .Where(f => !IsSetting(doc, f.Text) && !IsCited(doc, f))
                .Select(f => $"{doc}:{f.Line}: {f.Text}"))
            .ToList();
        Assert.True(offenders.Count == 0,
            "figures that are neither settings nor cited (point to the result file or report section instead, or cite the result file in the same paragraph):\n"
            + string.Join("\n", offenders));
    }

    [Fact]
    public void Every_setting_is_quoted_by_a_document()
    {
        var quoted = Documents.SelectMany(doc => DocFigures.Scan(File.ReadAllLines(InRepo(doc)))).Select(f => f.Text).ToHashSet(StringComparer.Ordinal);
        var unused = Settings.Keys.Where(k => !quoted.Contains(k)).ToList();
        Assert.True(unused.Count == 0, "settings no document quotes any more (remove them): " + string.Join(", ", unused));
    }

    [Fact]
    public void Settings_with_a_source_are_the_code_s()
    {
        var wrong = Settings
            .Where(s => s.Value.File is { } file && !(File.Exists(InRepo(file)) && File.ReadAllText(InRepo(file)).Contains(s.Value.Holds!, StringComparison.Ordinal)))
            .Select(s => $"{s.Key}: {s.Value.File} no longer holds \"{s.Value.Holds}\"")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void The_report_settings_it_quotes_are_the_code_s()
    {
        Assert.Equal(0.95, Bootstrap.Level);
        Assert.Equal(0.01, Trial.OverloadShare);
        Assert.Equal([0.1, 1, 10], CapacityModelSection.AppCpuMs);
        Assert.Equal([10, 100, 1000], CapacityModelSection.FleetSizes);
        Assert.Equal(0.5, CapacityModelSection.ServerUtilisation);
        Assert.Equal(100, CapacityModelSection.ClaimServers);
        Assert.Equal(10, CapacityModelSection.ClaimSpan);
        // "Refreshes (the hybrid arm)": the renewal share, the access lifetimes and the default request rates per user.
        Assert.Equal(0.8, AuthBench.Contracts.Arms.CredentialRenewal.AfterFraction);
        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)], RefreshCostSection.AccessLifetimes);
        Assert.Equal([0.1, 1], RefreshCostSection.DefaultRequestsPerUser);
    }

    [Fact]
    public void The_scanner_finds_claims_in_prose_and_tables_and_none_in_commands()
    {
        string[] doc =
        [
            "The API serves about 50,000 req/s on this",
            "machine, and a token is 1.5 to 1.9 KB.",
            "",
            "```bash",
            "scripts/run-all.sh --rates 1000,4000 --duration 10s",
            "```",
            "Run it with `--rates 1000,4000 --duration 10s` or `--fault store-outage@10s:5s`; `76,519 req/s` is prose in code.",
            "| step | time |",
            "| micro | 42 min 24 s |",
            "- large: 30",
            "  permissions and 6 groups, HS256 over HTTP/1.1 at p99.9, see [run](../results/load/20261126T230603Z/summary.md).",
            "<!-- 7 min: a comment -->",
        ];
        var found = DocFigures.Scan(doc).Select(f => (f.Line, f.Text)).ToList();
        Assert.Equal(
            [(1, "about 50,000 req/s"), (2, "1.5 to 1.9 KB"), (7, "76,519 req/s"), (9, "42 min"), (9, "24 s"), (10, "30 permissions"), (11, "6 groups")],
            found);
        Assert.Equal(["../results/load/20261126T230603Z/summary.md"], DocFigures.Scan(doc).Single(f => f.Text == "6 groups").Links);
        Assert.Empty(DocFigures.Scan(doc).Single(f => f.Text == "42 min").Links);
    }

    [Fact]
    public void A_cited_figure_must_be_in_the_result_file_it_cites()
    {
        var summary = Directory.GetFiles(InRepo("results/load"), "summary.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var link = Path.GetRelativePath(InRepo("."), summary).Replace('\\', '/');
        var held = DocFigures.Numbers(File.ReadAllText(summary)).First(n => n.Length > 2);
        string[] doc = [$"It ran {held} repetitions ([run]({link})).", $"It ran 98765432 repetitions ([run]({link}))."];
        var figures = DocFigures.Scan(doc).ToList();
        Assert.True(IsCited("README.md", figures[0]), $"{held} is in {link}");
        Assert.False(IsCited("README.md", figures[1]));
        Assert.False(IsCited("README.md", DocFigures.Scan(["It ran 5 repetitions ([report](results/README.md))."]).Single()));
        Assert.True(DocFigures.Quotes("76519", "76519.3"));
        Assert.False(DocFigures.Quotes("1.5", "1.55"));
    }

    [Fact]
    public void README_accepts_only_the_settings_marked_for_it()
    {
        Assert.True(IsSetting("docs/security.md", "30 min"));
        Assert.False(IsSetting("README.md", "30 min"));
        Assert.True(IsSetting("README.md", "36 permissions"));
    }

    private static bool IsSetting(string document, string figure) =>
        Settings.TryGetValue(figure, out var setting) && (setting.InReadme || document != "README.md");

    /// <summary>
    /// Cited: a link of the figure's paragraph (or table row, or list item) names a result file that exists (a JSON file
    /// under results/, a run folder's summary.md, the micro run's run.md or sizes.md, a cross-check output) and every
    /// number of the figure occurs in one of them. The generated report (results/README.md) is not a source: it is
    /// rewritten from those files.
    /// </summary>
    private static bool IsCited(string document, DocFigure figure)
    {
        var sources = figure.Links
            .Select(l => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(InRepo(document))!, l.Split('#')[0])))
            .Where(p => IsResultFile(p) && File.Exists(p))
            .Select(File.ReadAllText)
            .ToList();
        return sources.Count > 0 && DocFigures.Numbers(figure.Text).All(n => sources.Any(s => DocFigures.Numbers(s).Any(held => DocFigures.Quotes(n, held))));
    }

    private static bool IsResultFile(string path)
    {
        var results = InRepo("results") + Path.DirectorySeparatorChar;
        if (!path.StartsWith(results, StringComparison.Ordinal))
        {
            return false;
        }
        var relative = path[results.Length..].Replace('\\', '/');
        return relative.EndsWith(".json", StringComparison.Ordinal)
            || (relative.StartsWith("load/", StringComparison.Ordinal) && relative.EndsWith("/summary.md", StringComparison.Ordinal))
            || relative is "micro/run.md" or "micro/sizes.md"
            || (relative.StartsWith("crosscheck/", StringComparison.Ordinal) && relative.EndsWith(".txt", StringComparison.Ordinal));
    }

    private static string InRepo(string relative, [CallerFilePath] string self = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(self)!, "..", "..", relative));
}

/// <summary>A figure with a unit found in a document: its line, its text, and the link targets of its paragraph.</summary>
public sealed record DocFigure(int Line, string Text, IReadOnlyList<string> Links);

/// <summary>Finds figures with a unit in Markdown prose, paragraph by paragraph (a table row and a list item are paragraphs of their own).</summary>
public static partial class DocFigures
{
    public static IEnumerable<DocFigure> Scan(IReadOnlyList<string> lines)
    {
        foreach (var block in Blocks(lines))
        {
            var links = new List<string>();
            foreach (var (line, raw) in block)
            {
                links.AddRange(Link().Matches(raw).Select(m => m.Groups["target"].Value));
            }
            foreach (var (line, raw) in block)
            {
                var text = Link().Replace(Comment().Replace(raw, " "), m => "[" + m.Groups["text"].Value + "]");
                var prose = Code().Replace(text, " ");
                var figures = Figure().Matches(prose).Select(m => (m.Index, m.Value))
                    .Concat(Code().Matches(text).SelectMany(c => SpacedFigure().Matches(c.Value)).Select(m => (m.Index, m.Value)));
                foreach (var (_, value) in figures)
                {
                    yield return new DocFigure(line, value, links);
                }
            }
        }
    }

    /// <summary>The numbers of a text, thousands separators removed ("76,519" is 76519).</summary>
    public static IReadOnlyList<string> Numbers(string text) =>
        [.. Number().Matches(text).Select(m => m.Value.Replace(",", "", StringComparison.Ordinal).TrimEnd('.'))];

    /// <summary>
    /// Whether a document's number quotes a number held in a file: equal once the held one is rounded to the quoted
    /// one's decimals ("76,519" quotes 76519.3; "1.5" does not quote 1.55).
    /// </summary>
    public static bool Quotes(string quoted, string held)
    {
        var decimals = quoted.Contains('.', StringComparison.Ordinal) ? quoted.Length - quoted.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        return decimal.TryParse(quoted, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var q)
            && decimal.TryParse(held, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var h)
            && Math.Round(h, decimals, MidpointRounding.AwayFromZero) == q;
    }

    /// <summary>
    /// Paragraphs of (line number, text); fences, headings, blank lines and HTML comment lines end a paragraph, and a
    /// table row or a list item starts one. A figure broken across two lines is rejoined by scanning each line with
    /// its unit: the unit word of a wrapped figure is moved up to the line of its number.
    /// </summary>
    private static IEnumerable<List<(int Line, string Text)>> Blocks(IReadOnlyList<string> lines)
    {
        var block = new List<(int, string)>();
        var fenced = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                fenced = !fenced;
                if (block.Count > 0) { yield return block; block = []; }
                continue;
            }
            if (fenced)
            {
                continue;
            }
            var starts = trimmed.StartsWith('|') || ListItem().IsMatch(line) || trimmed.StartsWith('#');
            if (trimmed.Length == 0 || starts)
            {
                if (block.Count > 0) { yield return block; block = []; }
                if (trimmed.Length == 0)
                {
                    continue;
                }
            }
            var text = ListItem().Replace(line, " ");
            // A figure wrapped after its number ("36" / "permissions and ..."): join the next line's first word.
            if (i + 1 < lines.Count && TrailingNumber().IsMatch(text) && lines[i + 1].Trim() is { Length: > 0 } next
                && !next.StartsWith('|') && !ListItem().IsMatch(lines[i + 1]) && !next.StartsWith("```", StringComparison.Ordinal))
            {
                text += " " + next.Split(' ')[0];
            }
            block.Add((i + 1, text));
        }
        if (block.Count > 0)
        {
            yield return block;
        }
    }

    private const string Units =
        "µs|us|ns|ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?|req/s|requests/s|per second|%|KiB|KB|kB|MiB|MB|GiB|GB|B|bytes?|bits?"
        + "|cores?|CPUs?|rounds?|repetitions?|iterations|trials|runs|steps|rates|users|arms|permissions|groups|claims|cases|tests|files"
        + "|servers|services|instances|connections|streams|tokens|ids|keys|items|commands|messages|heartbeats|characters|slots"
        + "|significant digits|million|thousand";

    /// <summary>A number (or a range "1.5 to 1.9"), optionally "about"/"~", then a unit, spaced, unspaced or hyphenated ("2-core").</summary>
    [GeneratedRegex(@"(?<![\w./@:-])(?:(?:about|around|roughly|nearly) |~)?\d[\d,.]*(?:\s?(?:to|-|–)\s?\d[\d,.]*)?[\s-]?(?:" + Units + @")(?![\w/])")]
    private static partial Regex Figure();

    /// <summary>Inside inline code, only a figure written as prose, with a space before its unit.</summary>
    [GeneratedRegex(@"(?<![\w./@:-])\d[\d,.]*\s(?:" + Units + @")(?![\w/])")]
    private static partial Regex SpacedFigure();

    [GeneratedRegex(@"\d[\d,]*(?:\.\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex Code();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"<!--.*?-->")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^\s*(?:[-*+]|\d+\.)\s")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"(?<![\w./@:-])\d[\d,.]*$")]
    private static partial Regex TrailingNumber();
}
