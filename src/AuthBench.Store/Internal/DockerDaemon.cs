using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace AuthBench.Store.Internal;

/// <summary>
/// Quick "is there a Docker daemon" check (auto mode must not hang on a machine without one),
/// and the in-process settings Testcontainers needs against older daemons.
/// </summary>
internal static class DockerDaemon
{
    private const string DefaultSocket = "/var/run/docker.sock";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public sealed record Status(bool Answers, string Detail, string? ApiVersion, bool HasBridgeNetwork);

    /// <summary>
    /// Asks the daemon (DOCKER_HOST when it is a unix:// or tcp:// URL, else /var/run/docker.sock) for
    /// /_ping and /version within about 2 s.
    /// </summary>
    public static async Task<Status> ProbeAsync(CancellationToken ct)
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        HttpClient client;
        string where;
        if (string.IsNullOrWhiteSpace(dockerHost) || dockerHost.StartsWith("unix://", StringComparison.Ordinal))
        {
            var socket = string.IsNullOrWhiteSpace(dockerHost) ? DefaultSocket : dockerHost["unix://".Length..];
            where = socket;
            if (!File.Exists(socket))
            {
                return new Status(false, $"no Docker socket at {socket}", null, false);
            }

            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, token) =>
                {
                    var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), token).ConfigureAwait(false);
                        return new NetworkStream(s, ownsSocket: true);
                    }
                    catch
                    {
                        s.Dispose();
                        throw;
                    }
                },
            };
            client = new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = ProbeTimeout };
        }
        else if (dockerHost.StartsWith("tcp://", StringComparison.Ordinal))
        {
            where = dockerHost;
            var scheme = Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is { Length: > 0 } ? "https://" : "http://";
            client = new HttpClient { BaseAddress = new Uri(scheme + dockerHost["tcp://".Length..].TrimEnd('/') + "/"), Timeout = ProbeTimeout };
        }
        else
        {
            // npipe:// and ssh:// are left to Testcontainers itself; say we could not check.
            return new Status(true, $"DOCKER_HOST={dockerHost} (not probed)", null, true);
        }

        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(ProbeTimeout);
                using var ping = await client.GetAsync("_ping", timeout.Token).ConfigureAwait(false);
                if (!ping.IsSuccessStatusCode)
                {
                    return new Status(false, $"Docker daemon at {where} answered /_ping with {(int)ping.StatusCode}", null, false);
                }

                string? apiVersion = null;
                using (var version = await client.GetFromJsonAsync<JsonDocument>("version", timeout.Token).ConfigureAwait(false))
                {
                    if (version?.RootElement.TryGetProperty("ApiVersion", out var v) == true)
                    {
                        apiVersion = v.GetString();
                    }
                }

                using var bridge = await client.GetAsync("networks/bridge", timeout.Token).ConfigureAwait(false);
                return new Status(true, $"Docker daemon at {where} (API {apiVersion ?? "?"})", apiVersion, bridge.IsSuccessStatusCode);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or IOException)
            {
                ct.ThrowIfCancellationRequested();
                return new Status(false, $"no Docker daemon answers at {where} ({StoreConfigurationException.OneLine(ex.Message)})", null, false);
            }
        }
    }

    /// <summary>
    /// Testcontainers' Docker client asks for a newer API than Docker 20.10 (API 1.41) serves; when the
    /// user did not choose, pin the daemon's own version, in this process only. The resource reaper
    /// (Ryuk) image may not be pullable; we remove our containers ourselves, so it is off unless asked for.
    /// Must run before the first use of a Testcontainers type (its settings are read once).
    /// </summary>
    public static void ApplyTestcontainersDefaults(Status status)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_API_VERSION"))
            && status.ApiVersion is { } api
            && Version.TryParse(api, out var v)
            && v < new Version(1, 44))
        {
            Environment.SetEnvironmentVariable("DOCKER_API_VERSION", api);
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED")))
        {
            Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        }

    }
}
