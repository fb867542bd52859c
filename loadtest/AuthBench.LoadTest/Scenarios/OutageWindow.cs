using AuthBench.LoadTest.Engine;

namespace AuthBench.LoadTest.Scenarios;

/// <summary>
/// The bookkeeping of a store outage inside one trial, fed by the engine's response hook: what was accepted while the
/// store was down, and when the arm answered again after the restart. Ticks are the engine's timestamps.
/// </summary>
public sealed class OutageWindow : IResponseObserver
{
    private readonly object _gate = new();
    private long _outageStart = long.MaxValue;
    private long _outageEnd = long.MaxValue;
    private long _outageRestarted = long.MaxValue;
    private long _accepted;
    private long _firstSuccess = long.MaxValue;
    private long _firstStoreAnswer = long.MaxValue;
    private long _first503 = long.MaxValue;
    private long _lastAcceptedSend = long.MinValue;

    /// <summary>The trial's origin, as the engine announced it.</summary>
    public long OriginTicks { get; private set; }

    /// <summary>2xx responses to requests sent after the store was stopped and answered before it was started again.</summary>
    public long AcceptedDuringOutage
    {
        get
        {
            lock (_gate)
            {
                return _accepted;
            }
        }
    }

    /// <summary>First 2xx answer after the store was started again (ticks; long.MaxValue: none), for the time to recover.</summary>
    public long FirstSuccessAfterRestart
    {
        get
        {
            lock (_gate)
            {
                return _firstSuccess;
            }
        }
    }

    /// <summary>First answer after the restart that is not a 503 (the store answers again, even if it forgot the session: 401).</summary>
    public long FirstStoreAnswerAfterRestart
    {
        get
        {
            lock (_gate)
            {
                return _firstStoreAnswer;
            }
        }
    }

    /// <summary>First 503 answer to a request sent after the store was stopped (ticks; long.MaxValue: none), for the time to 503.</summary>
    public long First503AfterStop
    {
        get
        {
            lock (_gate)
            {
                return _first503;
            }
        }
    }

    /// <summary>
    /// The send time of the last request accepted during the outage (ticks; long.MinValue: none): how long after the
    /// stop the arm still served from what it held (a near cache's lease).
    /// </summary>
    public long LastAcceptedSendDuringOutage
    {
        get
        {
            lock (_gate)
            {
                return _lastAcceptedSend;
            }
        }
    }

    /// <summary>Marks the store as down from <paramref name="stoppedTicks"/> (stop finished).</summary>
    public void MarkOutageStart(long stoppedTicks)
    {
        lock (_gate)
        {
            _outageStart = stoppedTicks;
        }
    }

    /// <summary>
    /// Marks the restart as begun, before the store is started: an answer that arrives while the restart is still being
    /// awaited (the store already listens, the API already reconnected) is not one the arm gave without its store.
    /// </summary>
    public void MarkRestartBegin(long restartBeginTicks)
    {
        lock (_gate)
        {
            _outageEnd = restartBeginTicks;
        }
    }

    /// <summary>Marks the outage as over: restart begun at <paramref name="restartBeginTicks"/>, finished at <paramref name="restartedTicks"/>.</summary>
    public void MarkOutageEnd(long restartBeginTicks, long restartedTicks)
    {
        lock (_gate)
        {
            _outageEnd = restartBeginTicks;
            _outageRestarted = restartedTicks;
        }
    }

    public void OnStart(long originTicks) => OriginTicks = originTicks;

    public void OnResponse(long sendTicks, long doneTicks, int status, bool transportError)
    {
        if (transportError)
        {
            return;
        }
        var ok = status is >= 200 and < 300;
        lock (_gate)
        {
            if (status != 503 && sendTicks >= _outageRestarted && doneTicks < _firstStoreAnswer)
            {
                _firstStoreAnswer = doneTicks;
            }
            if (status == 503 && sendTicks >= _outageStart && doneTicks < _first503)
            {
                _first503 = doneTicks;
            }
            if (ok)
            {
                if (sendTicks >= _outageStart && doneTicks <= _outageEnd)
                {
                    _accepted++;
                    _lastAcceptedSend = Math.Max(_lastAcceptedSend, sendTicks);
                }
                if (doneTicks >= _outageRestarted && sendTicks >= _outageRestarted && doneTicks < _firstSuccess)
                {
                    _firstSuccess = doneTicks;
                }
            }
        }
    }
}
