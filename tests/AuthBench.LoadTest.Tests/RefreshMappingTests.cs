using System.Net;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Clients;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Orchestration;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Probes;
using AuthBench.LoadTest.Results;

namespace AuthBench.LoadTest.Tests;

/// <summary>A trial's refreshes as results.json records them: failures by kind, and store commands per refresh only where they can be told apart.</summary>
public sealed class RefreshMappingTests
{
    private static readonly ArmDescriptor Hybrid = ArmCatalogue.All.First(a => a.Lifecycle is CredentialLifecycle.RefreshedThroughStore);
    private static readonly RefreshSummary Summary = new(Requests: 10, Succeeded: 7, Rejected: 1, Unavailable: 2, Errors: 0, Relogins: 1,
        P50Micros: 400, P99Micros: 900, MaxMicros: 1000, MeanMicros: 450.04);

    private static async Task<TrialOutcome> OutcomeAsync(ArmDescriptor arm, RefreshDriver? driver, double commandsPerResponse)
    {
        var pool = await CredentialPool.LoginAllAsync(new NoCredentialSource(arm, TimeProvider.System), arm.Label("HS256"), new Uri("http://127.0.0.1:1/"), "/api/me",
            1, "pw", 1, TimeProvider.System, null, CancellationToken.None);
        var engine = new LoadEngine(new EngineOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 1), RequestFor = pool.RequestFor });
        var recorder = new Recorder(0, 1_000_000);
        for (var i = 0; i < 100; i++)
        {
            recorder.Record(i, i, i + 10, 200, null);
        }
        var measurement = new TrialMeasurement { Recorder = recorder, Elapsed = TimeSpan.FromSeconds(1), Started = 100 };
        return new TrialOutcome(new ArmRuntime(new ArmSpec(arm, "HS256", "typical"), null, new Uri("http://127.0.0.1:1/"), pool, engine, driver),
            new PlannedTrial(0, 100, 1, TimeSpan.FromSeconds(1), "100", true, null, 1), measurement, DateTimeOffset.UnixEpoch, null, null, null, TimeSpan.Zero, null,
            new StoreCost(commandsPerResponse, 1, 1, 100, new Dictionary<string, double>()), null, null, Summary);
    }

    [Fact]
    public async Task Background_refreshes_carry_failures_by_kind_and_the_stores_commands_per_refresh_where_api_requests_use_no_store()
    {
        var outcome = await OutcomeAsync(Hybrid, null, commandsPerResponse: 0.3);

        var r = TrialMapping.ToResult(outcome, "/api/me").Refreshes!;

        Assert.Equal(RefreshResult.Background, r.Source);
        Assert.Equal(10, r.Requests);
        Assert.Equal(["rejected_401", "unavailable_503"], r.Failures.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, r.Failures["rejected_401"]);
        Assert.Equal(2, r.Failures["unavailable_503"]);
        Assert.Equal(1, r.Relogins);
        Assert.Equal(450.0, r.MeanUs);
        // 0.3 commands per API response × 100 responses over 10 refreshes.
        Assert.Equal(3, r.StoreCommandsPerRefresh!.Value, 6);
        Assert.Null(r.UsersWithoutToken);
    }

    [Fact]
    public async Task Beside_api_requests_that_use_the_store_the_commands_cannot_be_told_apart()
    {
        var storeArm = Hybrid with { UsesStore = true };

        var r = TrialMapping.ToResult(await OutcomeAsync(storeArm, null, 1.3), "/api/me").Refreshes!;

        Assert.Null(r.StoreCommandsPerRefresh);
    }

    [Fact]
    public async Task A_refresh_only_trial_is_driven_and_its_per_request_store_figure_is_per_refresh()
    {
        var r = TrialMapping.ToResult(await OutcomeAsync(Hybrid, new RefreshDriver(["rt"], "h"), 3.0), "/auth/refresh").Refreshes!;

        Assert.Equal(RefreshResult.Driven, r.Source);
        Assert.Equal(3, r.StoreCommandsPerRefresh);
        Assert.Equal(0, r.UsersWithoutToken);
        Assert.Equal(0, r.NoFreeUser);
    }
}
