using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthBench.Contracts.Results;

// sizes.json: written by the benchmark suite's SizeReport, read by the report. Field names are public (snake_case
// through SizesJsonContext): add, never rename.

/// <summary>
/// Credential sizes on the wire: per algorithm and claim profile, every arm's login response, and the request cookie
/// line of every cookie arm as its login sets it (null in files written before it existed).
/// </summary>
public sealed record SizesResults(
    string RepresentativeUser,
    IReadOnlyList<HeaderSizeRow> Rows,
    IReadOnlyList<LoginSizeRow> LoginResponses,
    IReadOnlyList<CookieSizeRow>? CookieLines = null);

/// <summary>
/// One algorithm and claim profile: the <c>Authorization: Bearer</c> line against the session cookie line, in bytes
/// with the header name and CRLF, and the session value the store returns on every lookup.
/// </summary>
public sealed record HeaderSizeRow(
    string Alg,
    string Claims,
    int TokenChars,
    int BearerHeaderBytes,
    int BearerHeaderBytesMin,
    int BearerHeaderBytesMax,
    int CookieHeaderBytes,
    int ExtraBytesPerRequest,
    double BearerToCookie,
    int SessionValueBytes)
{
    /// <summary>
    /// The same token in the cookie transport, <c>Cookie: __Host-jwt=&lt;token&gt;\r\n</c> (null in files written
    /// before the transport variants): the transport's cost apart from the credential's is its distance to
    /// <see cref="BearerHeaderBytes"/>.
    /// </summary>
    public int? TokenCookieHeaderBytes { get; init; }
}

/// <summary>One arm's <c>POST /auth/login</c> response as Kestrel sends it, counted off the socket.</summary>
public sealed record LoginSizeRow(
    string Arm,
    string? Alg,
    string Claims,
    int StatusAndHeaderBytes,
    int BodyBytes,
    int TotalBytes,
    IReadOnlyList<string> Headers,
    bool Chunked);

/// <summary>
/// One cookie arm's per-request credential, measured from the <c>Set-Cookie</c> its real login sends: the
/// <c>Cookie: name=value\r\n</c> line a client then sends, in bytes, for one claim profile.
/// </summary>
public sealed record CookieSizeRow(string Arm, string Claims, string CookieName, int ValueChars, int CookieHeaderBytes);

/// <summary>Serializer for sizes.json (source-generated).</summary>
public static class SizesJson
{
    public static string Serialize(SizesResults sizes) => JsonSerializer.Serialize(sizes, SizesJsonContext.Default.SizesResults);

    /// <summary>Reads a sizes.json; throws <see cref="JsonException"/> on a file that is not one.</summary>
    public static SizesResults Deserialize(string json) =>
        JsonSerializer.Deserialize(json, SizesJsonContext.Default.SizesResults) ?? throw new JsonException("sizes.json holds null");

    public static SizesResults Read(string path) => Deserialize(File.ReadAllText(path));
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SizesResults))]
public sealed partial class SizesJsonContext : JsonSerializerContext;
