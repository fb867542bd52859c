using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Clients;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Scenarios;

/// <summary>
/// The revocation or staleness window of one trial (<c>--window</c>), fed by the engine like the store outage:
/// <see cref="WindowSpec.Start"/> after the trial's origin it revokes K users of the pool (half by their own logout,
/// half by the admin revoke; the pool stops renewing them, so their requests keep the credential they held, as a stolen
/// one would) or changes K users' plan and probes <c>GET /api/me</c> for them every <see cref="WindowSpec.ProbeInterval"/>
/// beside the load. <see cref="CompleteAsync"/> undoes it after the trial: the revoked users log in again, the changed
/// plans are set back.
/// </summary>
public sealed class WindowScenario : IResponseObserver, IAsyncDisposable
{
    /// <summary>The admin endpoints' header (the API's <c>AdminApi.KeyHeader</c>).</summary>
    public const string AdminKeyHeader = "X-Admin-Key";

    private readonly WindowSpec _spec;
    private readonly CredentialPool _pool;
    private readonly string _adminKey;
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;
    private readonly CancellationToken _ct;
    private readonly Action<string>? _log;
    private readonly HttpClient _client;
    private readonly int[] _users;
    private readonly RevocationWindow? _revocation;
    private readonly StalenessWindow? _staleness;
    private readonly Dictionary<int, string> _originalPlans = [];
    private readonly string _newPlan;
    private readonly (string? Kind, double? Seconds) _lifetime;
    private readonly double _rate;
    private Task? _run;

    /// <param name="trialSequence">Makes the new plan of a staleness window differ from the previous trial's.</param>
    public WindowScenario(WindowSpec spec, CredentialPool pool, Uri baseUri, string adminKey, TimeSpan tokenLifetime, double rate, TimeSpan duration,
        int trialSequence, TimeProvider time, CancellationToken ct, Action<string>? log = null)
    {
        if (!pool.Source.NeedsLogin)
        {
            throw new ArgumentException($"the {pool.Source.Arm.Name} arm has no credential to revoke or to carry a plan", nameof(pool));
        }
        _spec = spec;
        _pool = pool;
        _adminKey = adminKey;
        _time = time;
        _duration = duration;
        _ct = ct;
        _log = log;
        _rate = rate;
        _users = PickUsers(pool.Count, spec.Users);
        _lifetime = Lifetime(spec.Kind, pool.Source.Arm, tokenLifetime);
        _newPlan = string.Create(CultureInfo.InvariantCulture, $"window-{trialSequence}");
        _client = new HttpClient(new SocketsHttpHandler { UseCookies = false, UseProxy = false, MaxConnectionsPerServer = Math.Min(spec.Users, 64) + 2 }, disposeHandler: true)
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromSeconds(10),
        };
        switch (spec.Kind)
        {
            case WindowKind.Revocation:
                _revocation = new RevocationWindow(_users[..spec.LogoutUsers], _users[spec.LogoutUsers..], time.TimestampFrequency);
                break;
            case WindowKind.Staleness:
                _staleness = new StalenessWindow(_users, WindowSpec.ProbeInterval, time.TimestampFrequency);
                break;
        }
    }

    /// <summary>K pool indices spread over the pool (0, N/K, 2N/K, ...): the same users in every trial, logged in again after each.</summary>
    public static int[] PickUsers(int poolUsers, int count)
    {
        if (count > poolUsers)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"{count} users asked for, the pool has {poolUsers}");
        }
        return [.. Enumerable.Range(0, count).Select(j => (int)((long)j * poolUsers / count))];
    }

    /// <summary>
    /// The lifetime that bounds the window, as the load tool configured it: the near cache's TTL where the near cache
    /// is what a revocation (or a plan change the arm shows on the next request) has to get through; else the token's
    /// (a JWT's lifetime, a refreshed arm's access lifetime: <c>--token-lifetime</c>). Null where the credential's
    /// lifetime is the arm's own (a session, a Data Protection cookie) or there is none.
    /// </summary>
    public static (string? Kind, double? Seconds) Lifetime(WindowKind kind, ArmDescriptor arm, TimeSpan tokenLifetime)
    {
        var cacheDecides = kind switch
        {
            WindowKind.Revocation => arm.NearCache is not null,
            WindowKind.Staleness => arm.NearCache is not null && arm.PlanChange == PlanChangeEffect.SeenOnNextRequest,
        };
        if (cacheDecides)
        {
            return ("near-cache-ttl", arm.NearCache!.DefaultTtl.TotalSeconds);
        }
        return arm.Lifecycle switch
        {
            CredentialLifecycle.None => (null, null),
            CredentialLifecycle.LoginOnceSelfContained => arm.HasAlgorithm ? ("token", tokenLifetime.TotalSeconds) : (null, null),
            CredentialLifecycle.LoginOnceHeldByStore => (null, null),
            CredentialLifecycle.RefreshedThroughStore => ("access-token", tokenLifetime.TotalSeconds),
        };
    }

    public void OnStart(long originTicks) => _run = Task.Run(() => RunAsync(originTicks), CancellationToken.None);

    public void OnResponse(long sendTicks, long doneTicks, int status, bool transportError)
    {
    }

    public void OnRequest(long index, long sendTicks, long doneTicks, int status, bool transportError)
    {
        if (_revocation is not null && _pool.UserOf(index) is var user and >= 0)
        {
            _revocation.Observe(user, sendTicks, status, transportError);
        }
    }

    /// <summary>After the trial: waits for the scenario's calls and probes, then logs the revoked users in again or sets the plans back.</summary>
    public async Task CompleteAsync()
    {
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }
        if (_revocation is not null)
        {
            await _pool.ReleaseAsync(_users, _ct).ConfigureAwait(false);
        }
        foreach (var (user, plan) in _originalPlans)
        {
            (await ChangePlanAsync(user, plan).ConfigureAwait(false))?.Dispose();
        }
    }

    public WindowResult Result() => new(
        WindowSpec.Name(_spec.Kind),
        _spec.Start.TotalSeconds,
        _pool.Count,
        _rate > 0 ? Math.Round(_pool.Count * 1000.0 / _rate, 3) : null,
        _lifetime.Kind,
        _lifetime.Seconds,
        _revocation?.Result(_lifetime.Seconds),
        _staleness?.Result(_lifetime.Seconds));

    private async Task RunAsync(long origin)
    {
        try
        {
            var end = origin + Ticks(_duration);
            if (_staleness is not null)
            {
                // The plan each user shows before the change, to set it back after the trial.
                foreach (var user in _users)
                {
                    var (_, plan) = await ProbeAsync(user).ConfigureAwait(false);
                    if (plan is not null)
                    {
                        _originalPlans[user] = plan;
                    }
                }
            }
            await DelayUntilAsync(origin + Ticks(_spec.Start)).ConfigureAwait(false);
            switch (_spec.Kind)
            {
                case WindowKind.Revocation:
                    await RevokeAsync().ConfigureAwait(false);
                    break;
                case WindowKind.Staleness:
                    await Task.WhenAll(_users.Select(u => ChangeAndProbeAsync(u, end))).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (_ct.IsCancellationRequested)
        {
        }
    }

    private async Task RevokeAsync()
    {
        // Frozen first, so that no renewal swaps a credential between the revocation and the requests that follow it.
        await _pool.HoldAsync(_users, _ct).ConfigureAwait(false);
        await Task.WhenAll(_users.Select(async (user, j) =>
        {
            var logout = j < _spec.LogoutUsers;
            using var request = logout ? LogoutRequest(_pool.CredentialOf(user)) : AdminRequest(user, "revoke", null);
            var sent = _time.GetTimestamp();
            var ok = await SendAsync(request).ConfigureAwait(false);
            _revocation!.MarkRevoked(user, sent, _time.GetTimestamp(), ok);
            if (!ok)
            {
                _log?.Invoke($"  window: the {(logout ? "logout" : "admin revoke")} of {_pool.User(user).User} was not answered with a 2xx");
            }
        })).ConfigureAwait(false);
    }

    private async Task ChangeAndProbeAsync(int user, long end)
    {
        var sent = _time.GetTimestamp();
        bool ok;
        using (var response = await ChangePlanAsync(user, _newPlan).ConfigureAwait(false))
        {
            ok = response?.IsSuccessStatusCode == true;
        }
        _staleness!.MarkChanged(user, _newPlan, sent, _time.GetTimestamp(), ok);
        if (!ok)
        {
            _log?.Invoke($"  window: the plan change of {_pool.User(user).User} was not answered with a 2xx");
            return;
        }
        var next = _time.GetTimestamp();
        while (_staleness.Waiting(user) && _time.GetTimestamp() < end && !_ct.IsCancellationRequested)
        {
            var probeSent = _time.GetTimestamp();
            var (status, plan) = await ProbeAsync(user).ConfigureAwait(false);
            _staleness.ObserveProbe(user, probeSent, status, plan);
            next += Ticks(WindowSpec.ProbeInterval);
            await DelayUntilAsync(next).ConfigureAwait(false);
        }
    }

    /// <summary>One <c>GET /api/me</c> with the credential <paramref name="user"/> holds now: the status (0: no answer) and the plan shown.</summary>
    private async Task<(int Status, string? Plan)> ProbeAsync(int user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        AddCredential(request, _pool.CredentialOf(user), withRefresh: false);
        try
        {
            using var response = await _client.SendAsync(request, _ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                return (status, null);
            }
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct).ConfigureAwait(false));
            return (status, body.RootElement.TryGetProperty("plan", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !_ct.IsCancellationRequested))
        {
            return (0, null);
        }
    }

    private async Task<HttpResponseMessage?> ChangePlanAsync(int user, string plan)
    {
        var body = JsonSerializer.Serialize(plan, WindowJson.Default.String);
        using var request = AdminRequest(user, "plan", new StringContent($"{{\"plan\":{body}}}", Encoding.UTF8, "application/json"));
        try
        {
            return await _client.SendAsync(request, _ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !_ct.IsCancellationRequested))
        {
            return null;
        }
    }

    private HttpRequestMessage AdminRequest(int user, string action, HttpContent? content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/users/{Uri.EscapeDataString(_pool.User(user).User)}/{action}") { Content = content };
        request.Headers.TryAddWithoutValidation(AdminKeyHeader, _adminKey);
        return request;
    }

    /// <summary><c>POST /auth/logout</c> as the user's client sends it: its credential, and its refresh cookie where it holds one (the refresh family is what a refreshed arm's logout ends).</summary>
    private static HttpRequestMessage LogoutRequest(Credential credential)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        AddCredential(request, credential, withRefresh: true);
        return request;
    }

    private static void AddCredential(HttpRequestMessage request, Credential credential, bool withRefresh)
    {
        var cookies = new List<string>();
        if (credential.HeaderLine is { } line && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
        {
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (string.Equals(name, "Cookie", StringComparison.OrdinalIgnoreCase))
            {
                cookies.Add(value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (withRefresh && credential.RefreshToken is { } refresh)
        {
            cookies.Add($"{ArmCatalogue.RefreshCookieName}={refresh}");
        }
        if (cookies.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", cookies));
        }
    }

    private async Task<bool> SendAsync(HttpRequestMessage request)
    {
        try
        {
            using var response = await _client.SendAsync(request, _ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !_ct.IsCancellationRequested))
        {
            return false;
        }
    }

    private async Task DelayUntilAsync(long ticks)
    {
        var wait = ticks - _time.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / _time.TimestampFrequency), _time, _ct).ConfigureAwait(false);
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class WindowJson : System.Text.Json.Serialization.JsonSerializerContext;
