using AuthBench.Core;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AuthBench.Api.Tests;

/// <summary>
/// RefreshTokenStore at the Core level, on a fake clock: rotation keeps the family's absolute expiry, reuse of any
/// earlier token deletes the family, the store keeps hashes only, and concurrent rotations of one token rotate it once.
/// </summary>
public sealed class RefreshTokenStoreTests(StoreFixture redis) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private ConnectionMultiplexer _mux = null!;

    // Default client timeouts, not the product's fail-fast ones: these tests are about lifetimes and races.
    public async Task InitializeAsync() => _mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _mux.DisposeAsync();

    private (RefreshTokenStore Store, FakeTimeProvider Clock) Create(TimeSpan lifetime)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        return (new RefreshTokenStore(_mux, lifetime, clock), clock);
    }

    [Fact]
    public void Tokens_are_a_128_bit_family_and_a_256_bit_secret_and_malformed_ones_are_refused()
    {
        Assert.Equal(22 + 1 + 43, RefreshTokenStore.TokenLength);
        Assert.False(RefreshTokenStore.IsWellFormed(null));
        Assert.False(RefreshTokenStore.IsWellFormed(""));
        Assert.False(RefreshTokenStore.IsWellFormed(new string('A', RefreshTokenStore.TokenLength)));
        Assert.False(RefreshTokenStore.IsWellFormed(new string('A', 22) + "." + new string('A', 42) + "="));
        Assert.True(RefreshTokenStore.IsWellFormed(new string('A', 22) + "." + new string('A', 43)));
    }

    [Fact]
    public async Task Rotation_hands_out_a_new_token_and_keeps_the_family_expiry()
    {
        var (store, clock) = Create(TimeSpan.FromHours(1));
        var issued = await store.IssueAsync("user61");
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), issued.ExpiresAt);

        clock.Advance(TimeSpan.FromMinutes(10));
        var rotated = await store.RotateAsync(issued.Token);

        Assert.Equal(RefreshOutcome.Rotated, rotated.Outcome);
        Assert.Equal("user61", rotated.Subject);
        Assert.NotEqual(issued.Token, rotated.Token);
        Assert.True(RefreshTokenStore.IsWellFormed(rotated.Token));
        Assert.Equal(issued.ExpiresAt.ToUnixTimeMilliseconds(), rotated.ExpiresAt!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_family_expires_at_its_absolute_lifetime_and_is_deleted()
    {
        var (store, clock) = Create(TimeSpan.FromHours(1));
        var token = (await store.IssueAsync("user62")).Token;
        clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));
        var rotated = await store.RotateAsync(token);
        Assert.Equal(RefreshOutcome.Rotated, rotated.Outcome);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RefreshOutcome.Expired, (await store.RotateAsync(rotated.Token)).Outcome);
        Assert.False(await _mux.GetDatabase().KeyExistsAsync(RefreshTokenStore.FamilyKey(token)));
        Assert.Equal(RefreshOutcome.Unknown, (await store.RotateAsync(rotated.Token)).Outcome);
    }

    [Fact]
    public async Task The_family_key_ttl_is_the_lifetime_on_the_store_clock_whatever_the_test_clock_says()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new RefreshTokenStore(_mux, TimeSpan.FromDays(30), clock);
        var token = (await store.IssueAsync("user63")).Token;
        var ttl = await _mux.GetDatabase().KeyTimeToLiveAsync(RefreshTokenStore.FamilyKey(token));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
        var indexTtl = await _mux.GetDatabase().KeyTimeToLiveAsync(RefreshTokenStore.UserIndexPrefix + "user63");
        Assert.NotNull(indexTtl);
    }

    [Fact]
    public async Task Reuse_of_any_earlier_token_deletes_the_family()
    {
        var (store, _) = Create(TimeSpan.FromHours(1));
        var first = (await store.IssueAsync("user64")).Token;
        var second = (await store.RotateAsync(first)).Token!;
        var third = (await store.RotateAsync(second)).Token!;

        var reuse = await store.RotateAsync(first);

        Assert.Equal(RefreshOutcome.Reused, reuse.Outcome);
        Assert.Equal("user64", reuse.Subject);
        Assert.Equal(RefreshOutcome.Unknown, (await store.RotateAsync(third)).Outcome);
    }

    [Fact]
    public async Task The_store_holds_hashes_of_secrets_never_a_token()
    {
        var (store, _) = Create(TimeSpan.FromHours(1));
        var first = (await store.IssueAsync("user65")).Token;
        var second = (await store.RotateAsync(first)).Token!;

        var entries = await _mux.GetDatabase().HashGetAllAsync(RefreshTokenStore.FamilyKey(first));
        var dump = string.Join("|", entries.Select(e => $"{e.Name}={e.Value}"));
        foreach (var token in new[] { first, second })
        {
            Assert.DoesNotContain(token[(token.IndexOf('.', StringComparison.Ordinal) + 1)..], dump, StringComparison.Ordinal);
        }
        Assert.Equal(["cur", "exp", "sub", "u:" + RefreshTokenStore.Hash(first[23..])], entries.Select(e => (string)e.Name!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Concurrent_rotations_of_one_token_rotate_it_exactly_once()
    {
        var (store, _) = Create(TimeSpan.FromHours(1));
        var token = (await store.IssueAsync("user66")).Token;

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => store.RotateAsync(token))));

        Assert.Single(results, r => r.Outcome == RefreshOutcome.Rotated);
        // The first loser finds the token used (reuse: the family is deleted); any later one finds no family.
        Assert.Contains(results, r => r.Outcome == RefreshOutcome.Reused);
        Assert.All(results, r => Assert.NotEqual(RefreshOutcome.Expired, r.Outcome));
        var winner = results.Single(r => r.Outcome == RefreshOutcome.Rotated);
        Assert.Equal(RefreshOutcome.Unknown, (await store.RotateAsync(winner.Token)).Outcome);
    }

    [Fact]
    public async Task Ending_a_family_needs_one_of_its_tokens_and_the_admin_revoke_ends_them_all()
    {
        var (store, _) = Create(TimeSpan.FromHours(1));
        var a = (await store.IssueAsync("user67")).Token;
        var b = (await store.IssueAsync("user67")).Token;
        var c = (await store.IssueAsync("user67")).Token;
        var other = (await store.IssueAsync("user68")).Token;

        Assert.False(await store.EndFamilyAsync(a[..23] + RedisSessionStore.NewId()));
        Assert.True(await store.EndFamilyAsync(a));
        Assert.False(await store.EndFamilyAsync(a));

        Assert.Equal(2, await store.RevokeUserAsync("user67"));
        Assert.Equal(RefreshOutcome.Unknown, (await store.RotateAsync(b)).Outcome);
        Assert.Equal(RefreshOutcome.Unknown, (await store.RotateAsync(c)).Outcome);
        Assert.Equal(RefreshOutcome.Rotated, (await store.RotateAsync(other)).Outcome);
        Assert.Equal(0, await store.RevokeUserAsync("user67"));
    }
}
