using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace AuthBench.LoadTest.Engine.Http2;

/// <summary>
/// An engine slot on a shared <see cref="Http2Connection"/>. It takes the engine's preformatted HTTP/1.1 request and
/// sends the same request as HTTP/2: the request line gives :method and :path, Host gives :authority, the
/// connection-specific fields are dropped (RFC 9113 section 8.2.2), names are lower-cased, and the credential header
/// (authorization or cookie) is sent with the policy's indexing while every other field is indexed, as nghttp2 and
/// browsers do. The translation is cached per request buffer (the credential pool's buffers live for the run).
/// </summary>
internal sealed class Http2Channel : IEngineConnection
{
    // One cache per credential policy: the same request buffer translates differently under each.
    private static readonly ConditionalWeakTable<byte[], Http2Request>[] Translated =
        [.. Enum.GetValues<HpackIndexing>().Select(_ => new ConditionalWeakTable<byte[], Http2Request>())];
    private readonly Http2Connection _connection;
    private readonly HpackIndexing _credential;
    private readonly bool _countsBytes;

    /// <param name="countsBytes">True on exactly one slot of each connection: the engine sums the slots' counters.</param>
    public Http2Channel(Http2Connection connection, HpackIndexing credential, bool countsBytes)
    {
        _connection = connection;
        _credential = credential;
        _countsBytes = countsBytes;
    }

    public long BytesSent => _countsBytes ? _connection.BytesSent : 0;

    public long BytesReceived => _countsBytes ? _connection.BytesReceived : 0;

    public long? CredentialBytesSent => _countsBytes ? _connection.CredentialBytesSent : 0;

    public ValueTask ConnectAsync(CancellationToken ct) => _connection.ConnectAsync(ct);

    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, CancellationToken ct)
    {
        Http2Request translated;
        if (MemoryMarshal.TryGetArray(request, out var segment) && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length)
        {
            var credential = _credential;
            translated = Translated[(int)credential].GetValue(array, a => Translate(a, credential));
        }
        else
        {
            translated = Translate(request.ToArray(), _credential);
        }
        return (await _connection.SendAsync(translated, ct).ConfigureAwait(false)).Status;
    }

    public void Close() => _connection.Close();

    public void Dispose() => Close();

    /// <summary>An HTTP/1.1 request head (no body) as an HTTP/2 request.</summary>
    public static Http2Request Translate(byte[] http11, HpackIndexing credential)
    {
        var text = Encoding.ASCII.GetString(http11);
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3)
        {
            throw new Http2ProtocolException($"not an HTTP/1.1 request line: '{lines[0]}'");
        }
        var authority = "";
        var fields = new List<Http2Field>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                break;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (name)
            {
                case "host":
                    authority = value;
                    break;
                case "connection" or "keep-alive" or "proxy-connection" or "transfer-encoding" or "upgrade":
                    break;
                default:
                    var indexing = name is "authorization" or "cookie" ? credential : HpackIndexing.Incremental;
                    fields.Add(new Http2Field(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value), indexing));
                    break;
            }
        }
        return new Http2Request(requestLine[0], requestLine[1], authority, fields);
    }
}
