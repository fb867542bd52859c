using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Relay;
using Microsoft.Extensions.Time.Testing;

namespace AuthBench.LoadTest.Tests;

/// <summary>
/// The delaying store relay: bytes forwarded exactly in both directions with half-closes, never early, in order and
/// pipelined. Only lower bounds on time: the relay's precision is measured by relay-calibrate, not asserted here.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class RelayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    public async Task Random_payloads_arrive_exactly_both_ways_and_a_half_close_is_forwarded_after_the_data(double rttMs)
    {
        var random = new Random(12);
        var up = new byte[3_000_000];
        var down = new byte[1_234_567];
        random.NextBytes(up);
        random.NextBytes(down);
        using var listener = Listen();
        await using var relay = DelayRelay.Start(listener.LocalEndPoint!, TimeSpan.FromMilliseconds(rttMs));

        // The server reads to the client's FIN, then answers and closes its side: a half-closed connection must still carry the answer.
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptAsync();
            var received = await ReadToEndAsync(socket);
            await SendInPiecesAsync(socket, down, new Random(3));
            socket.Shutdown(SocketShutdown.Send);
            return received;
        });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(relay.EndPoint);
        await SendInPiecesAsync(client, up, random);
        client.Shutdown(SocketShutdown.Send);
        var answer = await ReadToEndAsync(client).WaitAsync(Patience);

        Assert.Equal(up, await server.WaitAsync(Patience));
        Assert.Equal(down, answer);
        Assert.Equal(up.Length, relay.BytesToUpstream);
        Assert.Equal(down.Length, relay.BytesToClient);
    }

    [Fact]
    public async Task Pipelined_messages_come_back_in_order_none_before_the_set_round_trip_and_not_one_round_trip_each()
    {
        var rtt = TimeSpan.FromMilliseconds(20);
        const int Messages = 50;
        using var echo = Listen();
        var echoing = Task.Run(async () =>
        {
            using var socket = await echo.AcceptAsync();
            var buffer = new byte[4096];
            int n;
            while ((n = await socket.ReceiveAsync(buffer)) > 0)
            {
                await socket.SendAsync(buffer.AsMemory(0, n));
            }
        });
        await using var relay = DelayRelay.Start(echo.LocalEndPoint!, rtt);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(relay.EndPoint);

        var sent = new long[Messages];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < Messages; i++)
        {
            sent[i] = Stopwatch.GetTimestamp();
            await client.SendAsync(BitConverter.GetBytes(i));
        }
        var got = new List<int>();
        var elapsed = new List<TimeSpan>();
        var pending = new List<byte>();
        var buffer = new byte[4096];
        while (got.Count < Messages)
        {
            var n = await client.ReceiveAsync(buffer).WaitAsync(Patience);
            Assert.NotEqual(0, n);
            var now = Stopwatch.GetTimestamp();
            pending.AddRange(buffer.AsSpan(0, n));
            while (pending.Count >= 4)
            {
                var value = BitConverter.ToInt32([.. pending.Take(4)]);
                pending.RemoveRange(0, 4);
                elapsed.Add(Stopwatch.GetElapsedTime(sent[Math.Clamp(value, 0, Messages - 1)], now));
                got.Add(value);
            }
        }
        var total = Stopwatch.GetElapsedTime(start);
        client.Shutdown(SocketShutdown.Both);

        Assert.Equal(Enumerable.Range(0, Messages), got);
        Assert.All(elapsed, e => Assert.True(e >= rtt, $"a reply came back after {e.TotalMilliseconds:0.###} ms, under the set {rtt.TotalMilliseconds} ms"));
        // One round trip per message, serialised, would take Messages × RTT (1 s); pipelined they all share about one.
        Assert.True(total < rtt * Messages, $"50 pipelined messages took {total.TotalMilliseconds:0} ms: the relay serialised them");
        var accuracy = relay.TakeAccuracy();
        Assert.Equal(20, accuracy.RttMs);
        Assert.True(accuracy.Chunks >= 2);
        await echoing.WaitAsync(Patience);
    }

    [Fact]
    public async Task On_a_test_clock_a_read_is_held_for_exactly_half_the_round_trip_each_way()
    {
        var time = new FakeTimeProvider();
        using var listener = Listen();
        await using var relay = DelayRelay.Start(listener.LocalEndPoint!, TimeSpan.FromMilliseconds(10), time);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(relay.EndPoint);
        using var server = await listener.AcceptAsync().WaitAsync(Patience);
        var buffer = new byte[16];

        await client.SendAsync("ping"u8.ToArray());
        await WaitUntilAsync(() => relay.BytesToUpstream == 4);
        await Task.Delay(100); // lets the release thread set its timer from the arrival time before the clock moves
        var upstream = server.ReceiveAsync(buffer);
        time.Advance(TimeSpan.FromMilliseconds(4.9));
        await Task.Delay(200);
        Assert.False(upstream.IsCompleted, "forwarded before half the round trip had passed");
        time.Advance(TimeSpan.FromMilliseconds(0.1));
        Assert.Equal(4, await upstream.WaitAsync(Patience));

        await server.SendAsync("pong"u8.ToArray());
        await WaitUntilAsync(() => relay.BytesToClient == 4);
        await Task.Delay(100);
        var back = client.ReceiveAsync(buffer);
        time.Advance(TimeSpan.FromMilliseconds(4.9));
        await Task.Delay(200);
        Assert.False(back.IsCompleted, "answered before half the round trip had passed");
        time.Advance(TimeSpan.FromMilliseconds(0.1));
        Assert.Equal(4, await back.WaitAsync(Patience));
        Assert.Equal("pong"u8.ToArray(), buffer[..4]);
    }

    [Fact]
    public async Task A_refused_store_closes_the_client_connection()
    {
        using var closed = Listen();
        var endPoint = closed.LocalEndPoint!;
        closed.Dispose();
        await using var relay = DelayRelay.Start(endPoint, TimeSpan.FromMilliseconds(1));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(relay.EndPoint);

        var read = await ReadToEndAsync(client).WaitAsync(Patience);

        Assert.Empty(read);
    }

    [Fact]
    public async Task A_round_trip_it_cannot_set_is_refused()
    {
        using var listener = Listen();
        await using var relay = DelayRelay.Start(listener.LocalEndPoint!, TimeSpan.Zero);

        Assert.Throws<ArgumentOutOfRangeException>(() => relay.SetRoundTrip(TimeSpan.FromMilliseconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => relay.SetRoundTrip(TimeSpan.FromSeconds(11)));
    }

    [Fact]
    public void The_store_connection_string_is_pointed_at_the_relay_with_its_password_and_options_kept()
    {
        var relayed = StoreRelay.ConnectionString("127.0.0.1:6390,password=secret,allowAdmin=true", new IPEndPoint(IPAddress.Loopback, 40001));

        Assert.Contains("127.0.0.1:40001", relayed, StringComparison.Ordinal);
        Assert.DoesNotContain("6390", relayed, StringComparison.Ordinal);
        Assert.Contains("password=secret", relayed, StringComparison.Ordinal);
        Assert.Contains("allowAdmin=True", relayed, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<Plan.UsageException>(() => StoreRelay.Upstream("127.0.0.1:7000,127.0.0.1:7001", "cluster (3 primaries)"));
    }

    [Fact]
    public void Calibration_reports_the_added_round_trip_as_relay_minus_direct_with_conservative_intervals()
    {
        var direct = Enumerable.Range(0, 1000).Select(i => 30.0 + (i % 10)).ToArray();
        var via = direct.Select(d => d + 1000).ToArray();

        var step = RelayCalibration.Summarise(TimeSpan.FromMilliseconds(1), 200, TimeSpan.FromSeconds(3), direct, via, new StoreRelayResult(1, 10, 1, 2, 3));

        Assert.Equal(1000, step.AddedMedianUs.Value, 1);
        Assert.True(step.AddedMedianUs.Low <= 1000 && step.AddedMedianUs.High >= 1000);
        Assert.Equal(0, step.ErrorMedianUs, 1);
        Assert.Equal(1000, step.RelaySamples);
        var json = RelayCalibrationJson.Serialize(new RelayCalibrationResults { StartedUtc = DateTimeOffset.UnixEpoch, Method = "m", CommandLine = "c", Steps = [step] });
        Assert.Equal(step, RelayCalibrationJson.Deserialize(json).Steps.Single());
    }

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(8);
        return socket;
    }

    private static async Task SendInPiecesAsync(Socket socket, byte[] data, Random random)
    {
        for (var at = 0; at < data.Length;)
        {
            var n = Math.Min(data.Length - at, random.Next(1, 70_000));
            at += await socket.SendAsync(data.AsMemory(at, n));
        }
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[32 * 1024];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer)) > 0)
            {
                all.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            // A reset ends the stream too.
        }
        return all.ToArray();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Patience.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "the relay did not read what was sent");
            await Task.Delay(5);
        }
    }
}
