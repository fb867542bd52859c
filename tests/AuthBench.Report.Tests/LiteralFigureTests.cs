using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace AuthBench.Report.Tests;

/// <summary>
/// The report's fixed text carries no literal figure: every string literal of the code that writes the report and its
/// charts is scanned, interpolation holes (where figures read from the results go) removed, and a digit left over fails
/// the test unless it belongs to an identifier (HS256, p99.9, HTTP/1.1), a format pattern ("0.##") or the short
/// allow-list below.
/// </summary>
public sealed partial class LiteralFigureTests
{
    /// <summary>The files whose strings end up in README.md or the charts. Program.cs, RunChecks.cs and ArmLine.cs print to the console only.</summary>
    private static readonly string[] ReportFiles =
        ["ReportBuilder.cs", "RunStatus.cs", "Charts.cs", "Stats.cs", "LoadRun.cs", "MicroRun.cs", "MicroFigures.cs", "Hgrm.cs", "RunSelection.cs", "Crosscheck.cs", "CpuReconciliation.cs", "Sections"];

    /// <summary>Literals with digits that are not figures, each with the reason.</summary>
    private static readonly Dictionary<string, string> AllowList = new(StringComparer.Ordinal)
    {
        // The spectrum's x axis is log10 of 1/(1-p): the transform's name, not a measurement.
        ["percentile (log scale in 1/(1-p))"] = "axis label naming the transform",
        // BenchmarkDotNet's table titles end in -yyyyMMdd-HHmmss: a regular expression's field widths.
        [@"-(\d{8}-\d{6})$"] = "regular expression",
    };

    [Fact]
    public void Report_text_carries_no_literal_figure()
    {
        var offenders = new List<string>();
        foreach (var file in SourceFiles())
        {
            foreach (var (line, text) in Literals(File.ReadAllText(file)))
            {
                if (Figure(text) is { } figure)
                {
                    offenders.Add($"{Path.GetFileName(file)}:{line}: \"{text}\" ({figure})");
                }
            }
        }
        Assert.True(offenders.Count == 0, "literal figures in the report's fixed text:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_scan_covers_the_slo_and_generator_sections_and_their_helpers()
    {
        var scanned = SourceFiles().Select(Path.GetFileName).ToList();
        Assert.Contains("SloCapacitySection.cs", scanned);
        Assert.Contains("GeneratorSection.cs", scanned);
        Assert.Contains("RunSelection.cs", scanned);
        Assert.Contains("Crosscheck.cs", scanned);
    }

    [Fact]
    public void The_scanner_finds_a_figure_in_prose_and_none_in_holes_identifiers_or_formats()
    {
        const string Code = """
            var a = $"about 100 µs at {rate} requests/s"; // a comment with 42 is not text
            var b = $"{x:0.##} for jwt-HS256 at p99.9 over HTTP/1.1";
            var c = "0.###";
            var d = $"{string.Join(", ", "7 ms")} done";
            """;
        var found = Literals(Code).Select(l => (l.Text, Figure: Figure(l.Text))).Where(l => l.Figure is not null).Select(l => l.Text).ToList();
        Assert.Equal(["about 100 µs at § requests/s", "7 ms"], found);
    }

    [Fact]
    public void The_saturation_text_does_not_say_open_loop()
    {
        // The find-max run is a closed loop: its table's text and the headline's saturation rows must not call it open.
        var load = File.ReadAllText(Path.Combine(ReportDirectory(), "Sections", "LoadTestsSection.cs"));
        var saturation = load[load.IndexOf("private static void WriteSaturation", StringComparison.Ordinal)..];
        Assert.DoesNotContain("open loop", saturation, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("open-loop", saturation, StringComparison.OrdinalIgnoreCase);
        var headline = File.ReadAllText(Path.Combine(ReportDirectory(), "Sections", "HeadlineSection.cs"));
        Assert.DoesNotMatch("(?i)saturation[^\"]*open.loop", headline);
    }

    /// <summary>The first token of the text that is a figure, or null.</summary>
    private static string? Figure(string text)
    {
        if (AllowList.ContainsKey(text) || FormatPattern().IsMatch(text))
        {
            return null;
        }
        foreach (var raw in text.Split([' ', '\u00a0'], StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.Trim('(', ')', '[', ']', ',', ';', ':', '*', '`', '"', '\'', '|', '.', '!', '?');
            if (token.Any(char.IsAsciiDigit) && !Identifier().IsMatch(token))
            {
                return token;
            }
        }
        return null;
    }

    /// <summary>A name that starts with a letter: HS256, p99.9, jwt-ES256, HTTP/1.1, P-256.</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_./\-]*$")]
    private static partial Regex Identifier();

    /// <summary>A .NET numeric format string alone: "0.##", "#,0" (a "%" is left out: "0%" would be a figure).</summary>
    [GeneratedRegex(@"^[0#.,N]+$")]
    private static partial Regex FormatPattern();

    /// <summary>
    /// Every string literal of C# source with its line: interpolation holes become "§" (their code is scanned for literals
    /// of its own), comments and char literals are skipped.
    /// </summary>
    private static List<(int Line, string Text)> Literals(string code)
    {
        var result = new List<(int, string)>();
        var i = 0;
        Code(code, ref i, result, inHole: false);
        return result;
    }

    private static void Code(string s, ref int i, List<(int, string)> result, bool inHole)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '/')
            {
                while (i < s.Length && s[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < s.Length && s[i + 1] == '*')
            {
                i = s.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : s.Length;
            }
            else if (c == '\'')
            {
                i++;
                while (i < s.Length && s[i] != '\'')
                {
                    i += s[i] == '\\' ? 2 : 1;
                }
                i++;
            }
            else if (c == '"' || ((c == '$' || c == '@') && i + 1 < s.Length && (s[i + 1] == '"' || ((s[i + 1] == '$' || s[i + 1] == '@') && i + 2 < s.Length && s[i + 2] == '"'))))
            {
                var prefix = "";
                while (s[i] != '"')
                {
                    prefix += s[i++];
                }
                StringLiteral(s, ref i, result, interpolated: prefix.Contains('$'), verbatim: prefix.Contains('@'));
            }
            else if (c == '{')
            {
                depth++;
                i++;
            }
            else if (c == '}')
            {
                if (inHole && depth == 0)
                {
                    return;
                }
                depth--;
                i++;
            }
            else
            {
                i++;
            }
        }
    }

    private static void StringLiteral(string s, ref int i, List<(int, string)> result, bool interpolated, bool verbatim)
    {
        var line = s.AsSpan(0, i).Count('\n') + 1;
        var text = new StringBuilder();
        i++; // the opening quote
        while (i < s.Length)
        {
            var c = s[i];
            if (verbatim && c == '"' && i + 1 < s.Length && s[i + 1] == '"')
            {
                text.Append('"');
                i += 2;
            }
            else if (c == '"')
            {
                i++;
                break;
            }
            else if (!verbatim && c == '\\')
            {
                text.Append(s[i + 1] is 'n' or 't' or 'r' ? ' ' : s[i + 1]);
                i += 2;
            }
            else if (interpolated && c == '{' && i + 1 < s.Length && s[i + 1] == '{')
            {
                text.Append('{');
                i += 2;
            }
            else if (interpolated && c == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                text.Append('}');
                i += 2;
            }
            else if (interpolated && c == '{')
            {
                i++;
                Code(s, ref i, result, inHole: true);
                i++; // the hole's closing brace
                text.Append('§');
            }
            else
            {
                text.Append(c);
                i++;
            }
        }
        result.Add((line, text.ToString()));
    }

    private static IEnumerable<string> SourceFiles()
    {
        var root = ReportDirectory();
        return ReportFiles.SelectMany(f => Directory.Exists(Path.Combine(root, f))
            ? Directory.GetFiles(Path.Combine(root, f), "*.cs", SearchOption.AllDirectories)
            : [Path.Combine(root, f)]).Order(StringComparer.Ordinal);
    }

    /// <summary>report/AuthBench.Report of the repository this test file belongs to.</summary>
    private static string ReportDirectory([CallerFilePath] string self = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(self)!, "..", "..", "report", "AuthBench.Report"));
}
