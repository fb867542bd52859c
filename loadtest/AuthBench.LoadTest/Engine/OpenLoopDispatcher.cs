namespace AuthBench.LoadTest.Engine;

/// <summary>A request the schedule released: its index (which credential) and its intended send time.</summary>
public readonly record struct ScheduledRequest(long Index, long IntendedTicks);

/// <summary>
/// The open-loop schedule: request <c>i</c> is due at <c>start + i / rate</c>, whatever happened to earlier
/// requests. That is what keeps coordinated omission out: a stalled server does not slow the schedule down.
/// </summary>
public sealed class OpenLoopSchedule
{
    private readonly long _start;
    private readonly double _ticksPerRequest;

    public OpenLoopSchedule(long startTicks, double ratePerSecond, long totalRequests, long ticksPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(totalRequests);
        _start = startTicks;
        _ticksPerRequest = ticksPerSecond / ratePerSecond;
        Total = totalRequests;
    }

    public long Total { get; }

    /// <summary>Index of the next request not yet released.</summary>
    public long Next { get; private set; }

    public bool Done => Next >= Total;

    public long IntendedTicks(long index) => _start + (long)(index * _ticksPerRequest);

    /// <summary>Releases the next request when it is due at <paramref name="now"/>.</summary>
    public bool TryTakeDue(long now, out ScheduledRequest request)
    {
        if (Next < Total)
        {
            var intended = IntendedTicks(Next);
            if (intended <= now)
            {
                request = new ScheduledRequest(Next++, intended);
                return true;
            }
        }
        request = default;
        return false;
    }

    /// <summary>Ticks until the next request is due (0 when it is due now; long.MaxValue when the schedule is done).</summary>
    public long TicksUntilNext(long now) => Done ? long.MaxValue : Math.Max(0, IntendedTicks(Next) - now);
}

/// <summary>
/// Hands due requests to free connections. A request that finds every connection busy waits in a queue (its
/// latency keeps growing from its intended time); a request that finds <c>maxInFlight</c> requests already
/// outstanding is dropped and counted. A request that starts more than <c>lateThreshold</c> after its intended
/// time is counted as late. All state changes happen under one lock; starting the I/O happens outside it.
/// </summary>
public sealed class OpenLoopDispatcher
{
    private readonly object _gate = new();
    private readonly OpenLoopSchedule _schedule;
    private readonly int _maxInFlight;
    private readonly long _lateThreshold;
    private readonly Stack<int> _idle = new();
    private readonly Queue<ScheduledRequest> _waiting = new();

    public OpenLoopDispatcher(OpenLoopSchedule schedule, int connections, int maxInFlight, long lateThresholdTicks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, connections);
        _schedule = schedule;
        _maxInFlight = maxInFlight;
        _lateThreshold = lateThresholdTicks;
        for (var c = connections - 1; c >= 0; c--)
        {
            _idle.Push(c);
        }
    }

    public OpenLoopSchedule Schedule => _schedule;

    public long Dropped { get; private set; }

    public long Late { get; private set; }

    public long Started { get; private set; }

    public int InFlight { get; private set; }

    /// <summary>Releases every request due at <paramref name="now"/>; adds the ones that can start now to <paramref name="starts"/>.</summary>
    public void Pump(long now, List<(int Connection, ScheduledRequest Request)> starts)
    {
        lock (_gate)
        {
            while (_schedule.TryTakeDue(now, out var request))
            {
                if (InFlight >= _maxInFlight)
                {
                    Dropped++;
                    continue;
                }
                InFlight++;
                if (_idle.Count > 0)
                {
                    starts.Add((_idle.Pop(), request));
                    CountStart(request, now);
                }
                else
                {
                    _waiting.Enqueue(request);
                }
            }
        }
    }

    /// <summary>A connection finished a request at <paramref name="now"/>; returns the next request it should send, if one waits.</summary>
    public bool Complete(int connection, long now, out ScheduledRequest next)
    {
        lock (_gate)
        {
            InFlight--;
            if (_waiting.TryDequeue(out next))
            {
                CountStart(next, now);
                return true;
            }
            _idle.Push(connection);
            return false;
        }
    }

    /// <summary>Requests released but never finished (still waiting or on the wire) when the trial ends.</summary>
    public int Abandon()
    {
        lock (_gate)
        {
            var outstanding = InFlight;
            _waiting.Clear();
            InFlight = 0;
            return outstanding;
        }
    }

    private void CountStart(ScheduledRequest request, long now)
    {
        Started++;
        if (now - request.IntendedTicks > _lateThreshold)
        {
            Late++;
        }
    }
}
