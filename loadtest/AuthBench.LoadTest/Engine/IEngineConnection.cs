namespace AuthBench.LoadTest.Engine;

/// <summary>
/// One request slot of the engine: sends a preformatted HTTP/1.1 request and returns the response's status, one
/// request at a time. <see cref="HttpConnection"/> is a TCP connection per slot; <see cref="Http2.Http2Channel"/>
/// is a slot on an HTTP/2 connection that several slots share (streams multiplexed).
/// </summary>
internal interface IEngineConnection : IDisposable
{
    /// <summary>Bytes written to the socket; a shared connection reports them on one of its slots only, so the engine's sum is right.</summary>
    long BytesSent { get; }

    long BytesReceived { get; }

    /// <summary>
    /// HTTP/2: bytes of the credential field's HPACK representation in the header blocks sent (counted like
    /// <see cref="BytesSent"/>, on one slot per connection); null for HTTP/1.1, whose credential line is fixed per user.
    /// </summary>
    long? CredentialBytesSent => null;

    ValueTask ConnectAsync(CancellationToken ct);

    ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, CancellationToken ct);

    void Close();
}
