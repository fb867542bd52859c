using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AuthBench.LoadTest.Cli;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>
/// The credential pool of one arm: every user logged in through the real <c>POST /auth/login</c>, and one
/// preformatted request per user, so that request i carries user (i mod N)'s cookie or bearer token.
/// </summary>
public sealed class Credentials
{
    public const string SessionCookieName = "__Host-sid";

    private Credentials(ArmSpec arm, string[] headers, byte[][] requests)
    {
        Arm = arm;
        Headers = headers;
        Requests = requests;
    }

    public ArmSpec Arm { get; }

    /// <summary>The credential header line per user, without CRLF (empty for the none arm).</summary>
    public IReadOnlyList<string> Headers { get; }

    public byte[][] Requests { get; }

    public ReadOnlyMemory<byte> RequestFor(long index) => Requests[(int)(index % Requests.Length)];

    /// <summary>Average credential header size in bytes, CRLF included (what the size table predicts).</summary>
    public double MeanCredentialHeaderBytes =>
        Headers.Count == 0 || Headers[0].Length == 0 ? 0 : Headers.Average(h => Encoding.ASCII.GetByteCount(h) + 2.0);

    /// <summary>The exact bytes the engine sends (and wrk's Lua script reproduces): request line, Host, credential.</summary>
    public static byte[] FormatRequest(string method, string path, string hostHeader, string? credentialHeader)
    {
        var sb = new StringBuilder(256);
        sb.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n");
        sb.Append("Host: ").Append(hostHeader).Append("\r\n");
        if (!string.IsNullOrEmpty(credentialHeader))
        {
            sb.Append(credentialHeader).Append("\r\n");
        }
        sb.Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    public static Credentials ForPath(ArmSpec arm, Uri baseUri, string path, string[] headers)
    {
        var host = baseUri.Authority;
        var requests = headers.Length == 0
            ? [FormatRequest("GET", path, host, null)]
            : headers.Select(h => FormatRequest("GET", path, host, h)).ToArray();
        return new Credentials(arm, headers, requests);
    }

    /// <summary>Logs users 1..<paramref name="users"/> in (bounded parallelism) and builds the requests for <paramref name="path"/>.</summary>
    public static async Task<Credentials> LoginAllAsync(ArmSpec arm, Uri baseUri, string path, int users, string password, int parallelism,
        Action<string>? log, CancellationToken ct)
    {
        if (arm.Scheme == "none")
        {
            // The baseline carries no credential: every request is the same.
            return ForPath(arm, baseUri, path, []);
        }
        using var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = parallelism,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        using var client = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        var headers = new string[users];
        var done = 0;
        var started = DateTime.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(1, users), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (i, token) =>
        {
            var user = "user" + i.ToString(CultureInfo.InvariantCulture);
            headers[i - 1] = await LoginAsync(client, arm, user, password, token).ConfigureAwait(false);
            var n = Interlocked.Increment(ref done);
            if (n % 5000 == 0)
            {
                log?.Invoke($"  {arm.Label}: {n}/{users} users logged in");
            }
        }).ConfigureAwait(false);
        log?.Invoke($"  {arm.Label}: {users} users logged in through POST /auth/login in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        return ForPath(arm, baseUri, path, headers);
    }

    private static async Task<string> LoginAsync(HttpClient client, ArmSpec arm, string user, string password, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.PostAsJsonAsync("/auth/login", new LoginBody(user, password), LoginJson.Default.LoginBody, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 20)
            {
                // The store may be on its way back (fault scenario): Retry-After says 1 s.
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"login of {user} on the {arm.Label} API failed: {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            if (arm.Scheme == "session")
            {
                var id = SessionIdFrom(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [])
                    ?? throw new InvalidOperationException($"login of {user} on the session API set no {SessionCookieName} cookie");
                return $"Cookie: {SessionCookieName}={id}";
            }
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            var token = body.RootElement.TryGetProperty("access_token", out var t) ? t.GetString() : null;
            return token is { Length: > 0 }
                ? $"Authorization: Bearer {token}"
                : throw new InvalidOperationException($"login of {user} on the {arm.Label} API returned no access_token");
        }
    }

    public static string? SessionIdFrom(IEnumerable<string> setCookies)
    {
        foreach (var cookie in setCookies)
        {
            if (cookie.StartsWith(SessionCookieName + "=", StringComparison.Ordinal))
            {
                var end = cookie.IndexOf(';', StringComparison.Ordinal);
                var value = cookie[(SessionCookieName.Length + 1)..(end < 0 ? cookie.Length : end)];
                return value.Length > 0 ? value : null;
            }
        }
        return null;
    }
}

public sealed record LoginBody(string Username, string Password);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(LoginBody))]
internal sealed partial class LoginJson : System.Text.Json.Serialization.JsonSerializerContext;
