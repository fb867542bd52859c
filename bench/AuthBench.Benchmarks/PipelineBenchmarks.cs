using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthBench.Core;
using BenchmarkDotNet.Attributes;

namespace AuthBench.Benchmarks;

/// <summary>
/// A whole ASP.NET Core request to <c>GET /api/me</c> through the real API in-process (TestServer: routing,
/// authentication, authorization, the endpoint, JSON), no sockets. Baseline: the none arm; the difference is what
/// authentication costs inside the framework. Credentials come from the API's own login endpoint.
/// </summary>
[BenchmarkCategory(Categories.Pipeline)]
public class PipelineBenchmarks
{
    private ApiHost _host = null!;
    private HttpClient _client = null!;
    private StoreLease? _lease;
    private string[] _headers = [];
    private string? _headerName;
    private int _next;

    [GlobalSetup(Target = nameof(None))]
    public Task SetupNoneAsync() => StartAsync(ApiHost.For("none"), null);

    [GlobalSetup(Target = nameof(Session))]
    public async Task SetupSessionAsync()
    {
        _lease = await StoreLease.OpenAsync();
        await StartAsync(ApiHost.For("session", redis: _lease.ConnectionString), "Cookie");
    }

    [GlobalSetup(Target = nameof(Jwt_HS256))]
    public Task SetupHs256Async() => StartAsync(ApiHost.For("jwt", alg: "HS256"), "Authorization");

    [GlobalSetup(Target = nameof(Jwt_RS256))]
    public Task SetupRs256Async() => StartAsync(ApiHost.For("jwt", alg: "RS256"), "Authorization");

    [GlobalSetup(Target = nameof(Jwt_ES256))]
    public Task SetupEs256Async() => StartAsync(ApiHost.For("jwt", alg: "ES256"), "Authorization");

    private async Task StartAsync(ApiHost host, string? headerName)
    {
        _host = host;
        // The bare TestServer client: no cookie container, so each request carries exactly the header set here.
        _client = host.Server.CreateClient();
        _headerName = headerName;
        if (headerName is not null)
        {
            _headers = new string[Ring.Size];
            var i = 0;
            foreach (var user in Ring.Users())
            {
                _headers[i++] = await LoginAsync(user.Sub, headerName);
            }
        }
        // Fail in set-up, not in the measurement, when the arm is not wired as expected.
        await SendAsync();
    }

    private async Task<string> LoginAsync(string user, string headerName)
    {
        using var response = await _client.PostAsJsonAsync("/auth/login", new { username = user, password = UserDirectory.DefaultPassword });
        response.EnsureSuccessStatusCode();
        if (headerName == "Cookie")
        {
            var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(WireSizes.SessionCookieName + "=", StringComparison.Ordinal));
            return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
        }
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return "Bearer " + body.RootElement.GetProperty("access_token").GetString();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        if (_lease is not null)
        {
            await _lease.DisposeAsync();
        }
    }

    private async Task<int> SendAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (_headerName is not null)
        {
            var i = _next;
            _next = (i + 1) & Ring.Mask;
            request.Headers.TryAddWithoutValidation(_headerName, _headers[i]);
        }
        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK
            ? body.Length
            : throw new InvalidOperationException($"GET /api/me answered {(int)response.StatusCode} in the pipeline benchmark");
    }

    [Benchmark(Baseline = true)]
    public Task<int> None() => SendAsync();

    [Benchmark]
    public Task<int> Session() => SendAsync();

    [Benchmark]
    public Task<int> Jwt_HS256() => SendAsync();

    [Benchmark]
    public Task<int> Jwt_RS256() => SendAsync();

    [Benchmark]
    public Task<int> Jwt_ES256() => SendAsync();
}
