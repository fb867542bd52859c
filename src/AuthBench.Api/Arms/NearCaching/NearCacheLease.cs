namespace AuthBench.Api.Arms.NearCaching;

/// <summary>
/// Whether this instance may serve from its near cache: only while its own heartbeat, published to the store and
/// received back over the backplane's subscription, is younger than the lease. Redis hands a subscriber its messages
/// in the order it ran the PUBLISHes, so a heartbeat received means every invalidation published before it was
/// received too; a lease that ran out means some may have been lost, and <see cref="Epoch"/> moves on so that
/// entries cached before the gap are never served again.
/// </summary>
/// <remarks>
/// Heartbeats carry this process's <see cref="TimeProvider.GetTimestamp"/>, so only an instance's own heartbeats are
/// compared with its own clock. Hand-written: FusionCache has no notion of a subscription's freshness.
/// </remarks>
public sealed class NearCacheLease
{
    private const long NoBeat = 0;

    private readonly TimeProvider _time;
    private readonly long _leaseTicks;
    private readonly Lock _gate = new();
    private long _lastBeat = NoBeat;
    private long _epoch;

    public NearCacheLease(TimeSpan lease, TimeProvider time)
    {
        Lease = lease;
        _time = time;
        _leaseTicks = (long)(lease.TotalSeconds * time.TimestampFrequency);
    }

    public TimeSpan Lease { get; }

    /// <summary>Changes whenever the lease was lost and regained: entries stored under an older epoch are ignored.</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>This instance's heartbeat, published at <paramref name="sentTimestamp"/>, has come back.</summary>
    public void OnBeat(long sentTimestamp)
    {
        lock (_gate)
        {
            var last = Volatile.Read(ref _lastBeat);
            if (sentTimestamp <= last)
            {
                return; // a late one: a newer heartbeat already renewed the lease
            }
            if (last == NoBeat || _time.GetTimestamp() - last > _leaseTicks)
            {
                // The lease had run out (or never held): invalidations may have been lost in the gap. The epoch moves
                // before the lease is renewed, so a reader that sees the renewal also sees the new epoch.
                Interlocked.Increment(ref _epoch);
            }
            Volatile.Write(ref _lastBeat, sentTimestamp);
        }
    }

    /// <summary>True while the newest heartbeat received was published no longer than the lease ago.</summary>
    public bool IsFresh()
    {
        var last = Volatile.Read(ref _lastBeat);
        return last != NoBeat && _time.GetTimestamp() - last <= _leaseTicks;
    }
}
