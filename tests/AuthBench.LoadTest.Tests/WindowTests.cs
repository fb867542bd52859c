using System.Text;
using AuthBench.Contracts.Arms;
using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Clients;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Scenarios;
using Microsoft.Extensions.Time.Testing;

using static AuthBench.LoadTest.Tests.CommandLineHarness;

namespace AuthBench.LoadTest.Tests;

/// <summary>The revocation and staleness windows' bookkeeping on a fake clock (one tick is one microsecond), their option, and the pool's held users.</summary>
public class WindowTests
{
    private const long Tps = 1_000_000;
    private static long Ms(double ms) => ManualTime.Ms(ms);

    [Fact]
    public void Only_requests_sent_after_the_revocation_was_answered_count()
    {
        var window = new RevocationWindow([1], [2], Tps);
        window.Observe(1, Ms(100), 200, false); // before any revocation
        window.MarkRevoked(1, Ms(1000), Ms(1003), acknowledged: true);
        window.Observe(1, Ms(1002), 200, false); // while the call was in flight
        window.Observe(1, Ms(1003), 200, false); // at the answer: not after it
        window.Observe(7, Ms(2000), 200, false); // a user nobody revoked

        var logout = window.Result(lifetimeS: null)[0];

        Assert.Equal((RevocationWindow.LogoutMethod, 1, 1, 3.0), (logout.Method, logout.Users, logout.Acknowledged, logout.LongestCallMs));
        Assert.Equal(0, logout.SentAfter);
        Assert.Null(logout.LongestAcceptedMs);
        Assert.False(window.Tracks(7));
    }

    [Fact]
    public void A_credential_accepted_until_its_expiry_shows_the_longest_delay_and_the_first_rejection_in_lifetimes()
    {
        var window = new RevocationWindow([1, 2], [3], Tps);
        window.MarkRevoked(1, Ms(3000), Ms(3001), true);
        window.MarkRevoked(2, Ms(3000), Ms(3002), true);
        window.MarkRevoked(3, Ms(3000), Ms(3004), true);
        // User 1: accepted until 15 s after its revocation (its token's expiry), then rejected. Answers arrive out of order.
        window.Observe(1, Ms(3001 + 15_000), 200, false);
        window.Observe(1, Ms(3001 + 15_050), 401, false);
        window.Observe(1, Ms(3001 + 5_000), 200, false);
        window.Observe(1, Ms(3001 + 15_100), 401, false);
        // User 2: rejected at once, one 503 on the way (neither accepted nor rejected).
        window.Observe(2, Ms(3002 + 40), 401, false);
        window.Observe(2, Ms(3002 + 90), 503, false);
        window.Observe(2, Ms(3002 + 140), 0, true);
        // User 3 (admin): never rejected, still accepted at the end.
        window.Observe(3, Ms(3004 + 10), 200, false);
        window.Observe(3, Ms(3004 + 20_000), 200, false);

        var result = window.Result(lifetimeS: 20);
        var logout = result[0];
        var admin = result[1];

        Assert.Equal((7L, 2L, 3L, 2L), (logout.SentAfter, logout.Accepted, logout.Rejected, logout.Other));
        Assert.Equal(15_000.0, logout.LongestAcceptedMs);
        Assert.Equal(15_050.0, logout.FirstRejectionMs); // the slowest user's first rejection
        Assert.Equal(0.75, logout.LongestAcceptedLifetimes);
        Assert.Equal(0.7525, logout.FirstRejectionLifetimes);
        Assert.Equal(0, logout.UsersAcceptedAtEnd);
        Assert.Equal(2.0, logout.LongestCallMs);

        Assert.Equal((RevocationWindow.AdminMethod, 2L, 2L, 0L), (admin.Method, admin.SentAfter, admin.Accepted, admin.Rejected));
        Assert.Equal(20_000.0, admin.LongestAcceptedMs);
        Assert.Null(admin.FirstRejectionMs);
        Assert.Null(admin.FirstRejectionLifetimes);
        Assert.Equal(1, admin.UsersAcceptedAtEnd);
    }

    [Fact]
    public void Without_a_lifetime_there_are_no_lifetime_units()
    {
        var window = new RevocationWindow([1], [], Tps);
        window.MarkRevoked(1, 0, Ms(1), true);
        window.Observe(1, Ms(11), 200, false);

        var logout = window.Result(lifetimeS: null)[0];

        Assert.Equal(10.0, logout.LongestAcceptedMs);
        Assert.Null(logout.LongestAcceptedLifetimes);
    }

    [Fact]
    public void Staleness_is_the_slowest_users_first_probe_showing_the_new_plan()
    {
        var window = new StalenessWindow([4, 5], TimeSpan.FromMilliseconds(10), Tps);
        Assert.False(window.Waiting(4));
        window.ObserveProbe(4, Ms(10), 200, "free"); // before the change: not counted
        window.MarkChanged(4, "gold", Ms(3000), Ms(3002), true);
        window.MarkChanged(5, "gold", Ms(3000), Ms(3001), true);
        Assert.True(window.Waiting(4));
        window.ObserveProbe(4, Ms(3012), 200, "free");
        window.ObserveProbe(4, Ms(3022), 503, null);
        window.ObserveProbe(4, Ms(3032), 200, "gold");
        window.ObserveProbe(5, Ms(3011), 200, "gold");

        var result = window.Result(lifetimeS: 20);

        Assert.False(window.Waiting(4));
        Assert.Equal((2, 2, 4L, 1L, 2), (result.Users, result.Acknowledged, result.Probes, result.ProbeErrors, result.UsersSeen));
        Assert.Equal(30.0, result.VisibleAfterMs);
        Assert.Equal(10.0, result.LastStaleMs);
        Assert.Equal(0.0015, result.VisibleAfterLifetimes);
        Assert.Equal(10.0, result.ProbeIntervalMs);
        Assert.Equal(2.0, result.LongestCallMs);
    }

    [Fact]
    public void A_plan_never_seen_has_no_window_but_says_how_long_it_was_watched()
    {
        var window = new StalenessWindow([4], TimeSpan.FromMilliseconds(10), Tps);
        window.MarkChanged(4, "gold", 0, Ms(2), true);
        window.ObserveProbe(4, Ms(12), 200, "free");
        window.ObserveProbe(4, Ms(26_002), 200, "free");

        var result = window.Result(lifetimeS: 20);

        Assert.Null(result.VisibleAfterMs);
        Assert.Null(result.VisibleAfterLifetimes);
        Assert.Equal(0, result.UsersSeen);
        Assert.Equal(26_000.0, result.LastStaleMs);
        Assert.Equal(26_000.0, result.ObservedForMs);
    }

    [Theory]
    [InlineData("revocation@3s:8", WindowKind.Revocation, 3.0, 8, 4)]
    [InlineData("revocation@500ms:3", WindowKind.Revocation, 0.5, 3, 2)]
    [InlineData("staleness@3s", WindowKind.Staleness, 3.0, 1, 0)]
    [InlineData(" Staleness@2s:4 ", WindowKind.Staleness, 2.0, 4, 0)]
    public void Window_options_are_parsed(string text, WindowKind kind, double startS, int users, int logoutUsers)
    {
        var spec = WindowSpec.Parse(text);

        Assert.Equal((kind, TimeSpan.FromSeconds(startS), users, logoutUsers), (spec.Kind, spec.Start, spec.Users, spec.LogoutUsers));
        Assert.Equal(spec, WindowSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("revocation@3s")]
    [InlineData("revocation@3s:1")]
    [InlineData("revocation@3s:x")]
    [InlineData("revocation@0s:4")]
    [InlineData("revocation@3s:4:5")]
    [InlineData("staleness@3s:0")]
    [InlineData("staleness@3s:17")]
    [InlineData("staleness")]
    [InlineData("outage@3s:2")]
    [InlineData("revocation@soon:2")]
    public void Bad_window_options_are_usage_errors(string text) =>
        Assert.Throws<UsageException>(() => WindowSpec.Parse(text));

    [Fact]
    public void Users_are_spread_over_the_pool()
    {
        Assert.Equal([0, 25, 50, 75], WindowScenario.PickUsers(100, 4));
        Assert.Equal([0, 1, 2], WindowScenario.PickUsers(3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowScenario.PickUsers(3, 4));
    }

    [Fact]
    public void The_lifetime_unit_is_the_one_the_window_has_to_get_through()
    {
        var token = TimeSpan.FromSeconds(20);
        Assert.Equal(("token", 20.0), WindowScenario.Lifetime(WindowKind.Revocation, ArmCatalogue.Jwt, token));
        Assert.Equal(("token", 20.0), WindowScenario.Lifetime(WindowKind.Revocation, ArmCatalogue.JwtDenylist, token));
        Assert.Equal(("access-token", 20.0), WindowScenario.Lifetime(WindowKind.Revocation, ArmCatalogue.Hybrid, token));
        Assert.Equal((null, null), WindowScenario.Lifetime(WindowKind.Revocation, ArmCatalogue.Session, token));
        Assert.Equal((null, null), WindowScenario.Lifetime(WindowKind.Revocation, ArmCatalogue.AspNetCookie, token));
        var cached = ArmCatalogue.SessionCached;
        Assert.Equal(("near-cache-ttl", cached.NearCache!.DefaultTtl.TotalSeconds), WindowScenario.Lifetime(WindowKind.Revocation, cached, token));
        Assert.Equal(("near-cache-ttl", cached.NearCache!.DefaultTtl.TotalSeconds), WindowScenario.Lifetime(WindowKind.Staleness, cached, token));
        // The denylist's cache decides a revocation; the plan rides in the token until it expires.
        Assert.Equal(("token", 20.0), WindowScenario.Lifetime(WindowKind.Staleness, ArmCatalogue.JwtDenylistCached, token));
    }

    [Fact]
    public async Task Held_users_keep_their_credential_until_released_and_then_log_in_again()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        using var server = new FakeLoginServer((n, _) =>
            new LoginAnswer(200, null, $$"""{"access_token":"tok-{{n}}","token_type":"Bearer","expires_in":100}"""));
        await using var pool = await CredentialPool.LoginAllAsync(CredentialSources.For(ArmCatalogue.Jwt, time), "jwt", server.BaseUri, "/api/me", 3,
            "pw", parallelism: 1, time, log: null, CancellationToken.None);
        string Request(int user) => Encoding.ASCII.GetString(pool.RequestFor(user).Span);
        var held = Request(1);
        Assert.Equal(1, pool.UserOf(4));
        Assert.Equal("user2", pool.User(1).User);

        await pool.HoldAsync([1], CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(85));
        // The background loop may renew first; either way, once this returns both unheld users are renewed and the held one is not.
        _ = await pool.RenewDueAsync(CancellationToken.None);
        Assert.Equal(5, server.Logins);
        Assert.Equal(held, Request(1));

        await pool.ReleaseAsync([1], CancellationToken.None);
        Assert.NotEqual(held, Request(1));
        Assert.Equal(6, server.Logins);
    }

    [Fact]
    public async Task A_window_run_gets_a_short_token_lifetime_and_an_admin_key()
    {
        var (code, o, _) = await RunAsync("--window", "revocation@3s:8", "--users", "100", "--rates", "1000");

        Assert.Equal(0, code);
        Assert.Equal(new WindowSpec(WindowKind.Revocation, TimeSpan.FromSeconds(3), 8), o!.Window);
        Assert.Equal(TimeSpan.FromSeconds(20), RunPlan.TokenLifetime(o));
        Assert.Matches("^[0-9A-F]{32}$", o.AdminKey);
        Assert.Equal("revocation@3s:8", Results.TrialMapping.Settings(o).Window);
        Assert.DoesNotContain(o.AdminKey!, o.CommandLine, StringComparison.Ordinal);

        var (_, explicitLifetime, _) = await RunAsync("--window", "staleness@3s", "--token-lifetime", "45s");
        Assert.Equal(TimeSpan.FromSeconds(45), RunPlan.TokenLifetime(explicitLifetime!));

        var (_, plain, _) = await RunAsync();
        Assert.Null(plain!.AdminKey);
        Assert.True(RunPlan.TokenLifetime(plain) >= TimeSpan.FromMinutes(15));
    }

    [Theory]
    [InlineData("--window", "revocation@3s")]
    [InlineData("--window", "revocation@40s:4")]
    [InlineData("--window", "revocation@3s:20000")]
    [InlineData("--token-lifetime", "0s")]
    [InlineData("--token-lifetime", "1500ms")]
    [InlineData("--token-lifetime", "never")]
    public async Task Bad_window_arguments_get_one_line_and_exit_code_2(string option, string value)
    {
        var (code, options, error) = await RunAsync(option, value, "--duration", "30s");

        Assert.Equal(2, code);
        Assert.Null(options);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--fault", "store-outage@10s:5s")]
    [InlineData("--find-max", null)]
    [InlineData("--target", "http://127.0.0.1:5080")]
    [InlineData("--users", "4")]
    public async Task A_window_refuses_what_it_cannot_run_with(string option, string? value)
    {
        string[] args = value is null ? ["--window", "revocation@3s:8", option] : ["--window", "revocation@3s:8", option, value, "--arms", "jwt"];

        var (code, _, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("--window", error, StringComparison.Ordinal);
    }
}
