using System.Net;
using System.Text;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Engine.Http2;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace AuthBench.LoadTest.Tests;

/// <summary>The HTTP/2 client against Kestrel in-process, on a real h2c (HTTP/2-only, prior knowledge) listener.</summary>
public sealed class Http2ConnectionTests : IAsyncLifetime
{
    private const string Token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyMSIsInBsYW4iOiJwcm8ifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1pcy1sb25n";
    private WebApplication _app = null!;
    private IPEndPoint _endPoint = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
            k.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(1);
            k.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(1);
        });
        _app = builder.Build();
        _app.MapGet("/echo", (HttpContext c) => c.Request.Headers.Authorization.Count == 0
            ? HttpResults.StatusCode(401)
            : HttpResults.Text(c.Request.Headers.Authorization.ToString().Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        _app.MapGet("/big", () => HttpResults.Bytes(new byte[20 * 1024 * 1024]));
        await _app.StartAsync();
        var address = new Uri(_app.Urls.First());
        _endPoint = new IPEndPoint(IPAddress.Loopback, address.Port);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Many_GETs_multiplexed_on_one_connection_all_get_their_own_status()
    {
        using var connection = new Http2Connection(_endPoint);
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            connection.SendAsync(Get(i % 3 == 0 ? [] : [Bearer(HpackIndexing.Incremental)]), CancellationToken.None)));
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(i % 3 == 0 ? 401 : 200, answers[i].Status);
        }
        Assert.True(connection.BytesSent > 0 && connection.BytesReceived > 0);
    }

    [Theory]
    [InlineData(HpackIndexing.Incremental)]
    [InlineData(HpackIndexing.NeverIndexed)]
    public async Task Second_request_of_the_same_user_sends_an_index_when_indexed_and_the_whole_value_when_never_indexed(HpackIndexing policy)
    {
        using var connection = new Http2Connection(_endPoint);
        var first = await connection.SendAsync(Get([Bearer(policy)]), CancellationToken.None);
        var second = await connection.SendAsync(Get([Bearer(policy)]), CancellationToken.None);
        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        // Second block: :method GET (static), :scheme http (static), :authority and :path (dynamic): one byte each.
        var credentialBytes = second.RequestHeaderBlockBytes - 4;
        var value = Encoding.ASCII.GetBytes("Bearer " + Token);
        if (policy == HpackIndexing.Incremental)
        {
            Assert.InRange(credentialBytes, 1, 2);
        }
        else
        {
            // 0001 1111 + 8 (name index 23 on a 4-bit prefix), a Huffman length on a 7-bit prefix, the Huffman bytes.
            var huffman = Huffman.EncodedLength(value);
            Assert.Equal(2 + (huffman < 127 ? 1 : 2) + huffman, credentialBytes);
        }
    }

    [Fact]
    public async Task A_body_larger_than_both_windows_arrives_through_WINDOW_UPDATEs()
    {
        using var connection = new Http2Connection(_endPoint);
        var answer = await connection.SendAsync(new Http2Request("GET", "/big", "127.0.0.1", []), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, answer.Status);
        Assert.True(connection.BytesReceived > 20 * 1024 * 1024);
    }

    [Fact]
    public async Task Server_PINGs_are_answered_so_an_idle_connection_stays_usable()
    {
        using var connection = new Http2Connection(_endPoint);
        Assert.Equal(200, (await connection.SendAsync(Get([Bearer(HpackIndexing.Incremental)]), CancellationToken.None)).Status);
        // Kestrel pings after 1 s idle and closes the connection when no ACK comes within 1 s.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.True(connection.IsConnected);
        Assert.Equal(200, (await connection.SendAsync(Get([Bearer(HpackIndexing.Incremental)]), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task GOAWAY_on_shutdown_is_read_and_the_next_request_fails_instead_of_hanging()
    {
        using var connection = new Http2Connection(_endPoint);
        Assert.Equal(200, (await connection.SendAsync(Get([Bearer(HpackIndexing.Incremental)]), CancellationToken.None)).Status);
        await _app.StopAsync();
        await WaitUntilAsync(() => connection.GoAwayError is not null || !connection.IsConnected);
        Assert.True(connection.GoAwayError is 0 || !connection.IsConnected);
        await Assert.ThrowsAnyAsync<Exception>(() => connection.SendAsync(Get([]), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Engine_bytes_per_request_follow_the_policy_and_the_users_per_connection()
    {
        // 200 users with distinct tokens: far more than a 4 KB dynamic table holds, so a gateway connection that walks
        // them all never finds its credential in the table, while a browser connection (one user) always does.
        var requests = Enumerable.Range(0, 200)
            .Select(i => Encoding.ASCII.GetBytes($"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Token}.{i:D4}\r\n\r\n"))
            .ToArray();
        async Task<double> BytesPerRequestAsync(HttpWire wire, int? usersPerConnection)
        {
            var engine = new LoadEngine(new EngineOptions
            {
                EndPoint = _endPoint,
                RequestFor = i => requests[(int)(i % requests.Length)],
                Connections = 4,
                Http = wire,
                StreamsPerConnection = 1,
                UsersPerConnection = usersPerConnection,
            });
            var m = await engine.RunClosedLoopAsync(TimeSpan.FromSeconds(1));
            Assert.True(m.Recorder.Responses > 50);
            Assert.Equal(m.Recorder.Responses, m.Started);
            return (double)m.BytesSent / m.Started;
        }

        var browserIndexed = await BytesPerRequestAsync(HttpWire.Http2Indexed, 1);
        var gatewayIndexed = await BytesPerRequestAsync(HttpWire.Http2Indexed, null);
        var browserNever = await BytesPerRequestAsync(HttpWire.Http2NeverIndexed, 1);
        var http11 = await BytesPerRequestAsync(HttpWire.Http11, 1);
        var huffmanToken = Huffman.EncodedLength(Encoding.ASCII.GetBytes($"Bearer {Token}.0000"));
        Assert.InRange(browserIndexed, 9 + 5, 9 + 5 + 10); // frame header + five 1-byte indices, plus the amortised preface
        Assert.True(gatewayIndexed > huffmanToken, $"gateway indexed {gatewayIndexed:F1} B");
        Assert.True(browserNever > huffmanToken, $"browser never-indexed {browserNever:F1} B");
        Assert.Equal(requests[0].Length, http11, 1.0);
    }

    [Fact]
    public async Task Engine_counts_the_credential_fields_hpack_bytes_apart()
    {
        var requests = Enumerable.Range(0, 200)
            .Select(i => Encoding.ASCII.GetBytes($"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Token}.{i:D4}\r\n\r\n"))
            .ToArray();
        async Task<TrialMeasurement> RunAsync(HttpWire wire, int? usersPerConnection) =>
            await new LoadEngine(new EngineOptions
            {
                EndPoint = _endPoint,
                RequestFor = i => requests[(int)(i % requests.Length)],
                Connections = 2,
                Http = wire,
                StreamsPerConnection = 1,
                UsersPerConnection = usersPerConnection,
            }).RunClosedLoopAsync(TimeSpan.FromSeconds(0.5));

        var value = Huffman.EncodedLength(Encoding.ASCII.GetBytes($"Bearer {Token}.0000"));
        var literal = 2 + (value < 127 ? 1 : 2) + value; // name index 23 (two bytes with a 4-bit prefix), the length, the Huffman-coded value
        var never = await RunAsync(HttpWire.Http2NeverIndexed, null);
        Assert.Equal(literal, (double)never.CredentialBytesSent!.Value / never.Started, 1.0);
        Assert.Equal(HttpWire.Http2NeverIndexed, never.Http);
        var browser = await RunAsync(HttpWire.Http2Indexed, 1);
        Assert.InRange((double)browser.CredentialBytesSent!.Value / browser.Started, 1, 1 + (2.0 * literal / browser.Started) + 0.5);
        Assert.Equal(1, browser.UsersPerConnection);
        var http11 = await RunAsync(HttpWire.Http11, null);
        Assert.Null(http11.CredentialBytesSent);
    }

    private static Http2Request Get(Http2Field[] fields) => new("GET", "/echo", "127.0.0.1", fields);

    private static Http2Field Bearer(HpackIndexing policy) => new("authorization"u8.ToArray(), Encoding.ASCII.GetBytes("Bearer " + Token), policy);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }
    }
}
