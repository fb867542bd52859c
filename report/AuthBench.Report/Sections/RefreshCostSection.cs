using System.Globalization;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report.Sections;

/// <summary>One refresh's price from a refresh-only run: per label, where it was measured, its figures over the repetitions that count.</summary>
/// <param name="Cpu">Server CPU per refresh (µs): median over repetitions with its bootstrap interval (<see cref="Bootstrap.OfMedian"/>).</param>
/// <param name="Commands">The store's commands per refresh by name (median over the repetitions that count), as its commandstats count them.</param>
public sealed record RefreshPrice(string Label, string Where, Difference Cpu, Spread StoreCommands, Spread StoreBytes, Spread WireBytes, Spread P99, int Overloaded,
    int Trials, long Failures, long UsersWithoutToken, IReadOnlyDictionary<string, double> Commands);

/// <summary>
/// The hybrid arm's refresh cost: the price of one <c>POST /auth/refresh</c> from the newest refresh-only runs (fixed
/// rates and closed loop, measured like API requests), and that price amortised over API requests for a range of access
/// lifetimes and request rates per user: amortised = per-refresh cost × refreshes per API request, computed here from
/// the measured figures, with the interval scaled alike.
/// </summary>
public sealed class RefreshCostSection : IReportSection
{
    /// <summary>The access lifetimes the amortised table spans.</summary>
    public static readonly IReadOnlyList<TimeSpan> AccessLifetimes = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)];

    /// <summary>API requests per active user and second (the report's --requests-per-user): one per 10 s, and one per second.</summary>
    public static readonly IReadOnlyList<double> DefaultRequestsPerUser = [0.1, 1];

    private const string ClosedLoop = "closed loop";

    public string Heading => "## Hybrid: refresh cost";

    /// <summary>Parses --requests-per-user: positive rates, comma-separated.</summary>
    public static IReadOnlyList<double> ParseRequestsPerUser(string text)
    {
        var rates = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !(rate > 0) || double.IsInfinity(rate))
            {
                throw new ArgumentException($"--requests-per-user: '{part}' is not a positive rate (API requests per user and second, e.g. {Example})");
            }
            rates.Add(rate);
        }
        return rates.Count > 0 ? [.. rates.Distinct().Order()] : throw new ArgumentException($"--requests-per-user needs at least one rate, e.g. {Example}");
    }

    private static string Example => string.Join(",", DefaultRequestsPerUser.Select(r => r.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Refreshes per API request of a user who sends <paramref name="requestsPerSecond"/> and refreshes every <see cref="CredentialRenewal.AfterFraction"/> of the access lifetime.</summary>
    public static double RefreshesPerApiRequest(TimeSpan accessLifetime, double requestsPerSecond) =>
        1 / (requestsPerSecond * CredentialRenewal.AfterFraction * accessLifetime.TotalSeconds);

    /// <summary>The arms with a refresh endpoint, from the catalogue.</summary>
    private static IEnumerable<ArmDescriptor> RefreshingArms => ArmCatalogue.Runs.Where(a => a.Lifecycle is CredentialLifecycle.RefreshedThroughStore);

    public void Write(ReportContext report)
    {
        var fixedRate = report.Inputs.Refresh;
        var closedLoop = report.Inputs.RefreshSaturation;
        var arms = string.Join(",", RefreshingArms.Select(a => a.RunName).Distinct());
        if (fixedRate is null && closedLoop is null)
        {
            report.Line($"_No refresh-only run found (a complete run of mode `{RunResults.RefreshMode}` under load/): "
                + $"`dotnet run -c Release --project loadtest/AuthBench.LoadTest -- --arms {arms} --alg {string.Join(",", ArmCatalogue.Algorithms)} --refresh-only --rates <rates> --spin-limit {LoadRun.SpinFreeSpinLimit}` "
                + "measures one, and the same with `--find-max` its closed-loop price._");
            report.Line();
            return;
        }
        report.Line("How a refresh is priced: a refresh-only run of the load tool sends `POST /auth/refresh` itself, each request with one user's current "
            + "refresh token and the rotated token of its answer swapped in, at most one refresh in flight per user (a token presented twice is reuse, and the "
            + "server ends its family). Server CPU, store commands and bytes come from the same probes as an API request's, per refresh, over repetitions: "
            + "the figure is the median with its bootstrap interval over the repetitions that count (overloaded ones are left out and counted). "
            + "Failed refreshes and users whose token was lost (rejected, or no answer) are counted per row; a row with any is not a clean price.");
        report.Line();
        var prices = new List<RefreshPrice>();
        foreach (var run in new[] { fixedRate, closedLoop }.OfType<LoadRun>())
        {
            report.Line($"- {(run.Results.Settings.FindMax ? "Closed loop" : "Fixed rates")}: {report.RunLink(run)}, APIs {RunSelection.SpinName(run)} "
                + $"(command: `{ReportContext.Cell(run.Results.Environment.CommandLine ?? "")}`).");
            prices.AddRange(Prices(run));
        }
        report.Line();
        report.Line("Store commands are counted as the store's commandstats count them: a Lua script's own commands are counted beside the script call "
            + "that ran them in one round trip (the per-command column shows which).");
        report.Line();
        report.Line("| arm | measured at | server CPU per refresh (µs) | store commands per refresh | by command | store bytes per refresh | wire bytes per refresh (sent + received) | p99 service time (µs) | failed / users lost | overloaded |");
        report.Line("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var p in prices)
        {
            var commands = string.Join(", ", p.Commands.Select(c => $"`{c.Key}` {LoadRun.Format(c.Value, 2)}"));
            report.Line($"| `{p.Label}` | {p.Where} | {Show(p.Cpu)} | {p.StoreCommands.Show(2)} | {(commands.Length > 0 ? commands : "–")} | {p.StoreBytes.Show(0)} | {p.WireBytes.Show(0)} | {p.P99.Show(0)} "
                + $"| {p.Failures.ToString(CultureInfo.InvariantCulture)} / {p.UsersWithoutToken.ToString(CultureInfo.InvariantCulture)} | {p.Overloaded.ToString(CultureInfo.InvariantCulture)} of {p.Trials.ToString(CultureInfo.InvariantCulture)} |");
        }
        report.Line();

        var chosen = prices.GroupBy(p => p.Label).Select(Chosen).OfType<RefreshPrice>().ToList();
        if (chosen.Count == 0)
        {
            report.Line("_Every refresh-only trial was overloaded: no price to amortise._");
            report.Line();
            return;
        }
        var perUser = report.Inputs.RequestsPerUser ?? DefaultRequestsPerUser;
        report.Line("### Amortised over API requests");
        report.Line();
        report.Line($"Assumptions, stated: an active user sends r API requests per second and refreshes once per {Fraction(CredentialRenewal.AfterFraction)} of the access "
            + $"lifetime (as the load tool's client does: early enough that a slow refresh still beats the expiry; a client that refreshes only on expiry "
            + $"refreshes {Fraction(1 / CredentialRenewal.AfterFraction)}× less often); an idle user sends nothing and refreshes nothing. Refreshes per API request "
            + $"are then the reciprocal of r × {Fraction(CredentialRenewal.AfterFraction)} × lifetime, and the amortised cost per API request is the per-refresh cost times that, "
            + "its interval scaled alike. The per-refresh price is the closed-loop one where a closed-loop refresh-only run exists (no idle work in it, like "
            + "the saturation figures elsewhere in this report), else the highest fixed rate with a repetition that counts (the least idle work per request); "
            + "a fixed-rate figure still includes the API's idle work at that rate, so it is an upper bound. r: "
            + string.Join(", ", perUser.Select(r => $"{Fraction(r)} requests/s per user")) + " (the report's `--requests-per-user`).");
        report.Line();
        var header = new List<string> { "arm", "priced at", "access lifetime" };
        foreach (var r in perUser)
        {
            header.Add($"refreshes per API request at r = {Fraction(r)}/s");
            header.Add($"server CPU per API request at r = {Fraction(r)}/s (µs)");
            header.Add($"store commands per API request at r = {Fraction(r)}/s");
        }
        report.Line("| " + string.Join(" | ", header) + " |");
        report.Line("| --- | --- |" + string.Concat(Enumerable.Repeat(" ---: |", header.Count - 2)));
        foreach (var price in chosen)
        {
            foreach (var lifetime in AccessLifetimes)
            {
                var cells = new List<string> { $"`{price.Label}`", price.Where, $"{Fraction(lifetime.TotalMinutes)} min" };
                foreach (var r in perUser)
                {
                    var k = RefreshesPerApiRequest(lifetime, r);
                    cells.Add(Fraction(k, 4));
                    cells.Add(Show(price.Cpu.Scaled(k), 2));
                    report.Findings.Add(new Finding(FindingKind.RefreshPerApiRequest, price.Label, $"{Fraction(lifetime.TotalMinutes)} min, r = {Fraction(r)}/s",
                        Show(price.Cpu.Scaled(k), 2), "µs", "", Findings.Anchor(Heading),
                        $"priced at {price.Where}{(price.Where == ClosedLoop ? "" : " (a fixed rate: idle work included, an upper bound)")}; an active user sending r API requests/s, refreshing at {Fraction(CredentialRenewal.AfterFraction)} of the access lifetime")
                    { Value = price.Cpu.Scaled(k).Estimate });
                    cells.Add(LoadRun.Format(price.StoreCommands.Median * k, 4));
                }
                report.Line("| " + string.Join(" | ", cells) + " |");
            }
        }
        report.Line();
        var scale = chosen.Where(p => report.Saturation?.Trials.Any(t => t.Label == p.Label) == true && report.Saturation.Trials.Any(t => t.Label == ReportContext.BaselineLabel))
            .Select(p => $"`{p.Label}` {report.SatDeltaCi(p.Label, t => t.ServerCpuUsPerRequest).Show()} µs").ToList();
        if (scale.Count > 0)
        {
            report.Line($"For scale: an API request of the same arm costs, over `{ReportContext.BaselineLabel}` at saturation ({report.RunLink(report.Saturation!)}), "
                + string.Join("; ", scale) + ".");
            report.Line();
        }
    }

    /// <summary>Per label and rate (or closed loop) of a refresh-only run, the price of one refresh over the repetitions that count.</summary>
    public static IReadOnlyList<RefreshPrice> Prices(LoadRun run)
    {
        var prices = new List<RefreshPrice>();
        var records = run.Results.Trials;
        foreach (var label in ArmCatalogue.OrderLabels(run.Trials.Select(t => t.Label)))
        {
            foreach (var rate in run.Trials.Where(t => t.Label == label).Select(t => t.TargetRps).Distinct().Order())
            {
                var trials = run.Trials.Where(t => t.Label == label && (t.TargetRps == rate || (double.IsNaN(rate) && double.IsNaN(t.TargetRps)))).ToList();
                var counted = trials.Where(t => !t.Overloaded).ToList();
                var raw = records.Where(t => t.Label == label && (t.TargetRps ?? double.NaN).Equals(rate)).ToList();
                var countedRaw = raw.Where(r => counted.Any(c => c.Repetition == r.Repetition)).ToList();
                var commands = countedRaw.SelectMany(r => r.Store?.Commands.Keys ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                    .ToDictionary(name => name, name => Spread.Of(countedRaw.Where(r => r.Store is not null).Select(r => r.Store!.Commands.GetValueOrDefault(name))).Median,
                        StringComparer.Ordinal);
                prices.Add(new RefreshPrice(
                    label,
                    double.IsNaN(rate) ? ClosedLoop : $"{ReportContext.Rate(rate)} refreshes/s",
                    Bootstrap.OfMedian(counted.Select(t => t.ServerCpuUsPerRequest)),
                    Spread.Of(counted.Where(t => t.Store is not null).Select(t => t.Store!.CommandsPerRequest)),
                    Spread.Of(counted.Where(t => t.Store is not null).Select(t => t.Store!.BytesPerRequest)),
                    Spread.Of(counted.Select(t => t.BytesSent + t.BytesReceived)),
                    Spread.Of(counted.Select(t => t.ServiceTime.P99)),
                    trials.Count - counted.Count,
                    trials.Count,
                    trials.Sum(t => t.Failures),
                    raw.Sum(t => t.Refreshes?.UsersWithoutToken ?? 0),
                    commands));
            }
        }
        return prices;
    }

    /// <summary>The price a label is amortised with: closed loop where measured, else the highest fixed rate with a repetition that counts.</summary>
    private static RefreshPrice? Chosen(IEnumerable<RefreshPrice> prices)
    {
        var measured = prices.Where(p => p.Cpu.NArm > 0).ToList();
        return measured.FirstOrDefault(p => p.Where == ClosedLoop) ?? measured.LastOrDefault();
    }

    private static string Show(Difference d, int decimals = 1) =>
        double.IsNaN(d.Estimate) ? "–"
        : d.NArm >= 2 && !double.IsNaN(d.Low) ? $"{LoadRun.Format(d.Estimate, decimals)} [{LoadRun.Format(d.Low, decimals)}, {LoadRun.Format(d.High, decimals)}] n = {d.NArm.ToString(CultureInfo.InvariantCulture)}"
        : $"{LoadRun.Format(d.Estimate, decimals)} (no interval: n = {d.NArm.ToString(CultureInfo.InvariantCulture)})";

    private static string Fraction(double value, int decimals = 2) => Math.Round(value, decimals).ToString(CultureInfo.InvariantCulture);
}
