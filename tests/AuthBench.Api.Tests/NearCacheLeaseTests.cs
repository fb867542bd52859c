using AuthBench.Api.Arms.NearCaching;
using Microsoft.Extensions.Time.Testing;

namespace AuthBench.Api.Tests;

/// <summary>The rule that lets a near cache serve from memory, on a fake clock.</summary>
public sealed class NearCacheLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);

    [Fact]
    public void No_heartbeat_yet_means_nothing_is_served_from_memory()
    {
        var lease = new NearCacheLease(Lease, new FakeTimeProvider());
        Assert.False(lease.IsFresh());
        Assert.Equal(0, lease.Epoch);
    }

    [Fact]
    public void A_heartbeat_holds_the_lease_for_its_length_counted_from_when_it_was_sent()
    {
        var time = new FakeTimeProvider();
        var lease = new NearCacheLease(Lease, time);
        var sent = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(300)); // the heartbeat's round trip
        lease.OnBeat(sent);
        Assert.True(lease.IsFresh());
        time.Advance(TimeSpan.FromMilliseconds(700));
        Assert.True(lease.IsFresh());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(lease.IsFresh());
    }

    [Fact]
    public void Heartbeats_in_time_keep_the_epoch_and_a_gap_longer_than_the_lease_moves_it()
    {
        var time = new FakeTimeProvider();
        var lease = new NearCacheLease(Lease, time);
        lease.OnBeat(time.GetTimestamp());
        var first = lease.Epoch;
        for (var i = 0; i < 8; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            lease.OnBeat(time.GetTimestamp());
        }
        Assert.Equal(first, lease.Epoch);

        // The store went silent for longer than the lease: whatever was cached before may have missed an invalidation.
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(lease.IsFresh());
        lease.OnBeat(time.GetTimestamp());
        Assert.True(lease.IsFresh());
        Assert.Equal(first + 1, lease.Epoch);
    }

    [Fact]
    public void A_late_heartbeat_that_arrives_after_the_lease_ran_out_also_moves_the_epoch()
    {
        var time = new FakeTimeProvider();
        var lease = new NearCacheLease(Lease, time);
        lease.OnBeat(time.GetTimestamp());
        var epoch = lease.Epoch;
        time.Advance(TimeSpan.FromMilliseconds(250));
        var sent = time.GetTimestamp();
        time.Advance(TimeSpan.FromSeconds(2)); // delivered long after it was sent: the subscription stalled
        lease.OnBeat(sent);
        Assert.Equal(epoch + 1, lease.Epoch);
        Assert.False(lease.IsFresh()); // and it is too old to hold the lease by itself
    }

    [Fact]
    public void An_older_heartbeat_after_a_newer_one_changes_nothing()
    {
        var time = new FakeTimeProvider();
        var lease = new NearCacheLease(Lease, time);
        var older = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(250));
        lease.OnBeat(time.GetTimestamp());
        var epoch = lease.Epoch;
        time.Advance(TimeSpan.FromMilliseconds(900));
        lease.OnBeat(older);
        Assert.Equal(epoch, lease.Epoch);
        Assert.True(lease.IsFresh());
        time.Advance(TimeSpan.FromMilliseconds(101));
        Assert.False(lease.IsFresh());
    }
}
