using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>
/// The revocation and staleness windows (issue 11): from the newest run of each window kind (<c>--window</c>), per arm
/// what a revoked credential still got and how long a changed plan stayed stale, beside what the arm's catalogue
/// entry says to expect (measured, never asserted).
/// </summary>
public sealed class WindowsSection : IReportSection
{
    public string Heading => "## Revocation and staleness windows";

    public void Write(ReportContext report)
    {
        var runs = report.Inputs.Windows ?? [];
        if (runs.Count == 0)
        {
            report.Line("_No window run found (a complete run with `--window revocation@…` or `--window staleness@…`, under load/)._");
            report.Line();
            return;
        }
        foreach (var run in runs.Where(r => r.HasWindow(RunSelection.WindowKinds[0])))
        {
            WriteRevocation(report, run);
        }
        foreach (var run in runs.Where(r => r.HasWindow(RunSelection.WindowKinds[1])))
        {
            WriteStaleness(report, run);
        }
        report.Line("Caveats: a delay runs from the answer to the revocation or plan change, so a request sent while that call was in flight is not counted; "
            + "the revocation window's resolution is one user's request interval (users in the pool over the rate), so a window shorter than it reads as one interval at most. "
            + "A JWT's lifetime as the API validates it includes the validator's clock skew (JwtTokens.ClockSkew), so a self-contained token is accepted past its "
            + "nominal lifetime by that skew: the lifetime units are of the nominal lifetime. A near cache's window is its invalidation over pub/sub, not its TTL, "
            + "unless a message is lost. The staleness probe is a separate client beside the load, not one of the engine's requests.");
        report.Line();
    }

    private static void WriteRevocation(ReportContext report, LoadRun run)
    {
        var trials = run.Results.Trials.Where(t => t.Window?.Revocation is not null).ToList();
        report.Line($"### Revocation (from {report.RunLink(run)}, command: `{run.Results.Environment.CommandLine ?? ""}`)");
        report.Line();
        report.Line($"At the window's start ({Describe(run)}), the run revoked users of each trial: half by their own `POST /auth/logout`, half by "
            + "`POST /admin/users/{sub}/revoke`. From then on the load tool neither renewed their credentials nor logged them in again: their requests carried "
            + "the credential they held, as a stolen one would. Counted are their requests sent after the revocation was answered; \"accepted\" is a success status. "
            + "Longest accepted: the latest accepted request's send time after the revocation (median over trials, [min–max]); first rejection: per trial the "
            + "slowest user's first rejection, unauthorized or forbidden (\"never\" where some user was never rejected in the trial). Lifetime units are the arm's bounding lifetime where "
            + "the load tool set it (the token's, the access token's, the near cache's TTL).");
        report.Line();
        report.Line("| arm | method | expected (catalogue) | trials | accepted / sent after | longest accepted (ms) | in lifetimes | first rejection (ms) | users still accepted at the end | request interval per user (ms) |");
        report.Line("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var label in ArmCatalogue.OrderLabels(trials.Select(t => t.Label).Distinct()))
        {
            var ofArm = trials.Where(t => t.Label == label).ToList();
            var arm = ArmCatalogue.Find(ofArm[0].Arm);
            var methods = ofArm.SelectMany(t => t.Window!.Revocation!.Select(m => (Trial: t, Method: m))).GroupBy(x => x.Method.Method);
            foreach (var method in methods)
            {
                var rows = method.ToList();
                var accepted = rows.Sum(r => r.Method.Accepted);
                var sent = rows.Sum(r => r.Method.SentAfter);
                var never = rows.Count(r => r.Method.FirstRejectionMs is null);
                var rejection = Spread(rows.Select(r => r.Method.FirstRejectionMs));
                var interval = Spread(rows.Select(r => r.Trial.Window!.UserRequestIntervalMs));
                var units = Units(rows.Select(r => r.Method.LongestAcceptedLifetimes), rows[0].Trial.Window!);
                report.Findings.Add(new Finding(FindingKind.RevocationWindow, label, method.Key,
                    accepted > 0
                        ? $"{Count(accepted)} of {Count(sent)} accepted, the last {Spread(rows.Select(r => r.Method.LongestAcceptedMs))} ms after"
                          + (units == "–" ? "" : $" ({units})")
                        : $"{Count(accepted)} of {Count(sent)} accepted, first rejection {(never == 0 ? rejection : "never in some trials")} ms",
                    "ms", Findings.SourceOf(run), Findings.Anchor(new WindowsSection().Heading),
                    $"{Describe(run)}; resolution one request per user every {interval} ms; median over trials [min–max], no bootstrap interval")
                { Value = accepted });
                report.Line($"| `{label}` | {method.Key} | {ReportContext.Cell(Expected(arm, method.Key))} | {Count(rows.Count)} | {Count(accepted)} / {Count(sent)} "
                    + $"| {Spread(rows.Select(r => r.Method.LongestAcceptedMs))} | {Units(rows.Select(r => r.Method.LongestAcceptedLifetimes), rows[0].Trial.Window!)} "
                    + $"| {(never == rows.Count ? "never" : never > 0 ? $"{rejection}; never in {Count(never)} of {Count(rows.Count)} trials" : rejection)} "
                    + $"| {Count(rows.Sum(r => r.Method.UsersAcceptedAtEnd))} | {Spread(rows.Select(r => r.Trial.Window!.UserRequestIntervalMs))} |");
            }
        }
        report.Line();
    }

    private static void WriteStaleness(ReportContext report, LoadRun run)
    {
        var trials = run.Results.Trials.Where(t => t.Window?.Staleness is not null).ToList();
        report.Line($"### Staleness (from {report.RunLink(run)}, command: `{run.Results.Environment.CommandLine ?? ""}`)");
        report.Line();
        report.Line($"At the window's start ({Describe(run)}), the run changed users' plan with `POST /admin/users/{{sub}}/plan`; a probe then sent `GET /api/me` "
            + $"for each of them every probe interval ({Ms(trials.Select(t => t.Window!.Staleness!.ProbeIntervalMs).DefaultIfEmpty(double.NaN).First())} ms), with the credential the user held at that moment "
            + "(renewed as a real client's would be), until the body showed the new plan or the trial ended. Visible after: per trial the slowest user's first success "
            + "showing the new plan, after the change was answered (median over trials, [min–max]); \"not seen\" where some user still saw the old plan at the end.");
        report.Line();
        report.Line("| arm | expected (catalogue) | trials | visible after (ms) | in lifetimes | last stale answer (ms) | not seen in (trials) | probes (errors) |");
        report.Line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var label in ArmCatalogue.OrderLabels(trials.Select(t => t.Label).Distinct()))
        {
            var ofArm = trials.Where(t => t.Label == label).ToList();
            var arm = ArmCatalogue.Find(ofArm[0].Arm);
            var s = ofArm.Select(t => t.Window!.Staleness!).ToList();
            var unseen = s.Count(x => x.VisibleAfterMs is null);
            var visibleUnits = Units(s.Select(x => x.VisibleAfterLifetimes), ofArm[0].Window!);
            report.Findings.Add(new Finding(FindingKind.StalenessWindow, label, "",
                unseen == s.Count
                    ? $"not seen in {Count(unseen)} of {Count(s.Count)} trials (old plan still served {Spread(s.Select(x => x.LastStaleMs))} ms after the change)"
                    : $"new plan visible after {Spread(s.Select(x => x.VisibleAfterMs))} ms" + (visibleUnits == "–" ? "" : $" ({visibleUnits})")
                      + (unseen > 0 ? $"; not seen in {Count(unseen)} of {Count(s.Count)} trials" : ""),
                "ms", Findings.SourceOf(run), Findings.Anchor(new WindowsSection().Heading), $"{Describe(run)}; median over trials [min–max], no bootstrap interval")
            { Value = unseen == s.Count ? double.PositiveInfinity : Statistics.Median(s.Where(x => x.VisibleAfterMs is not null).Select(x => x.VisibleAfterMs!.Value).ToList()) });
            report.Line($"| `{label}` | {ReportContext.Cell(Expected(arm))} | {Count(ofArm.Count)} | {(unseen == s.Count ? "not seen" : Spread(s.Select(x => x.VisibleAfterMs)))} "
                + $"| {Units(s.Select(x => x.VisibleAfterLifetimes), ofArm[0].Window!)} | {Spread(s.Select(x => x.LastStaleMs))} | {Count(unseen)} "
                + $"| {Count(s.Sum(x => x.Probes))} ({Count(s.Sum(x => x.ProbeErrors))}) |");
        }
        report.Line();
    }

    /// <summary>"3 s into each trial at 1,000 req/s, 100 users, token lifetime 20 s": read from the run's settings.</summary>
    private static string Describe(LoadRun run)
    {
        var settings = run.Results.Settings;
        var start = run.Results.Trials.Select(t => t.Window?.StartS).FirstOrDefault(s => s is not null) ?? double.NaN;
        var rates = string.Join(", ", settings.Rates.Select(r => LoadRun.Format(r, 0)));
        var lifetime = settings.TokenLifetimeS is { } l ? $", API token lifetime {LoadRun.Format(l, 0)} s" : "";
        return $"`{settings.Window}`: {LoadRun.Format(start, 1)} s into each trial of {LoadRun.Format(settings.DurationS, 0)} s at {rates} req/s, "
            + $"{LoadRun.Format(settings.Users, 0)} users in the pool{lifetime}";
    }

    /// <summary>What the catalogue says a method does (the arm's <see cref="LogoutEffect"/> or <see cref="RevokeEffect"/>).</summary>
    private static string Expected(ArmDescriptor? arm, string method)
    {
        if (arm is null)
        {
            return "not in the catalogue";
        }
        var effect = method == "logout"
            ? arm.Logout switch
            {
                LogoutEffect.Nothing => "nothing server-side: accepted until the credential expires",
                LogoutEffect.EndsThisCredential => "this credential rejected from the next request",
                LogoutEffect.RevokesUserCredentials => "every credential of the user rejected from the next request",
                LogoutEffect.EndsRefreshFamily => "the refresh family ends; the access token is accepted until it expires",
            }
            : arm.Revoke switch
            {
                RevokeEffect.NothingToRevoke => "no credential",
                RevokeEffect.NotRevocableBeforeExpiry => "not revocable: accepted until the credential expires",
                RevokeEffect.DeletesUserCredentials => "the user's server-side credentials deleted: rejected from the next request",
                RevokeEffect.RevokesUserCredentials => "the user's credentials rejected from the next request",
                RevokeEffect.EndsRefreshFamilies => "the refresh families end; access tokens are accepted until they expire",
            };
        return arm.NearCache is not null ? effect + " (each instance's near cache learns it over pub/sub)" : effect;
    }

    private static string Expected(ArmDescriptor? arm) => arm is null ? "not in the catalogue" : arm.PlanChange switch
    {
        PlanChangeEffect.KeptUntilExpiry => "the old plan until the credential is renewed or expires",
        PlanChangeEffect.SeenOnNextRequest => arm.NearCache is not null ? "the new plan on the next request (the near cache learns it over pub/sub)" : "the new plan on the next request",
    };

    private static string Spread(IEnumerable<double?> values)
    {
        var list = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (list.Count == 0)
        {
            return "–";
        }
        var median = Ms(Statistics.Median(list));
        return list.Count == 1 ? median : $"{median} [{Ms(list.Min())}–{Ms(list.Max())}]";
    }

    private static string Units(IEnumerable<double?> values, WindowResult window)
    {
        var list = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return list.Count == 0 || window.LifetimeS is not { } lifetime
            ? "–"
            : $"{LoadRun.Format(Statistics.Median(list), 2)} × {window.LifetimeKind} ({LoadRun.Format(lifetime, 0)} s)";
    }

    private static string Ms(double ms) => LoadRun.Format(ms, 1);

    private static string Count(long n) => LoadRun.Format(n, 0);
}
