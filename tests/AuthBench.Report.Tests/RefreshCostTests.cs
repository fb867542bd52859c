using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.Report.Sections;

namespace AuthBench.Report.Tests;

/// <summary>
/// The hybrid refresh cost on fixture runs: refresh-only runs are found by their mode and never taken for API-request
/// runs; one refresh's price comes from the runs; the amortised table multiplies it by refreshes per API request.
/// </summary>
public sealed class RefreshCostTests : IDisposable
{
    private static readonly ArmDescriptor Hybrid = ArmCatalogue.All.First(a => a.Lifecycle is CredentialLifecycle.RefreshedThroughStore);
    private static readonly string Hs256 = Hybrid.Label("HS256");
    private readonly string _root = Directory.CreateTempSubdirectory("authbench-refresh-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrialResult Refresh(double? rate, int rep, double cpu, long usersLost = 0) => new()
    {
        Arm = Hybrid.Name,
        Alg = "HS256",
        Claims = "typical",
        Label = Hs256,
        Endpoint = "/auth/refresh",
        TargetRps = rate,
        Repetition = rep,
        AchievedRps = rate ?? 3000,
        Requests = (long)((rate ?? 3000) * 10),
        LatencyUs = new Contracts.Results.Percentiles(400, 500, 900, 1000, 1100, 1200, 450),
        ServiceTimeUs = new Contracts.Results.Percentiles(300, 400, 800, 900, 1000, 1100, 350),
        BytesPerRequest = new BytesPerRequest(180, 620),
        ServerCpuUsPerRequest = cpu,
        Store = new StoreCostResult(3, 4, 6, 500, new Dictionary<string, double> { ["evalsha"] = 1 }),
        Refreshes = new RefreshResult(RefreshResult.Driven, (long)((rate ?? 3000) * 10), (long)((rate ?? 3000) * 10), new Dictionary<string, long>(), 0,
            300, 800, 1100, 350, 3, usersLost, 0),
    };

    private LoadRun WriteRefreshRun(string name, bool closedLoop, Func<int, double> cpu)
    {
        var trials = closedLoop
            ? new[] { 1, 2, 3 }.Select(rep => Refresh(null, rep, cpu(rep)))
            : new double[] { 100, 200 }.SelectMany(rate => new[] { 1, 2, 3 }.Select(rep => Refresh(rate, rep, cpu(rep) + (rate == 100 ? 100 : 0))));
        var run = Fixtures.Run(trials, mode: RunResults.RefreshMode, settings: Fixtures.Settings with { FindMax = closedLoop, Endpoint = "/auth/refresh", SpinLimit = "0" });
        return LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", name), run));
    }

    private string Section(LoadRun? fixedRate, LoadRun? closedLoop, IReadOnlyList<double>? perUser = null)
    {
        var report = new ReportContext(new ReportInputs(null, null, default, _root, null, Refresh: fixedRate, RefreshSaturation: closedLoop, RequestsPerUser: perUser),
            Path.Combine(_root, "charts"));
        new RefreshCostSection().Write(report);
        return report.Markdown.ToString();
    }

    [Fact]
    public void Refreshes_per_api_request_follow_the_lifetime_and_the_request_rate()
    {
        Assert.Equal(1 / (1 * CredentialRenewal.AfterFraction * 60), RefreshCostSection.RefreshesPerApiRequest(TimeSpan.FromMinutes(1), 1), 12);
        Assert.Equal(1 / (0.1 * CredentialRenewal.AfterFraction * 900), RefreshCostSection.RefreshesPerApiRequest(TimeSpan.FromMinutes(15), 0.1), 12);
    }

    [Fact]
    public void Without_a_refresh_only_run_the_section_says_how_to_measure_one()
    {
        var md = Section(null, null);

        Assert.Contains("_No refresh-only run found", md, StringComparison.Ordinal);
        Assert.Contains($"--arms {Hybrid.Name} ", md, StringComparison.Ordinal);
        Assert.Contains("--refresh-only --rates", md, StringComparison.Ordinal);
    }

    [Fact]
    public void One_refresh_is_priced_per_rate_and_amortised_with_the_highest_fixed_rate_when_there_is_no_closed_loop()
    {
        var md = Section(WriteRefreshRun("20260101T000000Z", closedLoop: false, rep => 50 + (2 * rep)), null);

        // 100/s: 152, 154, 156; 200/s: 52, 54, 56 µs per refresh; 3 store commands, 800 wire bytes per refresh.
        Assert.Contains($"| `{Hs256}` | 100 refreshes/s | 154.0 [", md, StringComparison.Ordinal);
        Assert.Contains($"| `{Hs256}` | 200 refreshes/s | 54.0 [", md, StringComparison.Ordinal);
        Assert.Contains("n = 3 | 3.00 | `evalsha` 1.00 | 500 | 800 | 800 | 0 / 0 | 0 of 3 |", md, StringComparison.Ordinal);
        // Amortised with the 200/s price: at 1 min and r = 1/s, 1/(1 × 0.8 × 60) = 0.0208 refreshes per API request, 54 µs × that.
        var k = RefreshCostSection.RefreshesPerApiRequest(TimeSpan.FromMinutes(1), 1);
        Assert.Contains($"| `{Hs256}` | 200 refreshes/s | 1 min | ", md, StringComparison.Ordinal);
        Assert.Contains($" | {Math.Round(k, 4)} | {LoadRun.Format(54 * k, 2)} [", md, StringComparison.Ordinal);
        Assert.Contains($"| {LoadRun.Format(3 * k, 4)} |", md, StringComparison.Ordinal);
        Assert.Contains("| 15 min |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_closed_loop_price_is_preferred_and_the_stated_request_rates_make_the_columns()
    {
        var md = Section(WriteRefreshRun("20260101T000000Z", closedLoop: false, rep => 50), WriteRefreshRun("20260101T000001Z-find-max", closedLoop: true, rep => 20), [0.5]);

        Assert.Contains($"| `{Hs256}` | closed loop | 20.0 [20.0, 20.0] n = 3 |", md, StringComparison.Ordinal);
        var k = RefreshCostSection.RefreshesPerApiRequest(TimeSpan.FromMinutes(5), 0.5);
        Assert.Contains($"| `{Hs256}` | closed loop | 5 min | {Math.Round(k, 4)} | {LoadRun.Format(20 * k, 2)} ", md, StringComparison.Ordinal);
        Assert.Contains("at r = 0.5/s", md, StringComparison.Ordinal);
        Assert.DoesNotContain("at r = 1/s", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Lost_users_are_counted_in_the_row()
    {
        var run = Fixtures.Run([Refresh(200, 1, 50, usersLost: 2), Refresh(200, 2, 50)], mode: RunResults.RefreshMode,
            settings: Fixtures.Settings with { Endpoint = "/auth/refresh" });
        var md = Section(LoadRun.Read(Fixtures.Write(Path.Combine(_root, "load", "20260101T000000Z"), run)), null);

        Assert.Contains("| 0 / 2 | 0 of 2 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Refresh_only_runs_are_selected_apart_and_never_taken_for_the_load_or_saturation_run()
    {
        WriteRefreshRun("20260101T000005Z", closedLoop: false, rep => 50);
        WriteRefreshRun("20260101T000006Z", closedLoop: true, rep => 20);
        var selection = RunSelection.Find(_root);
        Assert.Null(selection.Load);
        Assert.Null(selection.Saturation);
        Assert.EndsWith(Path.Combine("20260101T000005Z", "results.json"), selection.Refresh, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("20260101T000006Z", "results.json"), selection.RefreshSaturation, StringComparison.Ordinal);

        var rates = Fixtures.Run([Fixtures.Trial(ArmCatalogue.None, null, 100, 1, 30, 300, 100, null)]);
        Fixtures.Write(Path.Combine(_root, "load", "20260101T000001Z"), rates);
        Assert.EndsWith(Path.Combine("20260101T000001Z", "results.json"), RunSelection.Find(_root).Load, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1,1")]
    [InlineData("fast")]
    [InlineData(",")]
    public void Requests_per_user_must_be_positive_rates(string text) =>
        Assert.Throws<ArgumentException>(() => RefreshCostSection.ParseRequestsPerUser(text));
}
