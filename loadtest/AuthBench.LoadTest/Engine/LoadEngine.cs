using System.Net;
using AuthBench.LoadTest.Engine.Http2;

namespace AuthBench.LoadTest.Engine;

/// <summary>How the engine reaches the server and what it sends.</summary>
public sealed class EngineOptions
{
    public required EndPoint EndPoint { get; init; }

    /// <summary>The preformatted request for request number <c>i</c> (the credential pool is walked round-robin).</summary>
    public required Func<long, ReadOnlyMemory<byte>> RequestFor { get; init; }

    /// <summary>Request slots, one request at a time on each: keep-alive connections under HTTP/1.1, concurrent streams under HTTP/2.</summary>
    public int Connections { get; init; } = 64;

    /// <summary>HTTP/1.1, or HTTP/2 (h2c, prior knowledge; <see cref="EndPoint"/> must be an HTTP/2 listener) with a credential indexing policy.</summary>
    public HttpWire Http { get; init; } = HttpWire.Http11;

    /// <summary>HTTP/2: slots (streams) per TCP connection; <see cref="Connections"/> slots make ceil(Connections / this) connections.</summary>
    public int StreamsPerConnection { get; init; } = DefaultStreamsPerConnection;

    /// <summary>Kestrel's default SETTINGS_MAX_CONCURRENT_STREAMS is 100; 64 stays below it.</summary>
    public const int DefaultStreamsPerConnection = 64;

    /// <summary>
    /// Users each TCP connection carries: null (a gateway) walks the whole pool round-robin on every connection;
    /// N gives connection k the users k*N .. k*N+N-1 (mod the pool) in turn, so 1 is a browser (one user per connection).
    /// </summary>
    public int? UsersPerConnection { get; init; }

    /// <summary>Open loop: requests outstanding (sent or waiting for a connection) beyond which new ones are dropped.</summary>
    public int MaxInFlight { get; init; } = 1024;

    /// <summary>The late threshold every run uses (results.json records it in settings).</summary>
    public static readonly TimeSpan DefaultLateThreshold = TimeSpan.FromMilliseconds(1);

    /// <summary>A request that starts later than this after its intended time counts as late.</summary>
    public TimeSpan LateThreshold { get; init; } = DefaultLateThreshold;

    /// <summary>After the last request is due, how long the engine waits for outstanding answers.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The pacing thread's timer slack in ns (<see cref="PreciseSleep.TightenTimerSlack"/>); null leaves the kernel's
    /// default (50 µs), which makes every sleep of the pacing loop wake up to that much late.
    /// </summary>
    public long? TimerSlackNanoseconds { get; init; } = DefaultTimerSlackNanoseconds;

    public const long DefaultTimerSlackNanoseconds = 1;

    /// <summary>Run the pacing thread under SCHED_FIFO (<see cref="PreciseSleep.TryRealtime"/>); false: the fair scheduler.</summary>
    public bool RealtimePacing { get; init; } = true;

    /// <summary>Sees every request by index (a refresh-only run's token rotation); null: nobody.</summary>
    public IRequestTracker? Tracker { get; init; }

    /// <summary>Timestamps of the schedule and the recorder: <see cref="TimeProvider.System"/> reads the <see cref="System.Diagnostics.Stopwatch"/> (nanoseconds on Linux).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>What one trial measured.</summary>
public sealed class TrialMeasurement
{
    public required Recorder Recorder { get; init; }

    /// <summary>From the first intended send to the end of the schedule (open loop) or the deadline (closed loop).</summary>
    public required TimeSpan Elapsed { get; init; }

    public long Scheduled { get; init; }

    public long Started { get; init; }

    public long Dropped { get; init; }

    public long Late { get; init; }

    /// <summary>Requests that had no answer when the drain timeout ran out (also counted as errors "no_answer").</summary>
    public long Unanswered { get; init; }

    public long BytesSent { get; init; }

    public long BytesReceived { get; init; }

    /// <summary>HTTP/2: bytes of the credential field's HPACK representation over the trial; null for HTTP/1.1.</summary>
    public long? CredentialBytesSent { get; init; }

    /// <summary>The wire and users per connection the trial ran with.</summary>
    public HttpWire Http { get; init; }

    public int? UsersPerConnection { get; init; }

    public bool Interrupted { get; init; }

    public long StartTicks { get; init; }
}

/// <summary>
/// The load engine: an open loop (request i due at t0 + i/rate) or a closed loop (each connection sends its
/// next request when the previous answer arrived). A dedicated pacing thread releases due requests in batches
/// and sleeps until the next one is due (no timer per request).
/// </summary>
public sealed class LoadEngine
{
    /// <summary>
    /// The fewest thread-pool workers the engine runs with. The pool starts with one per CPU and adds more slowly
    /// when its work items wait; on a 2-CPU machine a burst of answers (the end of a server stall, a GC pause of the
    /// target) then waits for a pool thread, and that wait lands in latency and dispatch delay as if the server had
    /// been slow: the scripted-stall calibration test read a p99 several times the analytic value with the default,
    /// and within 5 % with this floor.
    /// </summary>
    public const int MinWorkerThreads = 8;

    private readonly EngineOptions _options;
    private readonly TimeProvider _time;

    public LoadEngine(EngineOptions options)
    {
        _options = options;
        _time = options.Time;
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < MinWorkerThreads)
        {
            _ = ThreadPool.SetMinThreads(MinWorkerThreads, io);
        }
    }

    /// <summary>Whether the last open-loop trial's pacing thread ran under SCHED_FIFO (null before the first).</summary>
    public bool? PacingRealtime { get; private set; }

    /// <summary>The recorder of the trial in progress, for the live display.</summary>
    public Recorder? Current { get; private set; }

    public async Task<TrialMeasurement> RunOpenLoopAsync(double rate, TimeSpan duration, IResponseObserver? observer = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        var connections = CreateConnections(_options.Connections);
        await ConnectAllAsync(connections, ct).ConfigureAwait(false);
        var tps = _time.TimestampFrequency;
        var t0 = _time.GetTimestamp() + (tps / 100); // 10 ms to get the pacing thread going
        var total = (long)Math.Round(rate * duration.TotalSeconds);
        var schedule = new OpenLoopSchedule(t0, rate, total, tps);
        var dispatcher = new OpenLoopDispatcher(schedule, connections.Length, Math.Max(_options.MaxInFlight, connections.Length),
            (long)(_options.LateThreshold.TotalSeconds * tps));
        var recorder = new Recorder(t0, tps, observer);
        Current = recorder;
        observer?.OnStart(t0);
        using var close = new CancellationTokenSource();
        var closed = 0;
        var active = 0;

        async Task RunAsync(int c, ScheduledRequest request)
        {
            var connection = connections[c];
            while (true)
            {
                var send = _time.GetTimestamp();
                var status = 0;
                string? error = null;
                try
                {
                    status = await SendOnAsync(connection, c, request.Index, close.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    error = Recorder.Classify(e);
                    connection.Close();
                }
                var done = _time.GetTimestamp();
                // Before the drain check: an abandoned request ended too, and its tracker must know.
                _options.Tracker?.OnEnded(request.Index, status, Volatile.Read(ref closed) != 0 ? "no_answer" : error, _time.GetElapsedTime(send, done));
                if (Volatile.Read(ref closed) != 0)
                {
                    return;
                }
                recorder.Record(request.IntendedTicks, send, done, status, error, request.Index);
                if (!dispatcher.Complete(c, done, out request))
                {
                    return;
                }
            }
        }

        void Start(int c, ScheduledRequest request)
        {
            Interlocked.Increment(ref active);
            _ = RunGuardedAsync();

            async Task RunGuardedAsync()
            {
                try
                {
                    await RunAsync(c, request).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref active);
                }
            }
        }

        var pacing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                if (_options.TimerSlackNanoseconds is { } slack)
                {
                    _ = PreciseSleep.TightenTimerSlack((ulong)slack);
                }
                var realtime = _options.RealtimePacing && PreciseSleep.TryRealtime();
                PacingRealtime = realtime;
                var starts = new List<(int, ScheduledRequest)>(64);
                var maxSleep = TimeSpan.FromMilliseconds(20);
                while (!schedule.Done && !ct.IsCancellationRequested)
                {
                    dispatcher.Pump(_time.GetTimestamp(), starts);
                    foreach (var (c, request) in starts)
                    {
                        Start(c, request);
                    }
                    starts.Clear();
                    var wait = schedule.TicksUntilNext(_time.GetTimestamp());
                    if (wait > 0 && wait != long.MaxValue)
                    {
                        var sleep = TimeSpan.FromSeconds((double)wait / tps);
                        PreciseSleep.For(sleep < maxSleep ? sleep : maxSleep);
                    }
                    else if (realtime)
                    {
                        // Behind schedule: a real-time thread that never slept would keep the socket threads, which
                        // complete the requests it releases, off its CPU. A few microseconds' sleep lets them run.
                        PreciseSleep.For(TimeSpan.FromMicroseconds(10));
                    }
                }
                pacing.TrySetResult();
            }
            catch (Exception e)
            {
                pacing.TrySetException(e);
            }
        })
        { IsBackground = true, Name = "authbench-pacing", Priority = ThreadPriority.AboveNormal };
        thread.Start();
        await pacing.Task.ConfigureAwait(false);
        var scheduleEnd = schedule.IntendedTicks(schedule.Next);

        // Drain: wait (bounded) for answers still outstanding.
        var drainDeadline = _time.GetTimestamp() + (long)(_options.DrainTimeout.TotalSeconds * tps);
        while (dispatcher.InFlight > 0 && _time.GetTimestamp() < drainDeadline && !ct.IsCancellationRequested)
        {
            await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
        }
        Volatile.Write(ref closed, 1);
        var unanswered = dispatcher.Abandon();
        await close.CancelAsync().ConfigureAwait(false);
        foreach (var connection in connections)
        {
            connection.Close();
        }
        await WaitForAsync(() => Volatile.Read(ref active) == 0, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        var interrupted = ct.IsCancellationRequested;
        if (unanswered > 0 && !interrupted)
        {
            for (var i = 0; i < unanswered; i++)
            {
                recorder.Record(scheduleEnd, scheduleEnd, _time.GetTimestamp(), 0, "no_answer");
            }
        }
        return new TrialMeasurement
        {
            Recorder = recorder,
            Elapsed = TimeSpan.FromSeconds((double)(Math.Min(scheduleEnd, _time.GetTimestamp()) - t0) / tps),
            Scheduled = schedule.Next,
            Started = dispatcher.Started,
            Dropped = dispatcher.Dropped,
            Late = dispatcher.Late,
            Unanswered = unanswered,
            BytesSent = connections.Sum(c => c.BytesSent),
            BytesReceived = connections.Sum(c => c.BytesReceived),
            CredentialBytesSent = CredentialBytes(connections),
            Http = _options.Http,
            UsersPerConnection = _options.UsersPerConnection,
            Interrupted = interrupted,
            StartTicks = t0,
        };
    }

    /// <summary>Closed loop: every connection sends as fast as answers come back, for <paramref name="duration"/>.</summary>
    public async Task<TrialMeasurement> RunClosedLoopAsync(TimeSpan duration, IResponseObserver? observer = null, CancellationToken ct = default)
    {
        var connections = CreateConnections(_options.Connections);
        await ConnectAllAsync(connections, ct).ConfigureAwait(false);
        var tps = _time.TimestampFrequency;
        var t0 = _time.GetTimestamp();
        var deadline = t0 + (long)(duration.TotalSeconds * tps);
        var recorder = new Recorder(t0, tps, observer);
        Current = recorder;
        observer?.OnStart(t0);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        linked.CancelAfter(duration + _options.DrainTimeout);
        long next = -1;
        long started = 0;

        async Task WorkerAsync(IEngineConnection connection, int c)
        {
            await Task.Yield();
            while (!linked.IsCancellationRequested)
            {
                var send = _time.GetTimestamp();
                if (send >= deadline)
                {
                    return;
                }
                var index = Interlocked.Increment(ref next);
                Interlocked.Increment(ref started);
                var status = 0;
                string? error = null;
                try
                {
                    status = await SendOnAsync(connection, c, index, linked.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    error = Recorder.Classify(e);
                    connection.Close();
                }
                _options.Tracker?.OnEnded(index, status, error == "cancelled" ? "no_answer" : error, _time.GetElapsedTime(send));
                if (error == "cancelled")
                {
                    return;
                }
                var done = _time.GetTimestamp();
                recorder.Record(send, send, done, status, error, index);
                if (error is not null)
                {
                    await Task.Delay(10, CancellationToken.None).ConfigureAwait(false); // no hot loop against a dead server
                }
            }
        }

        await Task.WhenAll(connections.Select((connection, c) => WorkerAsync(connection, c))).ConfigureAwait(false);
        foreach (var connection in connections)
        {
            connection.Close();
        }
        return new TrialMeasurement
        {
            Recorder = recorder,
            Elapsed = TimeSpan.FromSeconds((double)(Math.Min(deadline, _time.GetTimestamp()) - t0) / tps),
            Scheduled = started,
            Started = started,
            BytesSent = connections.Sum(c => c.BytesSent),
            BytesReceived = connections.Sum(c => c.BytesReceived),
            CredentialBytesSent = CredentialBytes(connections),
            Http = _options.Http,
            UsersPerConnection = _options.UsersPerConnection,
            Interrupted = ct.IsCancellationRequested,
            StartTicks = t0,
        };
    }

    private static long? CredentialBytes(IEngineConnection[] connections) =>
        connections.Select(c => c.CredentialBytesSent).Aggregate((long?)0, (sum, n) => sum is { } s && n is { } v ? s + v : null);

    /// <summary>The TCP connection a slot's requests travel on.</summary>
    private int TcpConnectionOf(int slot) => HttpWires.IsHttp2(_options.Http) ? slot / Math.Max(1, _options.StreamsPerConnection) : slot;

    /// <summary>The request slot <paramref name="slot"/> sends as request number <paramref name="index"/>, by <see cref="EngineOptions.UsersPerConnection"/>.</summary>
    private ReadOnlyMemory<byte> RequestOn(int slot, long index)
    {
        if (_options.UsersPerConnection is not { } users)
        {
            return _options.RequestFor(index);
        }
        var tcp = TcpConnectionOf(slot);
        var turn = Interlocked.Increment(ref _turns![tcp]);
        return _options.RequestFor(((long)tcp * users) + (turn % users));
    }

    /// <summary>
    /// Sends request <paramref name="index"/> on a slot's connection. An HTTP/1.1 connection shows its answer's head to
    /// the tracker (a refresh-only run); the tracker and the users-per-connection mapping are never combined (the
    /// command line refuses it), so the index the tracker sees is the one the request was built for.
    /// </summary>
    private ValueTask<int> SendOnAsync(IEngineConnection connection, int slot, long index, CancellationToken ct) =>
        _options.Tracker is { } tracker && connection is HttpConnection h1
            ? h1.SendAsync(_options.RequestFor(index), index, tracker, ct)
            : connection.SendAsync(RequestOn(slot, index), ct);

    private long[]? _turns;

    private IEngineConnection[] CreateConnections(int count)
    {
        count = Math.Max(1, count);
        if (!HttpWires.IsHttp2(_options.Http))
        {
            _turns = new long[count];
            return [.. Enumerable.Range(0, count).Select(_ => new HttpConnection(_options.EndPoint))];
        }
        var perConnection = Math.Max(1, _options.StreamsPerConnection);
        var shared = Enumerable.Range(0, (count + perConnection - 1) / perConnection).Select(_ => new Http2Connection(_options.EndPoint)).ToArray();
        _turns = new long[shared.Length];
        var credential = HttpWires.CredentialIndexing(_options.Http);
        return [.. Enumerable.Range(0, count).Select(slot => new Http2Channel(shared[slot / perConnection], credential, countsBytes: slot % perConnection == 0))];
    }

    private static async Task ConnectAllAsync(IEngineConnection[] connections, CancellationToken ct)
    {
        // A failed connect here is retried by the first request on that connection (and counted there).
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (c, token) =>
        {
            try
            {
                await c.ConnectAsync(token).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }).ConfigureAwait(false);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }
    }
}
