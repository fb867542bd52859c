using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AuthBench.Common;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Engine;

namespace AuthBench.LoadTest.Relay;

/// <summary>What a relay calibration measures: each set round trip at each rate, for a time per step.</summary>
public sealed record RelayCalibrationOptions(IReadOnlyList<TimeSpan> RoundTrips, IReadOnlyList<double> Rates, TimeSpan Duration, string OutputPath, CpuSet? Cpus,
    string CommandLine);

/// <summary>
/// The relay's accuracy, measured: open-loop round trips of an 8-byte message to a loopback echo server, direct and
/// through the relay in alternating blocks, at each set RTT and each rate (pipelined: at a rate above 1/RTT several messages
/// are in flight on the one connection). The added RTT is the relay's median (and p99) minus the direct one; its
/// interval combines the two distribution-free 95 % intervals of the order statistics (ranks n·q ± 1.96·√(n·q·(1−q))),
/// a conservative bound. The relay's own release lateness is reported beside it.
/// </summary>
public static class RelayCalibration
{
    private const int MessageBytes = 8;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const string Method =
        "open-loop round trips of an 8-byte message on one TCP connection to an in-process loopback echo server (a blocking thread), "
        + "paced by a SCHED_FIFO thread on absolute clock_nanosleep (round trip from the actual send, Stopwatch), in alternating 500 ms blocks direct and "
        + "through the relay (a fresh connection each); the first 10 % of each block's samples are dropped as warm-up; duration_s is each side's total; added = relay minus direct at the median and p99, 95 % intervals from the "
        + "order statistics of each side combined conservatively (low = relay low - direct high)";

    public static async Task<int> RunAsync(RelayCalibrationOptions options, Action<string> line, CancellationToken ct)
    {
        if (options.Cpus is { } cpus && CpuAffinity.PinProcess(Environment.ProcessId, cpus) is { } error)
        {
            line($"warning: not pinned to CPU {cpus}: {error}");
        }
        using var echo = EchoServer.Start();
        await using var relay = DelayRelay.Start(echo.EndPoint, TimeSpan.Zero);
        var results = new RelayCalibrationResults
        {
            StartedUtc = DateTimeOffset.UtcNow,
            Method = Method,
            CommandLine = options.CommandLine,
            Cpus = options.Cpus?.ToString() ?? "not pinned",
            Commit = GitProvenance.Read()?.ToString(),
        };
        results.Scheduler = await relay.SchedulerInfo.WaitAsync(ct).ConfigureAwait(false);
        line($"relay calibration → {options.OutputPath}; release thread: {results.Scheduler}");
        Write(options.OutputPath, results);
        var steps = options.Rates.Count * options.RoundTrips.Count;
        // Each step runs its direct and its relayed blocks for the step's duration each.
        var estimate = new Orchestration.ProgressEstimate(new Plan.PlanOutline([.. Enumerable.Repeat(2 * options.Duration, steps)], steps), TimeProvider.System, "step");
        foreach (var rate in options.Rates)
        {
            foreach (var rtt in options.RoundTrips)
            {
                ct.ThrowIfCancellationRequested();
                var done = results.Steps.Count;
                estimate.Start(done + 1);
                line(estimate.Describe() + string.Create(Inv, $": RTT {rtt.TotalMilliseconds:0.###} ms at {rate:0} msg/s, {2 * options.Duration.TotalSeconds:0.#} s"));
                relay.SetRoundTrip(rtt);
                // Direct and relayed blocks alternate (A B A B ...) so that the machine's drift, which on a shared box is larger
                // than the delays calibrated, falls on both sides alike.
                var blocks = Math.Max(2, (int)Math.Round(options.Duration / BlockLength));
                var block = options.Duration / blocks;
                var direct = new List<double>();
                var via = new List<double>();
                _ = relay.TakeAccuracy();
                for (var b = 0; b < blocks; b++)
                {
                    direct.AddRange(await ProbeOnOwnThreadAsync(echo.EndPoint, rate, block, ct).ConfigureAwait(false));
                    via.AddRange(await ProbeOnOwnThreadAsync(relay.EndPoint, rate, block, ct).ConfigureAwait(false));
                }
                var step = Summarise(rtt, rate, options.Duration, [.. direct], [.. via], relay.TakeAccuracy());
                results.Steps.Add(step);
                Write(options.OutputPath, results);
                line(string.Create(Inv, $"  RTT {rtt.TotalMilliseconds:0.###} ms at {rate:0} msg/s: added median {step.AddedMedianUs.Value:0.0} µs "
                    + $"[{step.AddedMedianUs.Low:0.0}, {step.AddedMedianUs.High:0.0}], p99 {step.AddedP99Us.Value:0.0} µs; error at median {step.ErrorMedianUs:+0.0;-0.0} µs; "
                    + $"release lateness p50 {step.Lateness.LatenessP50Us:0.0} p99 {step.Lateness.LatenessP99Us:0.0} max {step.Lateness.LatenessMaxUs:0.0} µs"));
            }
        }
        results.FinishedUtc = DateTimeOffset.UtcNow;
        Write(options.OutputPath, results);
        return 0;
    }

    /// <summary>Each direct or relayed block of a step.</summary>
    private static readonly TimeSpan BlockLength = TimeSpan.FromMilliseconds(500);

    /// <summary>A probe on a thread of its own (LongRunning): its pacing thread takes SCHED_FIFO, which must not stay with a pool thread.</summary>
    private static Task<double[]> ProbeOnOwnThreadAsync(IPEndPoint target, double rate, TimeSpan duration, CancellationToken ct) =>
        Task.Factory.StartNew(() => Probe(target, rate, duration, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void Write(string path, RelayCalibrationResults results) => AtomicFile.WriteAllText(path, RelayCalibrationJson.Serialize(results));

    public static RelayCalibrationStep Summarise(TimeSpan rtt, double rate, TimeSpan duration, double[] direct, double[] via, StoreRelayResult lateness)
    {
        var d = Statistics.Sorted(direct);
        var v = Statistics.Sorted(via);
        var dMed = Quantile(d, 0.5);
        var dP99 = Quantile(d, 0.99);
        var vMed = Quantile(v, 0.5);
        var vP99 = Quantile(v, 0.99);
        static Estimate Added(Estimate relay, Estimate baseline) =>
            new(Round(relay.Value - baseline.Value), Round(relay.Low - baseline.High), Round(relay.High - baseline.Low));
        var addedMed = Added(vMed, dMed);
        var addedP99 = Added(vP99, dP99);
        var set = rtt.TotalMicroseconds;
        return new RelayCalibrationStep(Math.Round(rtt.TotalMilliseconds, 4), rate, duration.TotalSeconds, d.Length, v.Length, dMed, dP99, vMed, vP99,
            addedMed, addedP99, Round(addedMed.Value - set), Round(addedP99.Value - set), lateness);
    }

    /// <summary>The q-quantile of sorted values with its distribution-free 95 % interval (normal approximation of the binomial ranks).</summary>
    public static Estimate Quantile(double[] sorted, double q)
    {
        var n = sorted.Length;
        if (n == 0)
        {
            return new Estimate(double.NaN, double.NaN, double.NaN);
        }
        var rank = q * (n - 1);
        var half = 1.96 * Math.Sqrt(n * q * (1 - q));
        double At(double r) => sorted[(int)Math.Clamp(Math.Round(r), 0, n - 1)];
        return new Estimate(Round(At(rank)), Round(At(Math.Floor(rank - half))), Round(At(Math.Ceiling(rank + half))));
    }

    private static double Round(double us) => Math.Round(us, 1);

    /// <summary>Round trips in µs at <paramref name="rate"/> messages/s for <paramref name="duration"/> on a new connection, the first 10 % dropped.</summary>
    private static double[] Probe(IPEndPoint target, double rate, TimeSpan duration, CancellationToken ct)
    {
        var count = Math.Max(10, (int)(rate * duration.TotalSeconds));
        var sent = new long[count];
        var rtts = new double[count];
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(target);
        var received = 0;
        var receiver = new Thread(() =>
        {
            var buffer = new byte[64 * 1024];
            long bytes = 0;
            try
            {
                while (received < count)
                {
                    var n = socket.Receive(buffer);
                    if (n == 0)
                    {
                        return;
                    }
                    var now = Stopwatch.GetTimestamp();
                    bytes += n;
                    while (received < bytes / MessageBytes)
                    {
                        rtts[received] = Stopwatch.GetElapsedTime(Volatile.Read(ref sent[received]), now).TotalMicroseconds;
                        received++;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed under us: the samples so far stand.
            }
        }) { IsBackground = true, Name = "relay-calibration-receiver" };
        receiver.Start();
        _ = PreciseSleep.TightenTimerSlack(1);
        _ = PreciseSleep.TryRealtime();
        var message = new byte[MessageBytes];
        var start = Stopwatch.GetTimestamp();
        var interval = Stopwatch.Frequency / rate;
        for (var i = 0; i < count && !ct.IsCancellationRequested; i++)
        {
            PreciseSleep.Until(start + (long)(i * interval));
            Volatile.Write(ref sent[i], Stopwatch.GetTimestamp());
            _ = socket.Send(message);
        }
        if (!receiver.Join(TimeSpan.FromSeconds(10)))
        {
            socket.Dispose();
            receiver.Join();
        }
        var warm = received / 10;
        return rtts[warm..received];
    }

    /// <summary>A loopback echo server: one blocking thread per connection, so that its own delay is small and the same direct or relayed.</summary>
    private sealed class EchoServer : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _accepted = [];

        private EchoServer()
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(16);
            EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
            new Thread(Accept) { IsBackground = true, Name = "relay-calibration-echo" }.Start();
        }

        public IPEndPoint EndPoint { get; }

        public static EchoServer Start() => new();

        private void Accept()
        {
            try
            {
                while (true)
                {
                    var socket = _listener.Accept();
                    socket.NoDelay = true;
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }
                    new Thread(() => Echo(socket)) { IsBackground = true, Name = "relay-calibration-echo" }.Start();
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }

        private static void Echo(Socket socket)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = socket.Receive(buffer)) > 0)
                {
                    var sent = 0;
                    while (sent < n)
                    {
                        sent += socket.Send(buffer, sent, n - sent, SocketFlags.None);
                    }
                }
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The client went away.
            }
        }

        public void Dispose()
        {
            _listener.Dispose();
            lock (_accepted)
            {
                foreach (var socket in _accepted)
                {
                    socket.Dispose();
                }
            }
        }
    }
}
