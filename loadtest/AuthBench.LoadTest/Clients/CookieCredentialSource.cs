using System.Globalization;
using AuthBench.Contracts.Arms;

namespace AuthBench.LoadTest.Clients;

/// <summary>
/// A cookie arm's client: the login response's <c>Set-Cookie</c> of the descriptor's <see cref="ArmDescriptor.CookieName"/>
/// becomes a <c>Cookie:</c> header; its <c>Max-Age</c> or <c>Expires</c>, when given, is the credential's expiry.
/// </summary>
public sealed class CookieCredentialSource : ICredentialSource
{
    private readonly TimeProvider _time;
    private readonly string _cookieName;

    public CookieCredentialSource(ArmDescriptor arm, TimeProvider time)
    {
        Arm = arm;
        _time = time;
        _cookieName = arm.CookieName ?? throw new ArgumentException($"the {arm.Name} arm carries a cookie but its descriptor names none", nameof(arm));
    }

    public ArmDescriptor Arm { get; }

    public bool NeedsLogin => true;

    public async Task<Credential> LoginAsync(HttpClient client, UserLogin user, CancellationToken ct)
    {
        using var response = await LoginEndpoint.PostAsync(client, Arm.Name, user, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var cookie = Find(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], _cookieName, now)
            ?? throw new InvalidOperationException($"login of {user.User} on the {Arm.Name} API set no {_cookieName} cookie");
        return new Credential($"Cookie: {_cookieName}={cookie.Value}", now, cookie.Expires);
    }

    /// <summary>A cookie arm has no refresh endpoint: a new login.</summary>
    public Task<Credential> RenewAsync(HttpClient client, UserLogin user, Credential current, CancellationToken ct) => LoginAsync(client, user, ct);

    /// <summary>The value and expiry of the cookie <paramref name="name"/> among <paramref name="setCookies"/>; null when it is not set (or set empty).</summary>
    public static (string Value, DateTimeOffset? Expires)? Find(IEnumerable<string> setCookies, string name, DateTimeOffset now)
    {
        foreach (var cookie in setCookies)
        {
            if (!cookie.StartsWith(name + "=", StringComparison.Ordinal))
            {
                continue;
            }
            var parts = cookie.Split(';', StringSplitOptions.TrimEntries);
            var value = parts[0][(name.Length + 1)..];
            if (value.Length == 0)
            {
                return null;
            }
            DateTimeOffset? expires = null;
            foreach (var attribute in parts.Skip(1))
            {
                // RFC 6265 5.3: Max-Age wins over Expires.
                if (attribute.StartsWith("max-age=", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(attribute["max-age=".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
                {
                    expires = now + TimeSpan.FromSeconds(Math.Max(0, seconds));
                    break;
                }
                if (attribute.StartsWith("expires=", StringComparison.OrdinalIgnoreCase)
                    && DateTimeOffset.TryParse(attribute["expires=".Length..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    expires = at;
                }
            }
            return (value, expires);
        }
        return null;
    }
}
