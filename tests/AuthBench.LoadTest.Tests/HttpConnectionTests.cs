using System.Text;
using AuthBench.LoadTest.Engine;
using AuthBench.Contracts.Arms;
using AuthBench.LoadTest.Clients;

namespace AuthBench.LoadTest.Tests;

public class HttpConnectionTests
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nCookie: __Host-sid=abc\r\n\r\n");

    [Fact]
    public async Task Byte_counter_counts_exactly_the_request_and_response_on_the_socket()
    {
        var response = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world"u8.ToArray();
        using var server = new ScriptedServer(_ => TimeSpan.Zero, _ => response);
        using var connection = new HttpConnection(server.EndPoint);

        Assert.Equal(200, await connection.SendAsync(Request, CancellationToken.None));
        Assert.Equal(200, await connection.SendAsync(Request, CancellationToken.None));

        Assert.Equal(2 * Request.Length, connection.BytesSent);
        Assert.Equal(2 * response.Length, connection.BytesReceived);
        Assert.Equal(2 * Request.Length, server.BytesRead);
    }

    [Fact]
    public async Task Chunked_body_split_across_writes_is_read_to_its_end_and_the_connection_is_reused()
    {
        // Chunk sizes in hex, an extension, a trailer; then a second response that must parse cleanly after it.
        var chunked = "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nRetry-After: 1\r\n\r\n"
            + "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n";
        var plain = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
        using var server = new ScriptedServer(_ => TimeSpan.Zero, i => Encoding.ASCII.GetBytes(i == 0 ? chunked : plain));
        using var connection = new HttpConnection(server.EndPoint);

        Assert.Equal(503, await connection.SendAsync(Request, CancellationToken.None));
        Assert.Equal(200, await connection.SendAsync(Request, CancellationToken.None));
        Assert.True(connection.IsConnected);
        Assert.Equal(chunked.Length + plain.Length, connection.BytesReceived);
    }

    [Fact]
    public async Task Connection_close_is_honoured_and_the_next_request_reconnects()
    {
        var closing = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        using var server = new ScriptedServer(_ => TimeSpan.Zero, _ => Encoding.ASCII.GetBytes(closing));
        using var connection = new HttpConnection(server.EndPoint);

        Assert.Equal(401, await connection.SendAsync(Request, CancellationToken.None));
        Assert.False(connection.IsConnected);
        Assert.Equal(401, await connection.SendAsync(Request, CancellationToken.None));
    }

    [Fact]
    public async Task A_server_that_closes_mid_body_is_a_protocol_error()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[1024];
            var read = 0;
            while (read < Request.Length)
            {
                read += await stream.ReadAsync(buffer.AsMemory(read));
            }
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"u8.ToArray());
        }); // disposing the client closes the connection 95 bytes early
        using var connection = new HttpConnection((System.Net.IPEndPoint)listener.LocalEndpoint);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => connection.SendAsync(Request, CancellationToken.None).AsTask());
        await server;

        Assert.Equal("protocol", Recorder.Classify(e));
    }

    [Theory]
    [InlineData("HTTP/1.1 204 No Content\r\nDate: x", 204, -1, false, false)]
    [InlineData("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: gzip, chunked", 200, -1, true, false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 7", 200, 7, false, true)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive", 200, -1, false, false)]
    public void Response_head_is_parsed(string head, int status, long length, bool chunked, bool close)
    {
        var parsed = ResponseHead.Parse(Encoding.ASCII.GetBytes(head));
        Assert.Equal(new ResponseHead(status, length, chunked, close), parsed);
    }

    [Theory]
    [InlineData("HTTP/1.1 2x0 OK")]
    [InlineData("SSH-2.0-OpenSSH")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1")]
    public void Malformed_response_heads_are_protocol_errors(string head) =>
        Assert.Throws<HttpFramingException>(() => ResponseHead.Parse(Encoding.ASCII.GetBytes(head)));

    [Fact]
    public void Requests_carry_exactly_the_credential_header()
    {
        var bytes = CredentialPool.FormatRequest("GET", "/api/me", "127.0.0.1:5000", "Authorization: Bearer a.b.c");
        Assert.Equal("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nAuthorization: Bearer a.b.c\r\n\r\n", Encoding.ASCII.GetString(bytes));
        Assert.Equal("GET /health HTTP/1.1\r\nHost: h\r\n\r\n", Encoding.ASCII.GetString(CredentialPool.FormatRequest("GET", "/health", "h", null)));
    }

    [Fact]
    public void Session_id_is_taken_from_the_host_cookie_only()
    {
        var now = DateTimeOffset.UnixEpoch;
        var found = CookieCredentialSource.Find(["other=1; path=/", "__Host-sid=AbC_-1; path=/; secure; samesite=strict; httponly"], ArmCatalogue.SessionCookieName, now);
        Assert.Equal(("AbC_-1", (DateTimeOffset?)null), found);
        Assert.Null(CookieCredentialSource.Find(["sid=abc; path=/"], ArmCatalogue.SessionCookieName, now));
    }
}
