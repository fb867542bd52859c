using HdrHistogram;

namespace AuthBench.LoadTest.Clients;

/// <summary>
/// The refresh requests of one credential source, apart from the API requests the engine records: how many, how they
/// ended, and their service time (send to response, microseconds; refreshes are closed-loop background requests, so
/// there is no intended send time to measure from).
/// </summary>
public sealed class RefreshStats
{
    private readonly Lock _gate = new();
    private readonly LongHistogram _latency = new(TimeSpan.FromMinutes(1).Ticks / TimeSpan.TicksPerMicrosecond, 3);
    private long _succeeded;
    private long _rejected;
    private long _unavailable;
    private long _errors;
    private long _relogins;
    private long _usersLost;
    private long _noFreeUser;

    /// <summary>A 200 from <c>POST /auth/refresh</c>, after <paramref name="elapsed"/>.</summary>
    public void Succeeded(TimeSpan elapsed) => Count(ref _succeeded, elapsed);

    /// <summary>A 401: the refresh token is unknown, reused or expired; the user logs in again.</summary>
    public void Rejected(TimeSpan elapsed) => Count(ref _rejected, elapsed);

    /// <summary>A 503 (the store is down): the user keeps its access token and tries again shortly.</summary>
    public void Unavailable(TimeSpan elapsed) => Count(ref _unavailable, elapsed);

    /// <summary>Any other status, a malformed answer or no answer at all.</summary>
    public void Error() => Count(ref _errors, null);

    /// <summary>A login that replaced a refresh the server rejected.</summary>
    public void Relogin() => Count(ref _relogins, null);

    /// <summary>A refresh-only run dropped a user: its token was rejected, or its refresh got no answer (the server may have rotated it).</summary>
    public void UserLost() => Count(ref _usersLost, null);

    /// <summary>A refresh-only run had to send a request while every user with a token had a refresh in flight.</summary>
    public void NoFreeUser() => Count(ref _noFreeUser, null);

    /// <summary>Everything counted since the start (or the last <see cref="SnapshotAndReset"/>).</summary>
    public RefreshSummary Snapshot()
    {
        lock (_gate)
        {
            return Summarise();
        }
    }

    /// <summary>Everything counted since the last call, and starts counting afresh: one trial's refreshes.</summary>
    public RefreshSummary SnapshotAndReset()
    {
        lock (_gate)
        {
            var summary = Summarise();
            _succeeded = _rejected = _unavailable = _errors = _relogins = _usersLost = _noFreeUser = 0;
            _latency.Reset();
            return summary;
        }
    }

    private RefreshSummary Summarise()
    {
        var answered = _latency.TotalCount;
        return new RefreshSummary(
            Requests: _succeeded + _rejected + _unavailable + _errors,
            Succeeded: _succeeded,
            Rejected: _rejected,
            Unavailable: _unavailable,
            Errors: _errors,
            Relogins: _relogins,
            P50Micros: answered == 0 ? null : _latency.GetValueAtPercentile(50),
            P99Micros: answered == 0 ? null : _latency.GetValueAtPercentile(99),
            MaxMicros: answered == 0 ? null : _latency.GetMaxValue(),
            MeanMicros: answered == 0 ? null : _latency.GetMean(),
            UsersLost: _usersLost,
            NoFreeUser: _noFreeUser);
    }

    // Refreshes are rare next to API requests (one per user per 0.8 access lifetime): one lock is cheap enough.
    private void Count(ref long counter, TimeSpan? elapsed)
    {
        lock (_gate)
        {
            counter++;
            if (elapsed is { } e)
            {
                _latency.RecordValue(Math.Clamp(e.Ticks / TimeSpan.TicksPerMicrosecond, 1, _latency.HighestTrackableValue));
            }
        }
    }
}

/// <summary>A point-in-time copy of <see cref="RefreshStats"/>: counts, and service-time percentiles of the answered refreshes (null before the first).</summary>
public sealed record RefreshSummary(
    long Requests, long Succeeded, long Rejected, long Unavailable, long Errors, long Relogins,
    long? P50Micros, long? P99Micros, long? MaxMicros, double? MeanMicros, long UsersLost = 0, long NoFreeUser = 0)
{
    public long Failures => Rejected + Unavailable + Errors;

    /// <summary>"120 refreshes (0 failed, 0 re-logins), p50 850 us, p99 2100 us": for the progress log.</summary>
    public override string ToString() =>
        $"{Requests} refreshes ({Failures} failed, {Relogins} re-logins)" + (P50Micros is { } p50 ? $", p50 {p50} us, p99 {P99Micros} us" : "");
}
