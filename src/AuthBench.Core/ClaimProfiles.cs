using System.Globalization;

namespace AuthBench.Core;

/// <summary>How many claims travel with a credential; the debate's token sizes span these.</summary>
public enum ClaimProfile
{
    /// <summary>Only sub (plus exp/iat/iss/aud in a token).</summary>
    Small,
    /// <summary>About ten claims: identity, role, plan, tenant.</summary>
    Typical,
    /// <summary>Tens of permissions and groups: a 1.5 to 2 KB token, the top of the range the debate quotes.</summary>
    Large,
}

/// <summary>The claims a credential carries for a user under a profile; the same set for a JWT and a session.</summary>
public static class ClaimProfiles
{
    public const string Sub = "sub";
    public const string Name = "name";
    public const string Email = "email";
    public const string Role = "role";
    public const string Plan = "plan";
    public const string Tenant = "tenant";
    public const string EmailVerified = "email_verified";
    public const string Permissions = "permissions";
    public const string Groups = "groups";

    private static readonly string[] Resources =
        ["orders", "invoices", "customers", "products", "reports", "billing", "users", "teams", "projects", "audit", "webhooks", "settings"];
    private static readonly string[] Actions = ["read", "write", "delete"];

    /// <summary>The large profile's 36 permissions (every resource × action); with 14 groups the token is 1.5 to 1.9 KB.</summary>
    private static readonly string[] LargePermissions = [.. Resources.SelectMany(r => Actions.Select(a => $"{r}:{a}"))];
    private const int LargeGroupCount = 14;

    public static ClaimProfile Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "small" => ClaimProfile.Small,
        "typical" => ClaimProfile.Typical,
        "large" => ClaimProfile.Large,
        _ => throw new ArgumentException($"unknown claim profile '{value}': use small, typical or large"),
    };

    public static string ToName(this ClaimProfile profile) => profile.ToString().ToLowerInvariant();

    /// <summary>
    /// The user's claims under a profile, without the registered token claims (exp, iat, iss, aud, jti):
    /// each value is a string, a bool or a string array, so it serialises the same way in a JWT and in a session.
    /// </summary>
    public static Dictionary<string, object> ForUser(DemoUser user, ClaimProfile profile)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Sub] = user.Sub };
        if (profile == ClaimProfile.Small)
        {
            return claims;
        }
        claims[Name] = user.Name;
        claims[Email] = user.Email;
        claims[EmailVerified] = true;
        claims[Role] = user.Role;
        claims[Plan] = user.Plan;
        claims[Tenant] = user.Tenant;
        if (profile == ClaimProfile.Large)
        {
            claims[Permissions] = LargePermissions;
            claims[Groups] = Enumerable.Range(1, LargeGroupCount)
                .Select(i => "grp-" + user.Tenant + "-" + (i * 7).ToString(CultureInfo.InvariantCulture))
                .ToArray();
        }
        return claims;
    }
}
