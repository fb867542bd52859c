using System.Net;
using System.Text.Json;
using AuthBench.Contracts.Arms;

namespace AuthBench.LoadTest.Clients;

/// <summary>
/// The client of an arm with <see cref="CredentialLifecycle.RefreshedThroughStore"/>: log in once, send the access
/// token as <c>Authorization: Bearer</c>, and before it expires exchange the refresh cookie at <c>POST /auth/refresh</c>
/// for a new access token and the next refresh token (rotation), as a real client does. The pool swaps the user's
/// request in place; refreshes are counted in <see cref="Refreshes"/>, apart from the API requests.
/// </summary>
/// <remarks>
/// Cadence: a credential is renewed at <see cref="Credential.RenewAfterFraction"/> of the access lifetime, as every
/// source's. The first refresh of each user is spread over that interval by a hash of the user name (deterministic,
/// no two runs differ), as if the users had logged in at random times before the run: the steady state of N users
/// is then N refreshes per 0.8 lifetime, evenly spread, instead of N at once every 0.8 lifetime.
/// </remarks>
public sealed class RefreshTokenCredentialSource(ArmDescriptor arm, TimeProvider time) : ICredentialSource
{
    public const string RefreshPath = "/auth/refresh";

    /// <summary>How long a user waits to retry a refresh the store could not serve (its access token still works meanwhile).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public ArmDescriptor Arm { get; } = arm;

    public bool NeedsLogin => true;

    /// <summary>Every refresh this source sent, apart from the API requests.</summary>
    public RefreshStats Refreshes { get; } = new();

    RefreshStats? ICredentialSource.RefreshStats => Refreshes;

    public async Task<Credential> LoginAsync(HttpClient client, UserLogin user, CancellationToken ct)
    {
        using var response = await LoginEndpoint.PostAsync(client, Arm.Name, user, ct).ConfigureAwait(false);
        var credential = await ReadAsync(response, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"login of {user.User} on the {Arm.Name} API returned no access_token or no {ArmCatalogue.RefreshCookieName} cookie");
        return credential with { RenewAt = credential.ObtainedAt + ((credential.RenewAt - credential.ObtainedAt) * Phase(user.User)) };
    }

    /// <summary>
    /// <c>POST /auth/refresh</c> with the user's refresh cookie. A 401 (the family is gone: reuse, revoke, store
    /// restart) logs the user in again; a 503 or no answer keeps the current access token and retries after
    /// <see cref="RetryAfter"/>.
    /// </summary>
    public async Task<Credential> RenewAsync(HttpClient client, UserLogin user, Credential current, CancellationToken ct)
    {
        if (current.RefreshToken is null)
        {
            return await LoginAsync(client, user, ct).ConfigureAwait(false);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, RefreshPath);
        request.Headers.TryAddWithoutValidation("Cookie", $"{ArmCatalogue.RefreshCookieName}={current.RefreshToken}");
        var started = time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            Refreshes.Error();
            return Retry(current);
        }
        using (response)
        {
            var elapsed = time.GetElapsedTime(started);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    if (await ReadAsync(response, ct).ConfigureAwait(false) is { } renewed)
                    {
                        Refreshes.Succeeded(elapsed);
                        return renewed;
                    }
                    Refreshes.Error();
                    return Retry(current);
                case HttpStatusCode.Unauthorized:
                    Refreshes.Rejected(elapsed);
                    Refreshes.Relogin();
                    return await LoginAsync(client, user, ct).ConfigureAwait(false);
                case HttpStatusCode.ServiceUnavailable:
                    Refreshes.Unavailable(elapsed);
                    return Retry(current);
                default:
                    Refreshes.Error();
                    return Retry(current);
            }
        }
    }

    /// <summary>The credential a 200 from login or refresh hands out: the access token, its expiry, the next refresh token; null when one is missing.</summary>
    private async Task<Credential?> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var refresh = CookieCredentialSource.Find(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], ArmCatalogue.RefreshCookieName, now);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        var token = body.RootElement.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (token is not { Length: > 0 } || refresh is null
            || !body.RootElement.TryGetProperty("expires_in", out var e) || !e.TryGetInt64(out var seconds) || seconds <= 0)
        {
            return null;
        }
        return new Credential($"Authorization: Bearer {token}", now, now + TimeSpan.FromSeconds(seconds)) { RefreshToken = refresh.Value.Value };
    }

    private Credential Retry(Credential current) => current with { RenewAt = time.GetUtcNow() + RetryAfter };

    /// <summary>A fraction in (0, 1] from the user name (FNV-1a, then MurmurHash3's finaliser: short names that differ in their last digits must still spread).</summary>
    internal static double Phase(string user)
    {
        var hash = 2166136261u;
        foreach (var c in user)
        {
            hash = (hash ^ c) * 16777619u;
        }
        hash ^= hash >> 16;
        hash *= 0x85ebca6bu;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35u;
        hash ^= hash >> 16;
        return (hash + 1.0) / 4294967296.0;
    }
}
