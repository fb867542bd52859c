using System.Text.RegularExpressions;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>The verdict: first, one line per claim, question and requirement, built from the sections' findings only.</summary>
public sealed partial class VerdictSectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-verdict-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly ArmDescriptor None = ArmCatalogue.None;
    private static readonly ArmDescriptor Session = ArmCatalogue.Session;
    private static readonly ArmDescriptor Jwt = ArmCatalogue.Jwt;

    /// <summary>A fixed-rate run of none, session and jwt-HS256; <paramref name="sessionP50"/> gives the session's p50 per repetition (none's is 100, 130, 160).</summary>
    private ReportInputs Inputs(Func<int, long> sessionP50, long sessionLate = 0)
    {
        var trials = new List<TrialResult>();
        foreach (var rate in new[] { 100, 200, 400 })
        {
            foreach (var rep in new[] { 1, 2, 3 })
            {
                trials.Add(Fixtures.Trial(None, null, rate, rep, 100 + rep, 300, 100, null, p50: 70 + (30 * rep)));
                trials.Add(Fixtures.Trial(Session, null, rate, rep, 150 + rep, 450, 160, 420, p50: sessionP50(rep), late: rep == 1 ? sessionLate : 0));
                trials.Add(Fixtures.Trial(Jwt, "HS256", rate, rep, 130 + rep, 390, 560, null, p50: 150 + rep));
            }
        }
        var dir = Path.Combine(_root, "load", "20260101T000000Z");
        Fixtures.Write(dir, Fixtures.Run(trials));
        return new ReportInputs(LoadRun.Read(Path.Combine(dir, "results.json")), null, default, _root, null);
    }

    private string Build(ReportInputs inputs) => new ReportBuilder(inputs).Build(Path.Combine(_root, "charts"));

    private static string VerdictOf(string md)
    {
        var start = md.IndexOf("\n## Verdict\n", StringComparison.Ordinal);
        var end = md.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return md[start..end];
    }

    private static string LineOf(string verdict, string start) =>
        verdict.Split('\n').Single(l => l.StartsWith(start, StringComparison.Ordinal));

    /// <summary>A figure as the verdict prints it: the repetition count its intro states once is left out of each interval.</summary>
    private static string Printed(string figure) => Repetitions().Replace(figure, "");

    [Fact]
    public void Overloaded_trials_of_the_fixed_rate_run_are_counted_under_the_table_with_the_stall_that_flags_one()
    {
        var clean = VerdictOf(Build(Inputs(rep => 300 + rep)));
        Assert.DoesNotContain("_Overload:_", clean, StringComparison.Ordinal);

        var inputs = Inputs(rep => 300 + rep, sessionLate: 1_000_000);
        var verdict = VerdictOf(Build(inputs));
        var note = LineOf(verdict, "_Overload:_");
        var flagged = inputs.Load!.Trials.Count(t => t.Overloaded);
        Assert.True(flagged > 0);
        Assert.Contains($"{flagged} of {inputs.Load.Trials.Count} trials", note, StringComparison.Ordinal);
        // The stall: the overload share of one trial's length.
        var stall = Trial.OverloadShare * inputs.Load.Results.Settings.DurationS * 1000;
        Assert.Contains($"a stall of about {LoadRun.Format(stall, 0)} ms", note, StringComparison.Ordinal);
        Assert.True(verdict.IndexOf(note, StringComparison.Ordinal) < verdict.IndexOf("### The debate's claims", StringComparison.Ordinal));
    }

    [Fact]
    public void Verdict_is_the_first_section_and_has_a_line_for_every_claim_question_and_requirement()
    {
        var md = Build(Inputs(rep => 300 + rep));
        Assert.Equal(md.IndexOf("\n## ", StringComparison.Ordinal), md.IndexOf("\n## Verdict\n", StringComparison.Ordinal));
        Assert.Equal("## Verdict", ReportBuilder.Sections[0]);
        var verdict = VerdictOf(md);
        foreach (var claim in VerdictSection.Claims)
        {
            Assert.Contains($"- **\"{claim}\"**: ", verdict, StringComparison.Ordinal);
        }
        foreach (var question in VerdictSection.Questions)
        {
            Assert.Contains($"- **{question}** ", verdict, StringComparison.Ordinal);
        }
        foreach (var requirement in VerdictSection.Requirements)
        {
            Assert.Contains($"| {requirement} | ", verdict, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_decision_table_comes_before_the_claims_and_the_questions()
    {
        var verdict = VerdictOf(Build(Inputs(rep => 300 + rep)));
        var table = verdict.IndexOf("\n| requirement |", StringComparison.Ordinal);
        Assert.True(table > 0);
        Assert.True(table < verdict.IndexOf($"- **\"{VerdictSection.Claims[0]}\"**", StringComparison.Ordinal));
        Assert.True(table < verdict.IndexOf($"- **{VerdictSection.Questions[0]}**", StringComparison.Ordinal));
        // Only the how-to-read lines stand between the heading and the table.
        Assert.True(verdict[..table].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 4);
    }

    [Fact]
    public void Each_price_cell_gives_each_arm_at_most_three_figures_and_no_comparison_of_two_intervals()
    {
        var verdict = VerdictOf(Build(Inputs(rep => 300 + rep)));
        Assert.DoesNotContain("overlap", verdict, StringComparison.Ordinal);
        foreach (var requirement in VerdictSection.Requirements)
        {
            var price = LineOf(verdict, $"| {requirement} |").Split(" | ")[2];
            foreach (var arm in price.Split("; ").Where(a => a.StartsWith('`') && a.Contains("`: ", StringComparison.Ordinal)))
            {
                Assert.True(TopLevelParts(arm[(arm.IndexOf("`: ", StringComparison.Ordinal) + 3)..]) <= 3, arm);
            }
        }
    }

    /// <summary>The comma-separated parts of a cell outside brackets and parentheses (an interval's comma is not a new figure).</summary>
    private static int TopLevelParts(string text)
    {
        var (depth, parts) = (0, 1);
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] is '[' or '(' ? 1 : text[i] is ']' or ')' ? -1 : 0;
            parts += depth == 0 && text[i] == ',' && i + 1 < text.Length && text[i + 1] == ' ' ? 1 : 0;
        }
        return parts;
    }

    [Fact]
    public void A_missing_run_gives_the_missing_line_with_the_command_that_makes_it_never_a_figure()
    {
        var verdict = VerdictOf(Build(Inputs(rep => 300 + rep)));
        // The fixture has a fixed-rate run only: no windows, no HTTP/2, no fan-out (the capacity model reads the fixed-rate run).
        foreach (var claim in new[] { VerdictSection.Claims[3], VerdictSection.Claims[4] })
        {
            var line = LineOf(verdict, $"- **\"{claim}\"**");
            Assert.Contains(VerdictSection.Missing, line, StringComparison.Ordinal);
            Assert.Contains("scripts/run-all.sh", line, StringComparison.Ordinal);
        }
        Assert.Contains("revocation window run is not in these results; `scripts/run-all.sh --only revocation` makes it",
            LineOf(verdict, $"- **\"{VerdictSection.Claims[3]}\"**"), StringComparison.Ordinal);
        Assert.Contains("staleness window run is not in these results; `scripts/run-all.sh --only staleness` makes it",
            LineOf(verdict, $"- **{VerdictSection.Questions[3]}**"), StringComparison.Ordinal);
        Assert.Contains("`scripts/run-all.sh --only fanout`", LineOf(verdict, $"| {VerdictSection.Requirements[1]} |"), StringComparison.Ordinal);
        Assert.Contains(VerdictSection.Missing, LineOf(verdict, $"| {VerdictSection.Requirements[1]} |"), StringComparison.Ordinal);
        Assert.DoesNotContain(VerdictSection.Missing, LineOf(verdict, $"- **\"{VerdictSection.Claims[0]}\"**"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_shift_whose_interval_contains_zero_says_no_measurable_difference()
    {
        // none's p50: 100, 130, 160; session's: 90, 140, 170: medians 10 apart, repetitions overlapping.
        var inputs = Inputs(rep => rep switch { 1 => 90, 2 => 140, _ => 170 });
        var shift = new ReportContext(inputs, _root).LatencyShift(Session.Name, 200, Quantiles.Compared[0])!.Value;
        Assert.True(shift.ContainsZero);
        var line = LineOf(VerdictOf(Build(inputs)), $"- **\"{VerdictSection.Claims[0]}\"**");
        Assert.Contains("**no measurable difference** in p50 latency", line, StringComparison.Ordinal);
        Assert.Contains(Printed(shift.Show(0)), line, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_figure_of_the_verdict_is_the_sections_own_with_its_interval()
    {
        var inputs = Inputs(rep => 300 + rep);
        var md = Build(inputs);
        var verdict = VerdictOf(md);
        var line = LineOf(verdict, $"- **\"{VerdictSection.Claims[0]}\"**");
        // The session's shift over none at the moderate rate (200), as the load tests section shows it, interval and repetitions included.
        var shift = new ReportContext(inputs, _root).LatencyShift(Session.Name, 200, Quantiles.Compared[0])!.Value;
        Assert.True(shift.HasInterval);
        Assert.Contains($"p50 latency over `{ReportContext.BaselineLabel}` {Printed(shift.Show(0))} µs", line, StringComparison.Ordinal);
        Assert.Contains($"n = {shift.NArm} repetitions", verdict, StringComparison.Ordinal);
        Assert.Contains("1.00 store commands", line, StringComparison.Ordinal);
        var bytes = LineOf(verdict, $"- **\"{VerdictSection.Claims[1]}\"**");
        Assert.Contains($"`{None.Name}` 100, `{Session.Name}` 160, `{Jwt.Label("HS256")}` 560", bytes, StringComparison.Ordinal);
        // No number in the verdict that the rest of the report (the sections, from the results) does not show.
        var rest = md.Replace(verdict, "", StringComparison.Ordinal);
        var strays = Number().Matches(verdict).Select(m => m.Value).Distinct().Where(n => !rest.Contains(n, StringComparison.Ordinal)).ToList();
        Assert.Empty(strays);
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9_.\-])-?\d+(?:,\d{3})*(?:\.\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@" n = (\d+)(?:/\1)+\b")]
    private static partial Regex Repetitions();
}
