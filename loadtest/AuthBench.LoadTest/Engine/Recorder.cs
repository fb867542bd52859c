using System.Net.Sockets;
using HdrHistogram;

namespace AuthBench.LoadTest.Engine;

/// <summary>
/// Everything one trial records, under one lock (a few hundred ns per request at most; the live display does not
/// take it: see <see cref="Peek"/>). Latency runs from the intended send time, service time from the actual
/// send, dispatch delay from the intended to the actual send (the generator's own lateness); all in
/// microseconds, 3 significant digits, up to one hour.
/// </summary>
public sealed class Recorder
{
    public const long HighestTrackableMicros = 3_600_000_000;
    private static readonly string[] StatusNames = [.. Enumerable.Range(0, 600).Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private readonly object _gate = new();
    private readonly long _origin;
    private readonly double _microsPerTick;
    private readonly long _ticksPerSecond;
    private readonly long[] _statusCounts = new long[600];
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly List<Dictionary<string, long>> _timeline = [];
    private readonly IResponseObserver? _observer;

    public Recorder(long originTicks, long ticksPerSecond, IResponseObserver? observer = null)
    {
        _origin = originTicks;
        _observer = observer;
        _ticksPerSecond = ticksPerSecond;
        _microsPerTick = 1_000_000.0 / ticksPerSecond;
    }

    public LongHistogram Latency { get; } = new(HighestTrackableMicros, 3);

    public LongHistogram ServiceTime { get; } = new(HighestTrackableMicros, 3);

    /// <summary>Actual minus intended send time of every request that was sent (open loop; 0 in a closed loop).</summary>
    public LongHistogram DispatchDelay { get; } = new(HighestTrackableMicros, 3);

    /// <summary>Responses received, whatever their status.</summary>
    public long Responses { get; private set; }

    /// <summary>Requests that ended without a response (connection refused or reset, protocol error).</summary>
    public long TransportErrors { get; private set; }

    /// <param name="index">The request's number in the trial (which credential it carried); -1 when unknown.</param>
    public void Record(long intendedTicks, long sendTicks, long doneTicks, int status, string? error, long index = -1)
    {
        var latency = ToMicros(doneTicks - intendedTicks);
        var service = ToMicros(doneTicks - sendTicks);
        // 0 is a real dispatch delay (sent on time), unlike a latency, so it is not clamped up to 1 µs.
        var dispatch = Math.Clamp((long)Math.Round((sendTicks - intendedTicks) * _microsPerTick), 0, HighestTrackableMicros);
        var ok = error is null && status is >= 200 and < 300;
        var outcome = error ?? (ok ? "2xx" : StatusName(status));
        lock (_gate)
        {
            Latency.RecordValue(latency);
            ServiceTime.RecordValue(service);
            DispatchDelay.RecordValue(dispatch);
            if (error is null)
            {
                Responses++;
                _statusCounts[Math.Clamp(status, 0, 599)]++;
                if (!ok)
                {
                    Increment(_errors, "http_" + StatusName(status));
                }
            }
            else
            {
                TransportErrors++;
                Increment(_errors, error);
            }
            var second = (int)Math.Clamp((doneTicks - _origin) / _ticksPerSecond, 0, 86_400);
            while (_timeline.Count <= second)
            {
                _timeline.Add(new Dictionary<string, long>(StringComparer.Ordinal));
            }
            Increment(_timeline[second], outcome);
        }
        _observer?.OnRequest(index, sendTicks, doneTicks, status, error is not null);
    }

    /// <summary>
    /// The live display's figures, read without the lock the hot path takes: each count is one aligned 64-bit read, so
    /// the figures may be a few requests apart from one another (and p99 a refresh behind), never torn; what the trial
    /// records is read under the lock at its end, as before.
    /// </summary>
    public Snapshot Peek()
    {
        long ok = 0;
        for (var s = 200; s < 300; s++)
        {
            ok += Volatile.Read(ref _statusCounts[s]);
        }
        var responses = Responses;
        var failed = Math.Max(0, responses - ok);
        return new Snapshot(responses, TransportErrors + failed, Latency.TotalCount == 0 ? 0 : Latency.GetValueAtPercentile(99));
    }

    public IReadOnlyDictionary<string, long> Errors()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, long>(_errors, StringComparer.Ordinal);
        }
    }

    public IReadOnlyDictionary<string, long> StatusCodes()
    {
        lock (_gate)
        {
            var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
            for (var s = 0; s < _statusCounts.Length; s++)
            {
                if (_statusCounts[s] > 0)
                {
                    result[StatusName(s)] = _statusCounts[s];
                }
            }
            return result;
        }
    }

    /// <summary>Outcomes per second of the trial ("2xx", "503", "connection_refused", ...), by completion time.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, long>> Timeline()
    {
        lock (_gate)
        {
            return [.. _timeline.Select(d => (IReadOnlyDictionary<string, long>)new SortedDictionary<string, long>(d, StringComparer.Ordinal))];
        }
    }

    public long ToMicros(long ticks) => Math.Clamp((long)Math.Round(ticks * _microsPerTick), 1, HighestTrackableMicros);

    /// <summary>Names a transport failure by kind, for the errors table.</summary>
    public static string Classify(Exception e) => e switch
    {
        SocketException s => s.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection_refused",
            SocketError.ConnectionReset => "connection_reset",
            SocketError.TimedOut => "timeout",
            SocketError.Shutdown or SocketError.ConnectionAborted => "connection_aborted",
            _ => "socket_" + s.SocketErrorCode.ToString().ToLowerInvariant(),
        },
        HttpFramingException or Http2.Http2ProtocolException => "protocol",
        OperationCanceledException => "cancelled",
        IOException { InnerException: SocketException inner } => Classify(inner),
        _ => "other_" + e.GetType().Name,
    };

    private static string StatusName(int status) => StatusNames[Math.Clamp(status, 0, 599)];

    private static void Increment(Dictionary<string, long> counts, string key) =>
        counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;

    /// <summary>What the live display shows.</summary>
    public readonly record struct Snapshot(long Responses, long Errors, long P99Micros);
}
