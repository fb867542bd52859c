using System.Net;
using System.Net.Sockets;
using System.Text;
using AuthBench.LoadTest.Engine;

namespace AuthBench.LoadTest.Tests;

public class RecorderTests
{
    /// <summary>
    /// One connection, 100 requests/s, every answer takes 1 ms except request 50, which stalls for 1 s. Driven
    /// through the real dispatcher on a fake clock. The requests that were due during the stall waited for it:
    /// latency from the intended time shows them; service time (what a closed-loop tool reports) does not.
    /// </summary>
    [Fact]
    public void Corrected_latency_shows_the_stall_that_service_time_hides()
    {
        var clock = new ManualTime();
        var schedule = new OpenLoopSchedule(0, 100, 300, clock.TimestampFrequency);
        var dispatcher = new OpenLoopDispatcher(schedule, connections: 1, maxInFlight: 1000, lateThresholdTicks: ManualTime.Ms(1));
        var recorder = new Recorder(0, clock.TimestampFrequency);
        var starts = new List<(int Connection, ScheduledRequest Request)>();
        long ServiceTicks(long index) => index == 50 ? ManualTime.Ms(1000) : ManualTime.Ms(1);

        // Discrete-event simulation: the connection is busy until busyUntil with the request it sent at sentAt.
        ScheduledRequest? current = null;
        long sentAt = 0, busyUntil = 0;
        for (var step = 0; step < 100_000 && (!schedule.Done || current is not null); step++)
        {
            var nextDue = schedule.Done ? long.MaxValue : schedule.IntendedTicks(schedule.Next);
            if (current is { } running && busyUntil <= nextDue)
            {
                clock.Now = busyUntil;
                recorder.Record(running.IntendedTicks, sentAt, clock.Now, 200, null);
                current = dispatcher.Complete(0, clock.Now, out var next) ? next : null;
                sentAt = clock.Now;
                busyUntil = current is { } c ? clock.Now + ServiceTicks(c.Index) : 0;
                continue;
            }
            clock.Now = nextDue;
            dispatcher.Pump(clock.Now, starts);
            foreach (var (_, request) in starts)
            {
                current = request;
                sentAt = clock.Now;
                busyUntil = clock.Now + ServiceTicks(request.Index);
            }
            starts.Clear();
        }

        Assert.Equal(300, recorder.Latency.TotalCount);
        Assert.Equal(300, recorder.ServiceTime.TotalCount);
        // Service time: one slow answer in 300; the 99th percentile is the ordinary 1 ms.
        Assert.InRange(recorder.ServiceTime.GetValueAtPercentile(99), 900, 1100);
        Assert.InRange(HdrHistogram.HistogramExtensions.GetMaxValue(recorder.ServiceTime), 990_000, 1_010_000);
        // Latency: the ~100 requests due during the stall waited for it, so the 90th percentile is hundreds of ms.
        Assert.True(recorder.Latency.GetValueAtPercentile(90) >= 200_000, $"p90 {recorder.Latency.GetValueAtPercentile(90)} µs");
        Assert.True(dispatcher.Late >= 100, $"late {dispatcher.Late}");
        Assert.Equal(0, dispatcher.Dropped);
    }

    /// <summary>The same stall from a real server on loopback, measured by the real engine.</summary>
    [Fact]
    public async Task Engine_against_a_stalling_server_records_the_stall_in_latency_not_in_service_time()
    {
        using var server = new ScriptedServer(index => index == 20 ? TimeSpan.FromMilliseconds(600) : TimeSpan.Zero,
            _ => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
        var request = Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
        var engine = new LoadEngine(new EngineOptions { EndPoint = server.EndPoint, RequestFor = _ => request, Connections = 1, MaxInFlight = 1000 });

        var m = await engine.RunOpenLoopAsync(rate: 100, duration: TimeSpan.FromSeconds(2));

        Assert.Equal(200, m.Recorder.Responses);
        static long Above(HdrHistogram.HistogramBase h, long micros) => h.RecordedValues().Where(v => v.ValueIteratedTo >= micros).Sum(v => v.CountAddedInThisIterationStep);
        // Requests due during the 600 ms stall (~60 of them) waited behind it.
        Assert.True(Above(m.Recorder.Latency, 200_000) >= 20, $"corrected: {Above(m.Recorder.Latency, 200_000)} above 200 ms");
        // Their own service was quick: only the stalled one (and, on a busy machine, a rare straggler) is slow.
        Assert.True(Above(m.Recorder.ServiceTime, 200_000) <= 3, $"service: {Above(m.Recorder.ServiceTime, 200_000)} above 200 ms");
    }

    [Fact]
    public void Dispatch_delay_is_the_send_minus_the_intended_time_and_zero_is_kept()
    {
        var recorder = new Recorder(0, 1_000_000);
        recorder.Record(intendedTicks: 100, sendTicks: 100, doneTicks: 300, 200, null);
        recorder.Record(intendedTicks: 100, sendTicks: 175, doneTicks: 300, 200, null);

        Assert.Equal(0, recorder.DispatchDelay.GetValueAtPercentile(50));
        Assert.Equal(75, HdrHistogram.HistogramExtensions.GetMaxValue(recorder.DispatchDelay));
        Assert.Equal(200, recorder.Latency.GetValueAtPercentile(50));
        Assert.Equal(125, recorder.ServiceTime.GetValueAtPercentile(0));
    }

    [Fact]
    public void Status_codes_and_transport_failures_are_counted_by_kind()
    {
        var recorder = new Recorder(0, 1_000_000);
        recorder.Record(0, 0, 100, 200, null);
        recorder.Record(0, 0, 100, 503, null);
        recorder.Record(0, 0, 100, 503, null);
        recorder.Record(0, 0, 100, 0, Recorder.Classify(new SocketException((int)SocketError.ConnectionRefused)));

        Assert.Equal(3, recorder.Responses);
        Assert.Equal(1, recorder.TransportErrors);
        Assert.Equal(new Dictionary<string, long> { ["connection_refused"] = 1, ["http_503"] = 2 }, recorder.Errors());
        Assert.Equal(new Dictionary<string, long> { ["200"] = 1, ["503"] = 2 }, recorder.StatusCodes());
    }
}

/// <summary>
/// A loopback HTTP/1.1 server for engine tests: answers request n after <c>delay(n)</c> with <c>response(n)</c>,
/// counting the request bytes it read. Bounded: it stops with the test.
/// </summary>
internal sealed class ScriptedServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(); // not disposed: Dispose may race the serving tasks
    private readonly Func<int, TimeSpan> _delay;
    private readonly Func<int, byte[]> _response;
    private int _requests;
    private long _bytesRead;

    public ScriptedServer(Func<int, TimeSpan> delay, Func<int, byte[]> response)
    {
        _delay = delay;
        _response = response;
        _listener.Start();
        _ = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var buffer = new byte[8192];
        var pending = new List<byte>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return;
                }
                Interlocked.Add(ref _bytesRead, n);
                pending.AddRange(buffer.AsSpan(0, n).ToArray());
                int end;
                while ((end = IndexOf(pending, "\r\n\r\n"u8.ToArray())) >= 0)
                {
                    pending.RemoveRange(0, end + 4);
                    var index = Interlocked.Increment(ref _requests) - 1;
                    var delay = _delay(index);
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, _stop.Token);
                    }
                    await stream.WriteAsync(_response(index), _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static int IndexOf(List<byte> haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }
            if (match)
            {
                return i;
            }
        }
        return -1;
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
