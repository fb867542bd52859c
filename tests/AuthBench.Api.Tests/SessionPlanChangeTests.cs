using AuthBench.Core;
using StackExchange.Redis;

namespace AuthBench.Api.Tests;

/// <summary>
/// The session arm's half of the staleness promise at the store level: a plan change rewrites the claim in every
/// live session of the user and nothing else (the arm contract checks the same through <c>/api/me</c>).
/// </summary>
public sealed class SessionPlanChangeTests(StoreFixture redis) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private ConnectionMultiplexer _mux = null!;

    public async Task InitializeAsync() => _mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _mux.DisposeAsync();

    private IDatabase Db => _mux.GetDatabase();

    private static Dictionary<string, object> Claims(string sub, ClaimProfile profile = ClaimProfile.Typical) =>
        ClaimProfiles.ForUser(new UserDirectory().Find(sub)!, profile);

    private static string? PlanOf(SessionData? session) => session?.Claims.FirstOrDefault(c => c.Type == ClaimProfiles.Plan)?.Value;

    [Fact]
    public async Task Every_live_session_of_the_user_gets_the_new_plan_and_keeps_its_ttl()
    {
        var store = new RedisSessionStore(_mux);
        var first = await store.CreateAsync(Claims("user61"));
        var second = await store.CreateAsync(Claims("user61"));
        var other = await store.CreateAsync(Claims("user62"));
        var otherPlan = PlanOf(await store.GetAsync(other));
        await Db.KeyExpireAsync(RedisSessionStore.KeyPrefix + second, TimeSpan.FromMinutes(7));

        var rewritten = await store.SetClaimInUserSessionsAsync("user61", ClaimProfiles.Plan, "gold");

        Assert.Equal(2, rewritten);
        var ttl = await Db.KeyTimeToLiveAsync(RedisSessionStore.KeyPrefix + second);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(7));
        Assert.Equal("gold", PlanOf(await store.GetAsync(first)));
        Assert.Equal("gold", PlanOf(await store.GetAsync(second)));
        Assert.Equal(otherPlan, PlanOf(await store.GetAsync(other)));
        // Everything else in the session is as it was.
        var session = (await store.GetAsync(first))!;
        Assert.Equal(Claims("user61").Count, session.Claims.Count);
    }

    [Fact]
    public async Task A_session_deleted_before_the_change_is_not_recreated_and_leaves_the_index()
    {
        var store = new RedisSessionStore(_mux);
        var kept = await store.CreateAsync(Claims("user63"));
        var gone = await store.CreateAsync(Claims("user63"));
        await store.DeleteAsync(gone);

        Assert.Equal(1, await store.SetClaimInUserSessionsAsync("user63", ClaimProfiles.Plan, "gold"));

        Assert.False(await Db.KeyExistsAsync(RedisSessionStore.KeyPrefix + gone));
        Assert.Equal([kept], (await Db.SetMembersAsync(RedisSessionStore.UserIndexPrefix + "user63")).Select(v => v.ToString()));
    }

    [Fact]
    public async Task A_session_without_the_claim_is_left_alone()
    {
        var store = new RedisSessionStore(_mux);
        var id = await store.CreateAsync(Claims("user64", ClaimProfile.Small));
        var before = await Db.StringGetAsync(RedisSessionStore.KeyPrefix + id);

        Assert.Equal(0, await store.SetClaimInUserSessionsAsync("user64", ClaimProfiles.Plan, "gold"));
        Assert.Equal(0, await store.SetClaimInUserSessionsAsync("user65", ClaimProfiles.Plan, "gold"));

        Assert.Equal(before, await Db.StringGetAsync(RedisSessionStore.KeyPrefix + id));
    }
}
