using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AuthBench.LoadTest.Engine;

namespace AuthBench.LoadTest.Tests;

/// <summary>Timing tests run alone: other tests' CPU would delay the stall's timers, which is not what they calibrate.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}

/// <summary>
/// The open-loop engine against a target whose latency distribution is known analytically: a loopback server that
/// answers nothing during the first <c>S</c> of every second and everything else at once. A request due at offset
/// <c>u &lt; S</c> into a second waits <c>S − u</c>; every other one is answered in well under a millisecond. With
/// requests evenly spaced over whole seconds, P(latency &gt; x) = (S − x) / 1 s for 0 &lt; x &lt; S, so the q-th
/// percentile above 1 − S/1 s is S − (1 − q)·1 s: with S = 100 ms, p95 = 50 ms, p99 = 90 ms, p99.9 = 99 ms. An engine
/// that measured from the actual send instead of the intended one (coordinated omission), or whose pacing slipped,
/// would miss these; the engine must report them within 5 %.
/// </summary>
[Collection(TimingCollection.Name)]
public class CalibrationTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Latency_percentiles_under_scripted_stalls_match_the_analytic_values_within_5_percent()
    {
        using var server = new StallingServer(Stall);
        var request = Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
        // Enough connections that the requests due during a stall each wait on their own (none queues behind another).
        var engine = new LoadEngine(new EngineOptions { EndPoint = server.EndPoint, RequestFor = _ => request, Connections = 64, MaxInFlight = 1000 });

        // A warm-up, as every real trial has: the first second of a fresh process (JIT, the thread pool growing) is not
        // what the engine is calibrated on.
        _ = await engine.RunOpenLoopAsync(rate: 400, duration: TimeSpan.FromSeconds(1));
        var m = await engine.RunOpenLoopAsync(rate: 400, duration: TimeSpan.FromSeconds(5));

        Assert.Equal(2000, m.Recorder.Responses);
        Assert.Equal(0, m.Dropped);
        long At(double percentile) => m.Recorder.Latency.GetValueAtPercentile(percentile);
        var spectrum = string.Join(", ", new[] { 50.0, 80, 89, 90, 95, 99, 99.9, 100 }.Select(p =>
            $"p{p} {At(p)}/{m.Recorder.ServiceTime.GetValueAtPercentile(p)}/{m.Recorder.DispatchDelay.GetValueAtPercentile(p)}"));
        foreach (var percentile in new[] { 95.0, 99.0, 99.9 })
        {
            var expected = Stall.TotalMicroseconds - ((100 - percentile) / 100 * 1_000_000);
            Assert.True(Math.Abs(At(percentile) - expected) <= expected * 0.05,
                $"p{percentile}: {At(percentile)} µs, expected {expected} ± 5 % (latency/service/dispatch µs: {spectrum})");
        }
        // Outside the stalls (90 % of the requests) answers are immediate: the median is a small fraction of the stall.
        Assert.True(At(50) < Stall.TotalMicroseconds / 20, $"p50 {At(50)} µs ({spectrum})");
    }
}

/// <summary>
/// A loopback HTTP/1.1 server with one thread per connection (no thread pool, so nothing of the engine's process
/// can delay it) that holds every request read during the first <c>stall</c> of each second of its clock until the
/// stall ends, and answers every other at once. Bounded: threads end with their connection or with Dispose.
/// </summary>
internal sealed class StallingServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly TimeSpan _stall;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Socket> _clients = [];
    private volatile bool _stopped;

    public StallingServer(TimeSpan stall)
    {
        _stall = stall;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        new Thread(Accept) { IsBackground = true, Name = "stalling-server-accept" }.Start();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    private void Accept()
    {
        while (!_stopped)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            client.NoDelay = true;
            lock (_clients)
            {
                _clients.Add(client);
            }
            new Thread(() => Serve(client)) { IsBackground = true, Name = "stalling-server-conn" }.Start();
        }
    }

    private void Serve(Socket client)
    {
        var response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();
        var buffer = new byte[4096];
        var filled = 0;
        try
        {
            while (!_stopped)
            {
                var n = client.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                if (n == 0)
                {
                    return;
                }
                filled += n;
                int end;
                while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) >= 0)
                {
                    buffer.AsSpan(end + 4, filled - end - 4).CopyTo(buffer);
                    filled -= end + 4;
                    WaitOutTheStall();
                    client.Send(response);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Sleeps out the rest of the stall (a sleeper wakes at most about a millisecond late: 1 % of the smallest
    /// percentile checked). No spinning: dozens of held connections spinning on two cores would starve the engine.
    /// </summary>
    private void WaitOutTheStall()
    {
        var intoSecond = TimeSpan.FromTicks(_clock.Elapsed.Ticks % TimeSpan.TicksPerSecond);
        if (intoSecond < _stall)
        {
            Thread.Sleep(_stall - intoSecond);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _listener.Dispose();
        lock (_clients)
        {
            foreach (var c in _clients)
            {
                c.Dispose();
            }
        }
    }
}
