using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AuthBench.LoadTest.Engine;

/// <summary>
/// One keep-alive HTTP/1.1 connection with no pipelining: write a preformatted request, read one response.
/// It exists because HttpClient costs the generator about 17 µs of CPU per request on this machine, and the
/// generator shares the cores with the server. It understands exactly what the API sends: a status line,
/// headers, and a body framed by Content-Length, chunked transfer encoding, or the end of the connection.
/// Every byte written to and read from the socket is counted.
/// </summary>
internal sealed class HttpConnection : IEngineConnection
{
    private const int MaxHeaderBytes = 64 * 1024;

    private readonly EndPoint _endPoint;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private Socket? _socket;

    public HttpConnection(EndPoint endPoint) => _endPoint = endPoint;

    /// <summary>Bytes written to the socket (request line, headers, body), over all requests.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Bytes read from the socket (status line, headers, body), over all responses.</summary>
    public long BytesReceived { get; private set; }

    public bool IsConnected => _socket is not null;

    public async ValueTask ConnectAsync(CancellationToken ct)
    {
        Close();
        var socket = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_endPoint, ct).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _start = _end = 0;
    }

    /// <summary>Sends one request and reads its response; returns the status code. Connects first when needed.</summary>
    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, CancellationToken ct) => SendAsync(request, 0, null, ct);

    /// <summary>The same, showing the response head to <paramref name="tracker"/> as request <paramref name="index"/>.</summary>
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, long index, IRequestTracker? tracker, CancellationToken ct)
    {
        if (_socket is null)
        {
            await ConnectAsync(ct).ConfigureAwait(false);
        }
        var socket = _socket!;
        var remaining = request;
        while (!remaining.IsEmpty)
        {
            var n = await socket.SendAsync(remaining, SocketFlags.None, ct).ConfigureAwait(false);
            BytesSent += n;
            remaining = remaining[n..];
        }
        var (status, close) = await ReadResponseAsync(index, tracker, ct).ConfigureAwait(false);
        if (close)
        {
            Close();
        }
        return status;
    }

    public void Close()
    {
        var socket = _socket;
        _socket = null;
        socket?.Dispose();
    }

    public void Dispose() => Close();

    private async ValueTask<(int Status, bool Close)> ReadResponseAsync(long index, IRequestTracker? tracker, CancellationToken ct)
    {
        // Status line and headers.
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd()) < 0)
        {
            if (_end - _start >= MaxHeaderBytes)
            {
                throw new HttpFramingException("response headers larger than 64 KB");
            }
            if (await FillAsync(ct).ConfigureAwait(false) == 0)
            {
                throw new HttpFramingException("connection closed before the response headers ended");
            }
        }
        var head = new ReadOnlySpan<byte>(_buffer, _start, headerEnd - _start);
        var info = ResponseHead.Parse(head);
        tracker?.OnHead(index, info.Status, head);
        _start = headerEnd + 4;

        if (info.Status is (>= 100 and < 200) or 204 or 304)
        {
            return (info.Status, info.Close);
        }
        if (info.Chunked)
        {
            await SkipChunkedBodyAsync(ct).ConfigureAwait(false);
            return (info.Status, info.Close);
        }
        if (info.ContentLength >= 0)
        {
            await SkipAsync(info.ContentLength, ct).ConfigureAwait(false);
            return (info.Status, info.Close);
        }
        // No framing: the body runs to the end of the connection.
        while (await FillAsync(ct).ConfigureAwait(false) > 0)
        {
            _start = _end;
        }
        return (info.Status, true);
    }

    private async ValueTask SkipChunkedBodyAsync(CancellationToken ct)
    {
        while (true)
        {
            var line = await ReadLineAsync(ct).ConfigureAwait(false);
            var size = ResponseHead.ParseChunkSize(new ReadOnlySpan<byte>(_buffer, line.Start, line.Length));
            if (size == 0)
            {
                // Trailers (if any) end with an empty line.
                while ((await ReadLineAsync(ct).ConfigureAwait(false)).Length > 0)
                {
                }
                return;
            }
            await SkipAsync(size, ct).ConfigureAwait(false);
            if ((await ReadLineAsync(ct).ConfigureAwait(false)).Length != 0)
            {
                throw new HttpFramingException("chunk not followed by CRLF");
            }
        }
    }

    /// <summary>Reads up to CRLF; returns the line's position in the buffer (valid until the next read).</summary>
    private async ValueTask<(int Start, int Length)> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var span = new ReadOnlySpan<byte>(_buffer, _start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var length = lf > 0 && span[lf - 1] == '\r' ? lf - 1 : lf;
                var start = _start;
                _start += lf + 1;
                return (start, length);
            }
            if (_end - _start >= MaxHeaderBytes)
            {
                throw new HttpFramingException("chunk header line too long");
            }
            if (await FillAsync(ct).ConfigureAwait(false) == 0)
            {
                throw new HttpFramingException("connection closed inside a chunked body");
            }
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken ct)
    {
        while (count > 0)
        {
            if (_start == _end && await FillAsync(ct).ConfigureAwait(false) == 0)
            {
                throw new HttpFramingException("connection closed inside the body");
            }
            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    /// <summary>Reads more bytes after the unread ones, compacting or growing the buffer; returns 0 at end of stream.</summary>
    private async ValueTask<int> FillAsync(CancellationToken ct)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }
        var socket = _socket ?? throw new HttpFramingException("not connected");
        var n = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
        BytesReceived += n;
        _end += n;
        return n;
    }

    private int IndexOfHeaderEnd()
    {
        var span = new ReadOnlySpan<byte>(_buffer, _start, _end - _start);
        var i = span.IndexOf("\r\n\r\n"u8);
        return i < 0 ? -1 : _start + i;
    }
}

/// <summary>The server broke HTTP/1.1 framing (or closed the connection mid-response).</summary>
internal sealed class HttpFramingException(string message) : Exception(message);

/// <summary>What the engine needs from a response head: status, body framing, and whether the server closes.</summary>
internal readonly record struct ResponseHead(int Status, long ContentLength, bool Chunked, bool Close)
{
    public static ResponseHead Parse(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || head[8] != ' ')
        {
            throw new HttpFramingException("not an HTTP/1.x status line");
        }
        var code = head.Slice(9, 3);
        if (!char.IsAsciiDigit((char)code[0]) || !char.IsAsciiDigit((char)code[1]) || !char.IsAsciiDigit((char)code[2]))
        {
            throw new HttpFramingException("status code is not three digits");
        }
        var status = ((code[0] - '0') * 100) + ((code[1] - '0') * 10) + (code[2] - '0');
        var close = head[7] == '0'; // HTTP/1.0 closes unless told otherwise; Kestrel answers 1.1
        long contentLength = -1;
        var chunked = false;
        var rest = head[(head.IndexOf((byte)'\n') + 1)..];
        while (!rest.IsEmpty)
        {
            var lf = rest.IndexOf((byte)'\n');
            var line = lf < 0 ? rest : rest[..lf];
            rest = lf < 0 ? default : rest[(lf + 1)..];
            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!System.Buffers.Text.Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0)
                {
                    throw new HttpFramingException("bad Content-Length");
                }
                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close = Ascii.EqualsIgnoreCase(value, "close"u8);
            }
        }
        return new ResponseHead(status, contentLength, chunked, close);
    }

    public static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        var semicolon = line.IndexOf((byte)';');
        if (semicolon >= 0)
        {
            line = line[..semicolon];
        }
        line = line.Trim((byte)' ');
        if (line.IsEmpty || line.Length > 15)
        {
            throw new HttpFramingException("bad chunk size");
        }
        long size = 0;
        foreach (var b in line)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => throw new HttpFramingException("bad chunk size"),
            };
            size = (size * 16) + digit;
        }
        return size;
    }
}
