using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using BenchmarkDotNet.Attributes;

namespace AuthBench.Benchmarks;

/// <summary>
/// A whole ASP.NET Core request to <c>GET /api/me</c> through the real API in-process (TestServer: routing,
/// authentication, authorization, the endpoint, JSON), no sockets, once per label of every arm of the catalogue.
/// The baseline arm's row is what the others are compared with; the difference is what authentication costs inside
/// the framework. Credentials come from the API's own login endpoint.
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

    public static IEnumerable<string> Labels => BenchArms.AllLabels;

    [ParamsSource(nameof(Labels))]
    public string Label { get; set; } = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var (arm, alg) = BenchArms.Parse(Label);
        if (arm.UsesStore || arm.LoginNeedsStore)
        {
            _lease = await StoreLease.OpenAsync();
        }
        _host = ApiHost.For(arm, alg: alg, redis: _lease?.ConnectionString);
        // The bare TestServer client: no cookie container, so each request carries exactly the header set here.
        _client = _host.Server.CreateClient();
        _headerName = arm.Transport switch
        {
            CredentialTransport.None => null,
            CredentialTransport.Cookie => "Cookie",
            CredentialTransport.BearerHeader => "Authorization",
        };
        if (_headerName is not null)
        {
            _headers = new string[Ring.Size];
            var i = 0;
            foreach (var user in Ring.Users())
            {
                _headers[i++] = await LoginAsync(arm, user.Sub);
            }
        }
        // Fail in set-up, not in the measurement, when the arm is not wired as expected.
        await SendAsync();
    }

    /// <summary>The header value a client sends after logging in, by the arm's transport.</summary>
    private async Task<string> LoginAsync(ArmDescriptor arm, string user)
    {
        using var response = await _client.PostAsJsonAsync("/auth/login", new { username = user, password = UserDirectory.DefaultPassword });
        response.EnsureSuccessStatusCode();
        if (arm.Transport == CredentialTransport.Cookie)
        {
            var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(arm.CookieName + "=", StringComparison.Ordinal));
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
            : throw new InvalidOperationException($"GET /api/me answered {(int)response.StatusCode} in the pipeline benchmark ({Label})");
    }

    [Benchmark]
    public Task<int> Request() => SendAsync();
}
