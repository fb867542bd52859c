namespace AuthBench.LoadTest.Engine.Http2;

/// <summary>What the engine speaks, and for HTTP/2 how HPACK sends the credential header (authorization or cookie).</summary>
public enum HttpWire
{
    /// <summary>HTTP/1.1 keep-alive, one request at a time per connection: the credential travels whole on every request.</summary>
    Http11,

    /// <summary>HTTP/2 (h2c), the credential as a literal never indexed: what .NET HttpClient and nghttp2 do for authorization.</summary>
    Http2NeverIndexed,

    /// <summary>HTTP/2 (h2c), the credential added to the dynamic table: what browsers and Go do; a repeat costs an index.</summary>
    Http2Indexed,
}

public static class HttpWires
{
    public static readonly HttpWire[] All = [HttpWire.Http11, HttpWire.Http2NeverIndexed, HttpWire.Http2Indexed];

    public static string Name(HttpWire wire) => wire switch
    {
        HttpWire.Http11 => Contracts.Results.HttpWireNames.Http11,
        HttpWire.Http2NeverIndexed => Contracts.Results.HttpWireNames.Http2NeverIndexed,
        HttpWire.Http2Indexed => Contracts.Results.HttpWireNames.Http2Indexed,
    };

    public static string Choices => string.Join(",", All.Select(Name));

    public static HttpWire? Find(string text) => All.Cast<HttpWire?>().FirstOrDefault(w => Name(w!.Value) == text.Trim());

    public static bool IsHttp2(HttpWire wire) => wire != HttpWire.Http11;

    /// <summary>The HPACK representation of the credential header under this wire (HTTP/2 only).</summary>
    public static HpackIndexing CredentialIndexing(HttpWire wire) => wire switch
    {
        HttpWire.Http11 => throw new ArgumentOutOfRangeException(nameof(wire), "HTTP/1.1 has no HPACK"),
        HttpWire.Http2NeverIndexed => HpackIndexing.NeverIndexed,
        HttpWire.Http2Indexed => HpackIndexing.Incremental,
    };
}
