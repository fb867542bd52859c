using System.Text.Json;
using AuthBench.Contracts.Arms;

namespace AuthBench.LoadTest.Clients;

/// <summary>A bearer arm's client: the login response's <c>access_token</c> in <c>Authorization: Bearer</c>, expiring after its <c>expires_in</c> seconds.</summary>
public sealed class BearerCredentialSource(ArmDescriptor arm, TimeProvider time) : ICredentialSource
{
    public ArmDescriptor Arm { get; } = arm;

    public bool NeedsLogin => true;

    public async Task<Credential> LoginAsync(HttpClient client, UserLogin user, CancellationToken ct)
    {
        using var response = await LoginEndpoint.PostAsync(client, Arm.Name, user, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        var token = body.RootElement.TryGetProperty("access_token", out var t) ? t.GetString() : null;
        if (token is not { Length: > 0 })
        {
            throw new InvalidOperationException($"login of {user.User} on the {Arm.Name} API returned no access_token");
        }
        DateTimeOffset? expires = body.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetInt64(out var seconds)
            ? now + TimeSpan.FromSeconds(seconds)
            : null;
        return new Credential($"Authorization: Bearer {token}", now, expires);
    }

    /// <summary>The login-once bearer arms have no refresh endpoint: a new login.</summary>
    public Task<Credential> RenewAsync(HttpClient client, UserLogin user, Credential current, CancellationToken ct) => LoginAsync(client, user, ct);
}
