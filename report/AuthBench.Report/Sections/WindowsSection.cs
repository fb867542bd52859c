using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// The revocation and staleness windows (<c>--window</c>): per arm of the newest revocation run, what the revoked users'
/// credentials still got after the API answered the revocation, per method (logout, admin revoke); per arm of the newest
/// staleness run, how long <c>GET /api/me</c> went on showing the old plan. Medians and ranges over repetitions, in ms
/// and in units of the credential lifetime that bounds the window; every figure is read from trials[].window.
/// </summary>
public sealed class WindowsSection : IReportSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Heading => "## Revocation and staleness windows";

    public void Write(ReportContext report)
    {
        WriteRevocation(report, report.Inputs.Revocation);
        WriteStaleness(report, report.Inputs.Staleness);
    }

    private static void WriteRevocation(ReportContext report, LoadRun? run)
    {
        report.Line("### Revocation");
        report.Line();
        if (run is null)
        {
            report.Line("_No revocation run found (a complete run with `--window revocation@…`, under load/)._");
            report.Line();
            return;
        }
        var trials = run.Results.Trials.Where(t => t.Window?.Revocation is not null).ToList();
        report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`). Under steady open-loop load, some users are revoked "
            + "during each trial, half by their own logout and half by the admin revoke; they keep sending the credential they held (neither renewed nor "
            + "replaced by a new login), as a stolen one would be. Counted are their requests sent after the API answered the revocation. "
            + "\"Accepted for\" is the send time of the last accepted request after that answer; the resolution is the interval between two requests of one "
            + "user. Cells are the median over repetitions with the range [min, max]; lifetimes are the window's bound (the token or access-token lifetime, or "
            + "the near cache's TTL) as the run set it.");
        report.Line();
        report.Line("| arm | method | repetitions | users revoked (per repetition) | accepted after the revocation (requests) | accepted for (ms) | in lifetimes | first rejection, slowest user (ms) | still accepted at the end (users) | resolution (ms) |");
        report.Line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var label in ArmCatalogue.OrderLabels(trials.Select(t => t.Label).Distinct()))
        {
            var windows = trials.Where(t => t.Label == label).Select(t => t.Window!).ToList();
            foreach (var method in windows.SelectMany(w => w.Revocation!).Select(m => m.Method).Distinct())
            {
                var of = windows.SelectMany(w => w.Revocation!.Where(m => m.Method == method).Select(m => (Window: w, Method: m))).ToList();
                report.Line($"| `{label}` | {method} | {of.Count.ToString(Inv)} | {Cell(of.Select(x => (double?)x.Method.Users))} | {Cell(of.Select(x => (double?)x.Method.Accepted))} "
                    + $"| {Cell(of.Select(x => x.Method.LongestAcceptedMs), noneIs: "none accepted")} | {Lifetimes(of.Select(x => x.Method.LongestAcceptedLifetimes), of.Select(x => x.Window))} "
                    + $"| {Cell(of.Select(x => x.Method.FirstRejectionMs))} | {Cell(of.Select(x => (double?)x.Method.UsersAcceptedAtEnd))} | {Cell(of.Select(x => x.Window.UserRequestIntervalMs))} |");
            }
        }
        report.Line();
    }

    private static void WriteStaleness(ReportContext report, LoadRun? run)
    {
        report.Line("### Staleness");
        report.Line();
        if (run is null)
        {
            report.Line("_No staleness run found (a complete run with `--window staleness@…`, under load/)._");
            report.Line();
            return;
        }
        var trials = run.Results.Trials.Where(t => t.Window?.Staleness is not null).ToList();
        report.Line($"From {report.RunLink(run)} (command: `{run.Results.Environment.CommandLine ?? ""}`). Under steady open-loop load, the plan of some users is "
            + "changed through the admin endpoint during each trial; a probe sends `GET /api/me` for each of them at a fixed interval, with the credential the "
            + "user holds at that moment (renewed as a real client's would be). \"Visible after\" is the slowest user's first answer showing the new plan, after "
            + "the change was answered; where some user never saw it, the cell gives how long the probes watched (a lower bound of the window). "
            + "Cells are the median over repetitions with the range [min, max].");
        report.Line();
        report.Line("| arm | repetitions | users changed (per repetition) | users who saw the new plan | visible after (ms) | in lifetimes | not seen within (ms) | probe interval (ms) |");
        report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var label in ArmCatalogue.OrderLabels(trials.Select(t => t.Label).Distinct()))
        {
            var windows = trials.Where(t => t.Label == label).Select(t => t.Window!).ToList();
            var s = windows.Select(w => w.Staleness!).ToList();
            report.Line($"| `{label}` | {windows.Count.ToString(Inv)} | {Cell(s.Select(x => (double?)x.Users))} | {Cell(s.Select(x => (double?)x.UsersSeen))} "
                + $"| {Cell(s.Select(x => x.VisibleAfterMs))} | {Lifetimes(s.Select(x => x.VisibleAfterLifetimes), windows)} "
                + $"| {Cell(s.Where(x => x.VisibleAfterMs is null).Select(x => x.ObservedForMs), noneIs: "-")} | {Cell(s.Select(x => (double?)x.ProbeIntervalMs))} |");
        }
        report.Line();
    }

    /// <summary>"0.98 [0.95, 1] × token 10 s": lifetimes with the lifetime they count; empty where none applies.</summary>
    private static string Lifetimes(IEnumerable<double?> units, IEnumerable<WindowResult> windows)
    {
        var w = windows.FirstOrDefault(x => x.LifetimeKind is not null);
        var cell = Cell(units, noneIs: "-");
        return w is null || cell is "" or "-" ? cell : $"{cell} × {w.LifetimeKind} {w.LifetimeS?.ToString("0.###", Inv)} s";
    }

    private static string Cell(IEnumerable<double?> values, string noneIs = "never")
    {
        var all = values.ToList();
        var seen = all.OfType<double>().Order().ToList();
        if (seen.Count == 0)
        {
            return all.Count == 0 ? "" : noneIs;
        }
        var missing = all.Count - seen.Count;
        return $"{Num(Statistics.Median(seen))} [{Num(seen[0])}, {Num(seen[^1])}]" + (missing > 0 ? $" ({missing.ToString(Inv)} {noneIs})" : "");
    }

    private static string Num(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : Math.Abs(value) >= 1 ? "0.#" : "0.###", Inv);
}
