using System.Text;
using AuthBench.Contracts.Arms;
using AuthBench.LoadTest.Clients;
using Microsoft.Extensions.Time.Testing;

namespace AuthBench.LoadTest.Tests;

public class CredentialSourceTests
{
    private const int Users = 3;
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static LoginAnswer Token(int login, int expiresIn) =>
        new(200, null, $$"""{"access_token":"tok-{{login}}","token_type":"Bearer","expires_in":{{expiresIn}}}""");

    private static LoginAnswer Cookie(int login, string? attributes = null) =>
        new(200, $"{ArmCatalogue.SessionCookieName}=sid-{login}; path=/; secure; samesite=strict; httponly{attributes}", """{"sub":"u"}""");

    private static Task<CredentialPool> PoolAsync(ArmDescriptor arm, FakeLoginServer server, TimeProvider time) =>
        CredentialPool.LoginAllAsync(CredentialSources.For(arm, time), arm.Label(ArmCatalogue.Algorithms[0]), server.BaseUri, "/api/me", Users,
            "pw", parallelism: 2, time, log: null, CancellationToken.None);

    private static string Request(CredentialPool pool, long index) => Encoding.ASCII.GetString(pool.RequestFor(index).Span);

    [Fact]
    public void Each_transport_has_its_own_source()
    {
        foreach (var arm in ArmCatalogue.Runs)
        {
            var source = CredentialSources.For(arm, TimeProvider.System);
            Assert.Same(arm, source.Arm);
            Assert.IsType(arm.Lifecycle is CredentialLifecycle.RefreshedThroughStore ? typeof(RefreshTokenCredentialSource) : arm.Transport switch
            {
                CredentialTransport.None => typeof(NoCredentialSource),
                CredentialTransport.Cookie => typeof(CookieCredentialSource),
                CredentialTransport.BearerHeader => typeof(BearerCredentialSource),
            }, source);
        }
    }

    [Fact]
    public async Task The_baseline_logs_no_one_in_and_sends_one_request_for_everyone()
    {
        using var server = new FakeLoginServer((n, _) => Token(n, 3600));
        await using var pool = await PoolAsync(ArmCatalogue.Baseline, server, TimeProvider.System);

        Assert.Equal(0, server.Logins);
        Assert.Equal(0, pool.MeanCredentialHeaderBytes);
        Assert.Empty(pool.Headers);
        Assert.Equal($"GET /api/me HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\n\r\n", Request(pool, 7));
    }

    [Fact]
    public async Task A_bearer_login_carries_the_access_token_and_expires_after_expires_in()
    {
        var time = new FakeTimeProvider(Start);
        using var server = new FakeLoginServer((n, _) => Token(n, 600));
        var source = CredentialSources.For(ArmCatalogue.Jwt, time);
        using var client = new HttpClient { BaseAddress = server.BaseUri };

        var credential = await source.LoginAsync(client, new UserLogin("user1", "pw"), CancellationToken.None);

        Assert.Equal("Authorization: Bearer tok-1", credential.HeaderLine);
        Assert.Equal(Start + TimeSpan.FromSeconds(600), credential.ExpiresAt);
        Assert.Equal(Start + TimeSpan.FromSeconds(480), credential.RenewAt);
    }

    [Fact]
    public async Task A_cookie_login_carries_the_descriptors_cookie_and_its_max_age()
    {
        var time = new FakeTimeProvider(Start);
        using var server = new FakeLoginServer((n, _) => Cookie(n, "; max-age=120"));
        var source = CredentialSources.For(ArmCatalogue.Session, time);
        using var client = new HttpClient { BaseAddress = server.BaseUri };

        var credential = await source.LoginAsync(client, new UserLogin("user1", "pw"), CancellationToken.None);

        Assert.Equal($"Cookie: {ArmCatalogue.SessionCookieName}=sid-1", credential.HeaderLine);
        Assert.Equal(Start + TimeSpan.FromSeconds(120), credential.ExpiresAt);
    }

    [Fact]
    public async Task The_jwt_cookie_variant_carries_the_token_cookie_and_renews_at_its_max_age()
    {
        var time = new FakeTimeProvider(Start);
        var arm = ArmCatalogue.Jwt.InTransport(CredentialTransport.Cookie);
        using var server = new FakeLoginServer((n, _) => new LoginAnswer(200,
            $"{ArmCatalogue.TokenCookieName}=eyJ.tok-{n}.sig; max-age=900; path=/; secure; samesite=strict; httponly", """{"sub":"user1","expires_in":900}"""));
        var source = CredentialSources.For(arm, time);
        using var client = new HttpClient { BaseAddress = server.BaseUri };

        var credential = await source.LoginAsync(client, new UserLogin("user1", "pw"), CancellationToken.None);

        Assert.IsType<CookieCredentialSource>(source);
        Assert.Equal($"Cookie: {ArmCatalogue.TokenCookieName}=eyJ.tok-1.sig", credential.HeaderLine);
        Assert.Equal(Start + TimeSpan.FromSeconds(900), credential.ExpiresAt);
        Assert.Equal(Start + TimeSpan.FromSeconds(720), credential.RenewAt);
    }

    [Fact]
    public async Task Every_user_carries_its_own_credential_round_robin()
    {
        using var server = new FakeLoginServer((n, user) => Token(n, 3600));
        await using var pool = await PoolAsync(ArmCatalogue.Jwt, server, TimeProvider.System);

        Assert.Equal(Users, server.Logins);
        var tokens = Enumerable.Range(0, Users).Select(i => Request(pool, i)).ToHashSet();
        Assert.Equal(Users, tokens.Count);
        Assert.Equal(Request(pool, 1), Request(pool, 1 + Users));
        Assert.Equal("Authorization: Bearer tok-1".Length + 2.0, pool.MeanCredentialHeaderBytes);
    }

    [Fact]
    public async Task Credentials_are_renewed_and_their_requests_swapped_before_they_expire()
    {
        var time = new FakeTimeProvider(Start);
        using var server = new FakeLoginServer((n, _) => Token(n, 100));
        await using var pool = await PoolAsync(ArmCatalogue.Jwt, server, time);
        var before = Enumerable.Range(0, Users).Select(i => Request(pool, i)).ToList();

        time.Advance(TimeSpan.FromSeconds(79));
        Assert.Equal(0, await pool.RenewDueAsync(CancellationToken.None));

        // Past 80 s of a 100 s token the background renewal logs every user in again while the old tokens still hold.
        // The clock moves in small steps, as a real one would, so the loop's wake-ups (at most a second apart) see it.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (server.Logins < 2 * Users && DateTime.UtcNow < until && time.GetUtcNow() < Start + TimeSpan.FromSeconds(99))
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(20);
        }
        var renewedBy = time.GetUtcNow();

        Assert.Equal(2 * Users, server.Logins);
        Assert.Equal(Users, pool.Renewals);
        var after = Enumerable.Range(0, Users).Select(i => Request(pool, i)).ToList();
        Assert.All(after, r => Assert.DoesNotContain(r, before));
        Assert.All(after, r => Assert.Contains("Authorization: Bearer tok-", r, StringComparison.Ordinal));
        // The new tokens are renewed at 80 % of their own lifetime, counted from when they were obtained.
        Assert.InRange(pool.NextRenewal!.Value, Start + TimeSpan.FromSeconds(80 + 80), renewedBy + TimeSpan.FromSeconds(80));
    }

    [Fact]
    public async Task Credentials_that_outlive_the_run_are_never_renewed()
    {
        var time = new FakeTimeProvider(Start);
        using var server = new FakeLoginServer((n, _) => Cookie(n));
        await using var pool = await PoolAsync(ArmCatalogue.Session, server, time);

        time.Advance(TimeSpan.FromDays(2));

        Assert.Null(pool.NextRenewal);
        Assert.Equal(0, await pool.RenewDueAsync(CancellationToken.None));
        Assert.Equal(Users, server.Logins);
    }

    [Fact]
    public async Task Credentials_held_by_the_store_are_obtained_again_after_an_outage()
    {
        using var server = new FakeLoginServer((n, _) => Cookie(n));
        await using var pool = await PoolAsync(ArmCatalogue.Session, server, TimeProvider.System);
        var before = Request(pool, 0);

        Assert.True(await pool.AfterStoreOutageAsync(CancellationToken.None));

        Assert.Equal(2 * Users, server.Logins);
        Assert.NotEqual(before, Request(pool, 0));
        Assert.Contains($"Cookie: {ArmCatalogue.SessionCookieName}=sid-", Request(pool, 0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Self_contained_credentials_survive_an_outage()
    {
        using var server = new FakeLoginServer((n, _) => Token(n, 3600));
        await using var pool = await PoolAsync(ArmCatalogue.JwtDenylist, server, TimeProvider.System);
        var before = Request(pool, 0);

        Assert.False(await pool.AfterStoreOutageAsync(CancellationToken.None));

        Assert.Equal(Users, server.Logins);
        Assert.Equal(before, Request(pool, 0));
    }

    [Fact]
    public async Task A_failed_login_names_the_user_and_the_status()
    {
        using var server = new FakeLoginServer((_, _) => new LoginAnswer(401, null, "{}"));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => PoolAsync(ArmCatalogue.Jwt, server, TimeProvider.System));

        Assert.Contains("401", e.Message, StringComparison.Ordinal);
        Assert.Contains("login of user", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_store_held_lifecycles_lose_their_credentials_with_the_store()
    {
        Assert.False(CredentialSources.LostWithTheStore(CredentialLifecycle.None));
        Assert.False(CredentialSources.LostWithTheStore(CredentialLifecycle.LoginOnceSelfContained));
        Assert.True(CredentialSources.LostWithTheStore(CredentialLifecycle.LoginOnceHeldByStore));
        Assert.True(CredentialSources.LostWithTheStore(CredentialLifecycle.RefreshedThroughStore));
    }
}
