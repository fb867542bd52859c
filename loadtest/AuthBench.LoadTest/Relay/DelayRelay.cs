using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using AuthBench.Common;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Engine;
using HdrHistogram;

namespace AuthBench.LoadTest.Relay;

/// <summary>
/// A loopback TCP relay in front of the store that holds every read for a set one-way delay (half the round trip
/// each way): the user-space stand-in for netem, which this kernel lacks. Hand-written: no served package delays a
/// TCP stream (YARP and the like forward HTTP).
/// <para>
/// Each read is stamped when it arrives and released at arrival + delay, in arrival order per direction, so a
/// pipeline of commands stays a pipeline: ten commands sent back to back arrive one delay later, back to back, not ten
/// delays later. All connections share one release thread per relay. Since every read of a direction waits the same
/// delay, arrival order is release order, and one FIFO per direction is the whole schedule. The thread sleeps until
/// the next release with an absolute clock_nanosleep(2) (1 ns timer slack, SCHED_FIFO when the process may: it
/// wakes on time even while the store or the generator runs), and never spins: it runs on the CPU set of the
/// thread that starts the relay, the generator's, which it shares with the store. How late it released each read is
/// recorded (<see cref="TakeAccuracy"/>), so its own error is published with every figure.
/// </para>
/// Bytes are forwarded unchanged and in order; a half-close (FIN) is forwarded after the data before it, also
/// delayed; a reset or error on either side closes both.
/// </summary>
public sealed class DelayRelay : IAsyncDisposable
{
    private const int ReadSize = 16 * 1024;
    private const int ToUpstream = 0;
    private const int ToClient = 1;

    private readonly Socket _listener;
    private readonly EndPoint _upstream;
    private readonly TimeProvider _time;
    // Plain queues under one lock, not ConcurrentQueue: the release thread runs SCHED_FIFO on the pumps' CPU, and a
    // lock-free peek that meets a slot a preempted pump reserved but has not published spins on sched_yield, which never
    // lets a normal-priority thread run: the CPU then froze until the kernel's real-time throttle (0.95 s per second),
    // seen as one ~0.94 s release lateness per calibration step at 0.25 ms and 5,000 msg/s. A contended Lock blocks in
    // the kernel after a short spin, so the preempted pump runs and releases it.
    private readonly Queue<Chunk>[] _queues = [new(), new()];
    private readonly Lock _queueGate = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly Thread _releaser;
    private readonly Task _accepting;
    private readonly Lock _statsGate = new();
    private readonly TaskCompletionSource<string> _schedulerInfo = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LongHistogram _lateness = NewLatenessHistogram();
    private long _oneWayTicks;
    private long _accepted;
    private long _bytesToUpstream;
    private long _bytesToClient;

    private DelayRelay(EndPoint upstream, TimeSpan roundTrip, TimeProvider time)
    {
        _upstream = upstream;
        _time = time;
        SetRoundTrip(roundTrip);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        // A thread of its own: it inherits the creating thread's CPU affinity (the generator's set once the load tool
        // pinned itself) and can take a real-time policy without lending it to the thread pool.
        _releaser = new Thread(Release) { IsBackground = true, Name = "store-relay" };
        _releaser.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Starts a relay on a free loopback port that forwards to <paramref name="upstream"/>.</summary>
    public static DelayRelay Start(EndPoint upstream, TimeSpan roundTrip, TimeProvider? time = null) => new(upstream, roundTrip, time ?? TimeProvider.System);

    /// <summary>Where clients connect instead of the store.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The set round trip (twice the one-way delay).</summary>
    public TimeSpan RoundTrip => TimeSpan.FromTicks(TicksToTimeSpanTicks(Volatile.Read(ref _oneWayTicks) * 2));

    /// <summary>Connections accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public long BytesToUpstream => Interlocked.Read(ref _bytesToUpstream);

    public long BytesToClient => Interlocked.Read(ref _bytesToClient);

    /// <summary>How the release thread runs (policy, timer slack, CPU set read back); waits for it to start.</summary>
    public Task<string> SchedulerInfo => _schedulerInfo.Task;

    /// <summary>
    /// Sets the round trip for what arrives from now on; what the relay holds keeps its release time (order is kept
    /// either way: a FIFO never lets a later read overtake).
    /// </summary>
    public void SetRoundTrip(TimeSpan roundTrip)
    {
        if (roundTrip < TimeSpan.Zero || roundTrip > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(roundTrip), roundTrip, "a relay round trip lies between 0 and 10 s");
        }
        Volatile.Write(ref _oneWayTicks, (long)Math.Round(roundTrip.Ticks / 2.0 * _time.TimestampFrequency / TimeSpan.TicksPerSecond));
    }

    /// <summary>How late the relay released what it forwarded since the last call (both directions), then starts afresh.</summary>
    public StoreRelayResult TakeAccuracy()
    {
        LongHistogram h;
        lock (_statsGate)
        {
            h = _lateness;
            _lateness = NewLatenessHistogram();
        }
        static double Us(long ns) => Math.Round(ns / 1000.0, 1);
        var rtt = Math.Round(RoundTrip.TotalMilliseconds, 4);
        return h.TotalCount == 0
            ? new StoreRelayResult(rtt, 0, 0, 0, 0)
            : new StoreRelayResult(rtt, h.TotalCount, Us(h.GetValueAtPercentile(50)), Us(h.GetValueAtPercentile(99)), Us(HistogramExtensions.GetMaxValue(h)));
    }

    /// <summary>Lateness in ns, 1 ns to 60 s, 3 significant digits.</summary>
    private static LongHistogram NewLatenessHistogram() => new(60_000_000_000L, 3);

    private long TicksToTimeSpanTicks(long timestampTicks) => (long)Math.Round(timestampTicks * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _accepted);
                _ = ConnectAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ConnectAsync(Socket client)
    {
        // Dual-mode: the store may be named by an IPv4 or IPv6 address or by a host name.
        var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Nagle would hold a released read back until the previous one is acknowledged: a delay we did not set.
            client.NoDelay = true;
            upstream.NoDelay = true;
            await upstream.ConnectAsync(_upstream, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The store refused: so does the relay (the client sees its connection closed, as it would a refusal).
            client.Dispose();
            upstream.Dispose();
            return;
        }
        var connection = new Connection(client, upstream);
        _connections[connection] = 0;
        _ = PumpAsync(connection, ToUpstream);
        _ = PumpAsync(connection, ToClient);
    }

    /// <summary>Reads one direction and queues every read, stamped with its arrival, for the release thread.</summary>
    private async Task PumpAsync(Connection connection, int direction)
    {
        var source = direction == ToUpstream ? connection.Client : connection.Upstream;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
                int read;
                try
                {
                    read = await source.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                var arrived = _time.GetTimestamp();
                var due = arrived + Volatile.Read(ref _oneWayTicks);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    Enqueue(direction, new Chunk(connection, null, 0, due));
                    return;
                }
                if (direction == ToUpstream)
                {
                    _ = Interlocked.Add(ref _bytesToUpstream, read);
                }
                else
                {
                    _ = Interlocked.Add(ref _bytesToClient, read);
                }
                Enqueue(direction, new Chunk(connection, buffer, read, due));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Close(connection);
        }
    }

    private void Enqueue(int direction, Chunk chunk)
    {
        lock (_queueGate)
        {
            _queues[direction].Enqueue(chunk);
        }
        _ = _wake.Set();
    }

    /// <summary>The release thread: the earliest head of the two FIFOs goes out when due.</summary>
    private void Release()
    {
        var slack = PreciseSleep.TightenTimerSlack(1);
        var realtime = PreciseSleep.TryRealtime();
        _schedulerInfo.TrySetResult((realtime ? "SCHED_FIFO priority 1" : "fair scheduler (SCHED_FIFO refused: needs root or CAP_SYS_NICE)")
            + (slack ? ", timer slack 1 ns" : ", kernel timer slack")
            + $", absolute clock_nanosleep, no spinning; CPUs {CpuAffinity.CurrentThread()?.ToString() ?? "unknown"}");
        var system = ReferenceEquals(_time, TimeProvider.System);
        while (!_stop.IsCancellationRequested)
        {
            var direction = Head(out var chunk);
            if (direction < 0)
            {
                _ = _wake.WaitOne();
                continue;
            }
            var now = _time.GetTimestamp();
            if (chunk.Due > now)
            {
                // Never past now + one-way delay: a read arriving meanwhile in the other direction is due no earlier.
                var until = Math.Min(chunk.Due, now + Volatile.Read(ref _oneWayTicks));
                if (system)
                {
                    PreciseSleep.Until(until);
                }
                else
                {
                    // A test clock: woken by its timer when the test advances it, or by a new read.
                    using var timer = _time.CreateTimer(_ => _wake.Set(), null, TimeSpan.FromTicks(Math.Max(1, TicksToTimeSpanTicks(until - now))), Timeout.InfiniteTimeSpan);
                    _ = _wake.WaitOne();
                }
                continue;
            }
            lock (_queueGate)
            {
                _ = _queues[direction].Dequeue();
            }
            Deliver(direction, chunk);
            var lateNs = (long)((now - chunk.Due) * 1e9 / _time.TimestampFrequency);
            lock (_statsGate)
            {
                _lateness.RecordValue(Math.Clamp(lateNs, 1, _lateness.HighestTrackableValue));
            }
        }
    }

    private int Head(out Chunk chunk)
    {
        bool hasUp, hasDown;
        Chunk up, down;
        lock (_queueGate)
        {
            hasUp = _queues[ToUpstream].TryPeek(out up);
            hasDown = _queues[ToClient].TryPeek(out down);
        }
        if (hasUp && (!hasDown || up.Due <= down.Due))
        {
            chunk = up;
            return ToUpstream;
        }
        chunk = down;
        return hasDown ? ToClient : -1;
    }

    private void Deliver(int direction, Chunk chunk)
    {
        var connection = chunk.Connection;
        var target = direction == ToUpstream ? connection.Upstream : connection.Client;
        try
        {
            if (connection.Closed)
            {
                return;
            }
            if (chunk.Buffer is null)
            {
                target.Shutdown(SocketShutdown.Send);
                if (connection.Ended(direction))
                {
                    Close(connection);
                }
                return;
            }
            // A blocking send: loopback buffers hold far more than a store's replies, so it returns at once; were the
            // reader slow, the relay would slow with it, as a network would.
            var sent = 0;
            while (sent < chunk.Length)
            {
                sent += target.Send(chunk.Buffer, sent, chunk.Length - sent, SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Close(connection);
        }
        finally
        {
            if (chunk.Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }
        }
    }

    private void Close(Connection connection)
    {
        if (connection.Close())
        {
            _ = _connections.TryRemove(connection, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        foreach (var connection in _connections.Keys)
        {
            Close(connection);
        }
        _ = _wake.Set();
        _releaser.Join();
        foreach (var queue in _queues)
        {
            while (queue.TryDequeue(out var chunk))
            {
                if (chunk.Buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                }
            }
        }
        _wake.Dispose();
        _stop.Dispose();
    }

    /// <summary>One read held by the relay; a null buffer is the sender's FIN.</summary>
    private readonly record struct Chunk(Connection Connection, byte[]? Buffer, int Length, long Due);

    /// <summary>A client connection and the relay's own connection to the store.</summary>
    private sealed class Connection(Socket client, Socket upstream)
    {
        private int _ended;
        private int _closed;

        public Socket Client { get; } = client;

        public Socket Upstream { get; } = upstream;

        public bool Closed => Volatile.Read(ref _closed) != 0;

        /// <summary>Records a forwarded FIN; true once both directions have ended.</summary>
        public bool Ended(int direction) => (Interlocked.Or(ref _ended, 1 << direction) | (1 << direction)) == 3;

        /// <summary>Closes both sockets; true for the call that did it.</summary>
        public bool Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return false;
            }
            Client.Dispose();
            Upstream.Dispose();
            return true;
        }
    }
}
