using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace AuthBench.LoadTest.Engine.Http2;

/// <summary>One header field of a request; <paramref name="Indexing"/> says how HPACK represents it.</summary>
public readonly record struct Http2Field(byte[] Name, byte[] Value, HpackIndexing Indexing);

/// <summary>A GET (or any bodiless request) as HTTP/2 sends it: pseudo-header values, then the regular fields.</summary>
public sealed record Http2Request(string Method, string Path, string Authority, IReadOnlyList<Http2Field> Fields);

/// <summary>What came back: the status and the size of the request's header block (HPACK bytes, frame headers excluded).</summary>
public readonly record struct Http2Answer(int Status, int RequestHeaderBlockBytes);

/// <summary>
/// A minimal HTTP/2 client over cleartext TCP with prior knowledge (RFC 9113 section 3.3), written for the load tool
/// only: the connection preface, SETTINGS (and their ACK), HEADERS and CONTINUATION, DATA with connection-level
/// WINDOW_UPDATE, PING answered, RST_STREAM and GOAWAY, and any number of GET streams multiplexed on one connection.
/// No request bodies, no priorities, no server push (disabled in SETTINGS). Every byte written to and read from the
/// socket is counted, control frames included. Hand-written (no package exposes an HTTP/2 client whose HPACK encoder
/// can be told to index the credential); HttpClient serves the never-indexed policy elsewhere.
/// </summary>
public sealed class Http2Connection : IDisposable
{
    /// <summary>SETTINGS_HEADER_TABLE_SIZE this client announces for the server's responses (the protocol default).</summary>
    public const int HeaderTableSize = 4096;

    /// <summary>Stream receive window (SETTINGS_INITIAL_WINDOW_SIZE) and the connection window's increment at start: 6 MB and 15 MB, as Chromium.</summary>
    public const int StreamWindow = 6 * 1024 * 1024;
    public const int ConnectionWindowIncrement = 15 * 1024 * 1024;

    private const int FrameHeaderLength = 9;
    private const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, PushPromise = 0x5, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8, Continuation = 0x9;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4, Padded = 0x8, Priority = 0x20;
    private const int DefaultMaxFrameSize = 16384;

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private readonly EndPoint _endPoint;
    private readonly bool _huffman;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly Lock _streamsLock = new();
    private readonly Dictionary<int, TaskCompletionSource<int>> _streams = [];
    private readonly ArrayBufferWriter<byte> _frame = new(1024);
    private readonly ArrayBufferWriter<byte> _block = new(1024);
    private HpackEncoder _encoder;
    private Socket? _socket;
    private int _nextStreamId = 1;
    private int _peerMaxFrameSize = DefaultMaxFrameSize;
    private long _bytesSent;
    private long _bytesReceived;
    private long _credentialBytesSent;
    private long _unackedData;

    public Http2Connection(EndPoint endPoint, bool huffman = true)
    {
        _endPoint = endPoint;
        _huffman = huffman;
        _encoder = new HpackEncoder(HpackEncoder.DefaultTableSize, huffman);
    }

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Bytes of the credential fields (authorization, cookie) in the header blocks sent so far: their HPACK representation alone.</summary>
    public long CredentialBytesSent => Interlocked.Read(ref _credentialBytesSent);

    public bool IsConnected => Volatile.Read(ref _socket) is not null;

    /// <summary>The last GOAWAY's error code (null: none received on the current connection).</summary>
    public int? GoAwayError { get; private set; }

    public async ValueTask ConnectAsync(CancellationToken ct)
    {
        await _connectLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_socket is not null)
            {
                return;
            }
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
            _encoder = new HpackEncoder(HpackEncoder.DefaultTableSize, _huffman);
            _nextStreamId = 1;
            _peerMaxFrameSize = DefaultMaxFrameSize;
            _unackedData = 0;
            GoAwayError = null;
            // Preface, our SETTINGS (no push, stream window), and a connection window increment, in one write.
            var start = new byte[Preface.Length + FrameHeaderLength + 18 + FrameHeaderLength + 4];
            Preface.CopyTo(start);
            var p = Preface.Length;
            WriteFrameHeader(start.AsSpan(p), 18, Settings, 0, 0);
            p += FrameHeaderLength;
            p = WriteSetting(start, p, 0x1, HeaderTableSize);
            p = WriteSetting(start, p, 0x2, 0); // SETTINGS_ENABLE_PUSH
            p = WriteSetting(start, p, 0x4, StreamWindow);
            WriteFrameHeader(start.AsSpan(p), 4, WindowUpdate, 0, 0);
            BinaryPrimitives.WriteUInt32BigEndian(start.AsSpan(p + FrameHeaderLength), ConnectionWindowIncrement);
            await SendRawAsync(socket, start, ct).ConfigureAwait(false);
            Volatile.Write(ref _socket, socket);
            _ = Task.Run(() => ReadLoopAsync(socket), CancellationToken.None);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Opens a stream, sends the request's HEADERS (END_STREAM) and waits for the response to end.</summary>
    public async Task<Http2Answer> SendAsync(Http2Request request, CancellationToken ct)
    {
        if (Volatile.Read(ref _socket) is null)
        {
            await ConnectAsync(ct).ConfigureAwait(false);
        }
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        int blockBytes;
        int streamId;
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var socket = Volatile.Read(ref _socket) ?? throw new Http2ProtocolException("connection closed");
            if (GoAwayError is not null || _nextStreamId > int.MaxValue - 2)
            {
                throw new Http2ProtocolException("connection is going away");
            }
            streamId = _nextStreamId;
            _nextStreamId += 2;
            // HPACK state changes in the order blocks are sent: encode under the write lock.
            _block.ResetWrittenCount();
            _encoder.BeginHeaderBlock(_block);
            _encoder.Encode(":method"u8, System.Text.Encoding.ASCII.GetBytes(request.Method), HpackIndexing.Incremental, _block);
            _encoder.Encode(":scheme"u8, "http"u8, HpackIndexing.Incremental, _block);
            _encoder.Encode(":authority"u8, System.Text.Encoding.ASCII.GetBytes(request.Authority), HpackIndexing.Incremental, _block);
            _encoder.Encode(":path"u8, System.Text.Encoding.ASCII.GetBytes(request.Path), HpackIndexing.Incremental, _block);
            foreach (var field in request.Fields)
            {
                var before = _block.WrittenCount;
                _encoder.Encode(field.Name, field.Value, field.Indexing, _block);
                if (IsCredential(field.Name))
                {
                    Interlocked.Add(ref _credentialBytesSent, _block.WrittenCount - before);
                }
            }
            blockBytes = _block.WrittenCount;
            lock (_streamsLock)
            {
                _streams[streamId] = done;
            }
            WriteHeaderFrames(streamId, _block.WrittenSpan);
            await SendRawAsync(socket, _frame.WrittenMemory, ct).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
        using var registration = ct.Register(() => done.TrySetCanceled(ct));
        var status = await done.Task.ConfigureAwait(false);
        return new Http2Answer(status, blockBytes);
    }

    public void Close()
    {
        var socket = Interlocked.Exchange(ref _socket, null);
        socket?.Dispose();
        FailAll(new Http2ProtocolException("connection closed"));
    }

    public void Dispose() => Close();

    private void WriteHeaderFrames(int streamId, ReadOnlySpan<byte> block)
    {
        _frame.ResetWrittenCount();
        var type = Headers;
        var flags = EndStream;
        do
        {
            var take = Math.Min(block.Length, _peerMaxFrameSize);
            var last = take == block.Length;
            var span = _frame.GetSpan(FrameHeaderLength + take);
            WriteFrameHeader(span, take, type, (byte)(flags | (last ? EndHeaders : 0)), streamId);
            block[..take].CopyTo(span[FrameHeaderLength..]);
            _frame.Advance(FrameHeaderLength + take);
            block = block[take..];
            type = Continuation;
            flags = 0;
        }
        while (!block.IsEmpty);
    }

    private async Task SendRawAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        while (!bytes.IsEmpty)
        {
            var n = await socket.SendAsync(bytes, SocketFlags.None, ct).ConfigureAwait(false);
            Interlocked.Add(ref _bytesSent, n);
            bytes = bytes[n..];
        }
    }

    /// <summary>A control frame (SETTINGS ACK, PING ACK, WINDOW_UPDATE) from the read loop, between request writes.</summary>
    private async Task SendControlAsync(Socket socket, byte[] frame, Action? underLock = null)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            underLock?.Invoke();
            await SendRawAsync(socket, frame, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync(Socket socket)
    {
        var decoder = new HpackDecoder(HeaderTableSize);
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        var block = new ArrayBufferWriter<byte>(1024);
        var blockStream = 0;
        var blockEndsStream = false;
        var statuses = new Dictionary<int, int>();
        var streamUnacked = new Dictionary<int, long>();
        try
        {
            while (true)
            {
                // One frame: header, then payload.
                while (end - start < FrameHeaderLength || end - start < FrameHeaderLength + PayloadLength(buffer, start))
                {
                    if (start > 0 && end == buffer.Length)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    var n = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw new Http2ProtocolException("server closed the connection");
                    }
                    Interlocked.Add(ref _bytesReceived, n);
                    end += n;
                    if (end - start >= FrameHeaderLength && PayloadLength(buffer, start) > buffer.Length - FrameHeaderLength)
                    {
                        throw new Http2ProtocolException("frame larger than SETTINGS_MAX_FRAME_SIZE");
                    }
                }
                var length = PayloadLength(buffer, start);
                var type = buffer[start + 3];
                var flags = buffer[start + 4];
                var streamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start + 5)) & 0x7FFFFFFF);
                ReadOnlySpan<byte> payload = buffer.AsSpan(start + FrameHeaderLength, length);
                start += FrameHeaderLength + length;
                if (blockStream != 0 && type != Continuation)
                {
                    throw new Http2ProtocolException("header block interrupted by another frame");
                }
                switch (type)
                {
                    case Data:
                        if (streamId == 0)
                        {
                            throw new Http2ProtocolException("DATA on stream 0");
                        }
                        _unackedData += length;
                        if ((flags & EndStream) != 0)
                        {
                            streamUnacked.Remove(streamId);
                            Complete(streamId, statuses);
                        }
                        else
                        {
                            // Replenish a stream's window once half of it is used (a response larger than the window would stall).
                            var used = streamUnacked.GetValueOrDefault(streamId) + length;
                            streamUnacked[streamId] = used >= StreamWindow / 2 ? 0 : used;
                            if (used >= StreamWindow / 2)
                            {
                                await SendControlAsync(socket, Frame(WindowUpdate, 0, streamId, BigEndian((uint)used))).ConfigureAwait(false);
                            }
                        }
                        if (_unackedData >= ConnectionWindowIncrement / 2)
                        {
                            var increment = (uint)_unackedData;
                            _unackedData = 0;
                            await SendControlAsync(socket, Frame(WindowUpdate, 0, 0, BigEndian(increment))).ConfigureAwait(false);
                        }
                        break;
                    case Headers:
                    {
                        var fragment = payload;
                        if ((flags & Padded) != 0)
                        {
                            fragment = Unpad(fragment);
                        }
                        if ((flags & Priority) != 0)
                        {
                            fragment = fragment[5..];
                        }
                        block.ResetWrittenCount();
                        block.Write(fragment);
                        blockEndsStream = (flags & EndStream) != 0;
                        if ((flags & EndHeaders) != 0)
                        {
                            OnHeaderBlock(decoder, block.WrittenSpan, streamId, blockEndsStream, statuses);
                        }
                        else
                        {
                            blockStream = streamId;
                        }
                        break;
                    }
                    case Continuation:
                        if (streamId != blockStream)
                        {
                            throw new Http2ProtocolException("CONTINUATION on another stream");
                        }
                        block.Write(payload);
                        if ((flags & EndHeaders) != 0)
                        {
                            blockStream = 0;
                            OnHeaderBlock(decoder, block.WrittenSpan, streamId, blockEndsStream, statuses);
                        }
                        break;
                    case RstStream:
                        statuses.Remove(streamId);
                        streamUnacked.Remove(streamId);
                        Fail(streamId, new Http2ProtocolException($"stream reset by the server (error {(length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(payload) : 0)})"));
                        break;
                    case Settings:
                        if ((flags & Ack) == 0)
                        {
                            int? tableSize = null;
                            for (var i = 0; i + 6 <= length; i += 6)
                            {
                                var id = BinaryPrimitives.ReadUInt16BigEndian(payload[i..]);
                                var value = BinaryPrimitives.ReadUInt32BigEndian(payload[(i + 2)..]);
                                if (id == 0x1)
                                {
                                    tableSize = (int)Math.Min(value, HpackEncoder.DefaultTableSize);
                                }
                                else if (id == 0x5)
                                {
                                    _peerMaxFrameSize = (int)Math.Clamp(value, DefaultMaxFrameSize, 16 * 1024 * 1024);
                                }
                            }
                            await SendControlAsync(socket, Frame(Settings, Ack, 0, []), () =>
                            {
                                if (tableSize is { } size)
                                {
                                    _encoder.SetMaxTableSize(size);
                                }
                            }).ConfigureAwait(false);
                        }
                        break;
                    case Ping:
                        if ((flags & Ack) == 0)
                        {
                            await SendControlAsync(socket, Frame(Ping, Ack, 0, payload.ToArray())).ConfigureAwait(false);
                        }
                        break;
                    case GoAway:
                    {
                        var last = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF);
                        GoAwayError = (int)BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
                        FailAbove(last, new Http2ProtocolException($"GOAWAY (error {GoAwayError}) before this stream started"));
                        break;
                    }
                    case PushPromise:
                        throw new Http2ProtocolException("PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0");
                    case WindowUpdate:
                    default:
                        break; // no request bodies, so the server's windows do not matter; unknown types are ignored
                }
                if (start == end)
                {
                    start = end = 0;
                }
            }
        }
        catch (Exception e)
        {
            if (Interlocked.CompareExchange(ref _socket, null, socket) == socket)
            {
                socket.Dispose();
            }
            FailAll(e as Http2ProtocolException ?? new Http2ProtocolException(e.Message));
        }
    }

    private void OnHeaderBlock(HpackDecoder decoder, ReadOnlySpan<byte> block, int streamId, bool endStream, Dictionary<int, int> statuses)
    {
        var status = 0;
        decoder.Decode(block, (name, value) =>
        {
            if (status == 0 && name.AsSpan().SequenceEqual(":status"u8) && value.Length == 3)
            {
                status = ((value[0] - '0') * 100) + ((value[1] - '0') * 10) + (value[2] - '0');
            }
        });
        if (status is >= 200 && !statuses.ContainsKey(streamId))
        {
            statuses[streamId] = status; // a 1xx block is followed by the final one; trailers carry no status
        }
        if (endStream)
        {
            Complete(streamId, statuses);
        }
    }

    private void Complete(int streamId, Dictionary<int, int> statuses)
    {
        statuses.Remove(streamId, out var status);
        TaskCompletionSource<int>? done;
        lock (_streamsLock)
        {
            _streams.Remove(streamId, out done);
        }
        if (status == 0)
        {
            done?.TrySetException(new Http2ProtocolException("stream ended without a :status"));
        }
        else
        {
            done?.TrySetResult(status);
        }
    }

    private void Fail(int streamId, Exception e)
    {
        TaskCompletionSource<int>? done;
        lock (_streamsLock)
        {
            _streams.Remove(streamId, out done);
        }
        done?.TrySetException(e);
    }

    private void FailAbove(int lastStreamId, Exception e)
    {
        List<TaskCompletionSource<int>> failed = [];
        lock (_streamsLock)
        {
            foreach (var id in _streams.Keys.Where(id => id > lastStreamId).ToList())
            {
                failed.Add(_streams[id]);
                _streams.Remove(id);
            }
        }
        failed.ForEach(t => t.TrySetException(e));
    }

    private void FailAll(Exception e) => FailAbove(0, e);

    private static ReadOnlySpan<byte> Unpad(ReadOnlySpan<byte> payload)
    {
        var pad = payload[0];
        return pad >= payload.Length ? throw new Http2ProtocolException("bad padding") : payload[1..^pad];
    }

    private static bool IsCredential(byte[] name) => name.AsSpan().SequenceEqual("authorization"u8) || name.AsSpan().SequenceEqual("cookie"u8);

    private static int PayloadLength(byte[] buffer, int start) => (buffer[start] << 16) | (buffer[start + 1] << 8) | buffer[start + 2];

    private static void WriteFrameHeader(Span<byte> span, int length, byte type, byte flags, int streamId)
    {
        span[0] = (byte)(length >> 16);
        span[1] = (byte)(length >> 8);
        span[2] = (byte)length;
        span[3] = type;
        span[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(span[5..], streamId);
    }

    private static int WriteSetting(byte[] buffer, int p, ushort id, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(p), id);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(p + 2), value);
        return p + 6;
    }

    private static byte[] Frame(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[FrameHeaderLength + payload.Length];
        WriteFrameHeader(frame, payload.Length, type, flags, streamId);
        payload.CopyTo(frame, FrameHeaderLength);
        return frame;
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
