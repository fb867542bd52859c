using System.Text;
using AuthBench.Contracts.Arms;
using AuthBench.LoadTest.Clients;
using Microsoft.Extensions.Time.Testing;

namespace AuthBench.LoadTest.Tests;

/// <summary>
/// The refresh-token client (the hybrid arm's lifecycle) against a fake API on a fake clock: it refreshes before the
/// access token expires, at the cadence of the access lifetime, rotates the refresh cookie, swaps the user's request,
/// and counts refreshes apart from API requests; a 401 logs the user in again, a 503 keeps the token and retries.
/// </summary>
public sealed class RefreshCredentialSourceTests
{
    private const int Users = 4;
    private const int AccessSeconds = 100;
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ArmDescriptor Arm = ArmCatalogue.All.First(a => a.Lifecycle is CredentialLifecycle.RefreshedThroughStore);

    private static LoginAnswer Tokens(string access, string refresh) => new(200,
        $"{ArmCatalogue.RefreshCookieName}={refresh}; max-age=2592000; path=/auth; secure; samesite=strict; httponly",
        $$"""{"access_token":"{{access}}","token_type":"Bearer","expires_in":{{AccessSeconds}},"refresh_expires_in":2592000}""");

    private static LoginAnswer Login(int n) => Tokens($"login-{n}", $"rt-login-{n}");

    /// <summary>Rotates: the n-th refresh answers with access token refresh-n and refresh token rt-refresh-n, and remembers what it was sent.</summary>
    private static Func<int, string?, LoginAnswer> Rotating(List<string?> seen) => (n, cookie) =>
    {
        lock (seen)
        {
            seen.Add(cookie);
        }
        return Tokens($"refresh-{n}", $"rt-refresh-{n}");
    };

    private static string Request(CredentialPool pool, long index) => Encoding.ASCII.GetString(pool.RequestFor(index).Span);

    private static Task<CredentialPool> PoolAsync(ICredentialSource source, FakeLoginServer server, TimeProvider time) =>
        CredentialPool.LoginAllAsync(source, Arm.Label(ArmCatalogue.Algorithms[0]), server.BaseUri, "/api/me", Users, "pw",
            parallelism: 2, time, log: null, CancellationToken.None);

    /// <summary>Moves the fake clock in 250 ms steps (the pool's loop wakes at least once a second) until <paramref name="done"/> or <paramref name="until"/>.</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, DateTimeOffset until)
    {
        var wall = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!done() && time.GetUtcNow() < until && DateTime.UtcNow < wall)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Login_reads_the_access_token_and_the_refresh_cookie_and_spreads_the_first_refresh_over_the_renewal_interval()
    {
        var time = new FakeTimeProvider(Start);
        using var server = new FakeLoginServer((n, _) => Login(n));
        var source = new RefreshTokenCredentialSource(Arm, time);
        using var client = new HttpClient { BaseAddress = server.BaseUri };

        var renewals = new List<DateTimeOffset>();
        for (var i = 1; i <= 50; i++)
        {
            var credential = await source.LoginAsync(client, new UserLogin($"user{i}", "pw"), CancellationToken.None);
            Assert.Equal($"Authorization: Bearer login-{i}", credential.HeaderLine);
            Assert.Equal($"rt-login-{i}", credential.RefreshToken);
            Assert.Equal(Start + TimeSpan.FromSeconds(AccessSeconds), credential.ExpiresAt);
            Assert.InRange(credential.RenewAt!.Value, Start + TimeSpan.FromMilliseconds(1), Start + TimeSpan.FromSeconds(AccessSeconds * Credential.RenewAfterFraction));
            renewals.Add(credential.RenewAt.Value);
        }
        // Spread, not all at one instant; and the same user always gets the same phase.
        Assert.Equal(50, renewals.Distinct().Count());
        Assert.Equal(RefreshTokenCredentialSource.Phase("user7"), RefreshTokenCredentialSource.Phase("user7"));
        Assert.Equal(0L, source.Refreshes.Snapshot().Requests);
    }

    [Fact]
    public async Task Users_refresh_before_expiry_at_the_cadence_of_the_access_lifetime_with_the_rotated_cookie()
    {
        var time = new FakeTimeProvider(Start);
        var seen = new List<string?>();
        using var server = new FakeLoginServer((n, _) => Login(n), Rotating(seen));
        var source = new RefreshTokenCredentialSource(Arm, time);
        await using var pool = await PoolAsync(source, server, time);
        var before = Enumerable.Range(0, Users).Select(i => Request(pool, i)).ToList();

        // Every user's first refresh falls before 80 % of the first access token's life.
        await AdvanceUntilAsync(time, () => server.Refreshes >= Users, Start + TimeSpan.FromSeconds(AccessSeconds * 0.8 + 1));
        Assert.Equal(Users, server.Refreshes);
        Assert.True(time.GetUtcNow() < Start + TimeSpan.FromSeconds(AccessSeconds));
        var after = Enumerable.Range(0, Users).Select(i => Request(pool, i)).ToList();
        Assert.All(after, r => Assert.Contains("Authorization: Bearer refresh-", r, StringComparison.Ordinal));
        Assert.All(after, r => Assert.DoesNotContain(r, before));
        lock (seen)
        {
            Assert.All(seen, c => Assert.StartsWith($"{ArmCatalogue.RefreshCookieName}=rt-login-", c, StringComparison.Ordinal));
        }

        // Then once per 80 s (80 % of 100 s) each, with the refresh token the previous refresh handed out.
        var second = time.GetUtcNow();
        await AdvanceUntilAsync(time, () => server.Refreshes >= 2 * Users, second + TimeSpan.FromSeconds(AccessSeconds * 0.8 + 1));
        Assert.Equal(2 * Users, server.Refreshes);
        lock (seen)
        {
            Assert.All(seen.Skip(Users), c => Assert.StartsWith($"{ArmCatalogue.RefreshCookieName}=rt-refresh-", c, StringComparison.Ordinal));
        }
        Assert.Equal(Users, server.Logins);

        var stats = source.Refreshes.Snapshot();
        Assert.Equal(2L * Users, stats.Requests);
        Assert.Equal(2L * Users, stats.Succeeded);
        Assert.Equal(0L, stats.Failures);
        Assert.NotNull(stats.P99Micros);
    }

    [Fact]
    public async Task A_rejected_refresh_logs_the_user_in_again_and_is_counted_as_a_failure()
    {
        var time = new FakeTimeProvider(Start);
        using var server = new FakeLoginServer((n, _) => Login(n), (_, _) => new LoginAnswer(401, null, """{"error":"invalid_grant"}"""));
        var source = new RefreshTokenCredentialSource(Arm, time);
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        var user = new UserLogin("user1", "pw");
        var credential = await source.LoginAsync(client, user, CancellationToken.None);

        var renewed = await source.RenewAsync(client, user, credential, CancellationToken.None);

        Assert.Equal("Authorization: Bearer login-2", renewed.HeaderLine);
        Assert.Equal("rt-login-2", renewed.RefreshToken);
        var stats = source.Refreshes.Snapshot();
        Assert.Equal((1L, 1L, 1L), (stats.Requests, stats.Rejected, stats.Relogins));
    }

    [Fact]
    public async Task A_refresh_the_store_cannot_serve_keeps_the_access_token_and_retries_shortly()
    {
        var time = new FakeTimeProvider(Start);
        using var server = new FakeLoginServer((n, _) => Login(n), (_, _) => new LoginAnswer(503, null, """{"error":"store_unavailable"}"""));
        var source = new RefreshTokenCredentialSource(Arm, time);
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        var user = new UserLogin("user1", "pw");
        var credential = await source.LoginAsync(client, user, CancellationToken.None);

        var kept = await source.RenewAsync(client, user, credential, CancellationToken.None);

        Assert.Equal(credential.HeaderLine, kept.HeaderLine);
        Assert.Equal(credential.RefreshToken, kept.RefreshToken);
        Assert.Equal(Start + RefreshTokenCredentialSource.RetryAfter, kept.RenewAt);
        Assert.Equal(1, server.Logins);
        var stats = source.Refreshes.Snapshot();
        Assert.Equal((1L, 1L, 0L), (stats.Requests, stats.Unavailable, stats.Relogins));
    }

    [Fact]
    public async Task A_refresh_without_an_answer_is_an_error_and_keeps_the_access_token()
    {
        var time = new FakeTimeProvider(Start);
        using var server = new FakeLoginServer((n, _) => Login(n), (_, _) => new LoginAnswer(200, null, "{}"));
        var source = new RefreshTokenCredentialSource(Arm, time);
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        var user = new UserLogin("user1", "pw");
        var credential = await source.LoginAsync(client, user, CancellationToken.None);

        // A 200 without tokens is not a refresh.
        var kept = await source.RenewAsync(client, user, credential, CancellationToken.None);

        Assert.Equal(credential.HeaderLine, kept.HeaderLine);
        Assert.Equal(1L, source.Refreshes.Snapshot().Errors);
    }

    [Fact]
    public void Refresh_stats_count_outcomes_apart_and_reset_per_trial()
    {
        var stats = new RefreshStats();
        stats.Succeeded(TimeSpan.FromMilliseconds(1));
        stats.Succeeded(TimeSpan.FromMilliseconds(3));
        stats.Rejected(TimeSpan.FromMilliseconds(2));
        stats.Relogin();
        stats.Unavailable(TimeSpan.FromMilliseconds(500));
        stats.Error();

        var trial = stats.SnapshotAndReset();

        Assert.Equal((5L, 2L, 1L, 1L, 1L, 1L, 3L), (trial.Requests, trial.Succeeded, trial.Rejected, trial.Unavailable, trial.Errors, trial.Relogins, trial.Failures));
        Assert.InRange(trial.MaxMicros!.Value, 499_000, 501_000);
        Assert.InRange(trial.P50Micros!.Value, 1_990, 2_010);
        var next = stats.Snapshot();
        Assert.Equal(0L, next.Requests);
        Assert.Null(next.P99Micros);
    }
}
