namespace AuthBench.Contracts.Arms;

/// <summary>
/// Every authentication arm AuthBench measures, and the only place outside an arm's own folder that names one.
/// The API, the benchmarks, the load tool, the report, the scripts and CI all read this list; adding an arm is one
/// entry here, its folder under <c>src/AuthBench.Api/Arms/</c> and one contract-test subclass.
/// </summary>
public static class ArmCatalogue
{
    /// <summary>The signature algorithms an arm with <see cref="ArmDescriptor.HasAlgorithm"/> runs once each, in report order.</summary>
    public static readonly IReadOnlyList<string> Algorithms = ["HS256", "RS256", "ES256"];

    /// <summary>The session cookie's name (a <c>__Host-</c> cookie: Secure, Path=/, no Domain).</summary>
    public const string SessionCookieName = "__Host-sid";

    public static readonly ArmDescriptor None = new(
        ArmId.None, "none",
        "no authentication: the baseline every arm is compared with",
        CredentialTransport.None, CookieName: null,
        UsesStore: false, LoginNeedsStore: false, HasAlgorithm: false,
        Logout: LogoutEffect.Nothing, Revoke: RevokeEffect.NothingToRevoke,
        Lifecycle: CredentialLifecycle.None);

    public static readonly ArmDescriptor Session = new(
        ArmId.Session, "session",
        "opaque 256-bit session id in a __Host- cookie; one store GETEX per request (claims and sliding expiry)",
        CredentialTransport.Cookie, CookieName: SessionCookieName,
        UsesStore: true, LoginNeedsStore: true, HasAlgorithm: false,
        Logout: LogoutEffect.EndsThisCredential, Revoke: RevokeEffect.DeletesUserCredentials,
        Lifecycle: CredentialLifecycle.LoginOnceHeldByStore);

    /// <summary>The near-cached arms' defaults: a 30 s local TTL, served only under a 1 s heartbeat lease beaten every 250 ms.</summary>
    private static readonly NearCacheSpec NearCacheDefaults = new(
        DefaultTtl: TimeSpan.FromSeconds(30), Lease: TimeSpan.FromSeconds(1), HeartbeatInterval: TimeSpan.FromMilliseconds(250));

    public static readonly ArmDescriptor SessionCached = new(
        ArmId.SessionCached, "session-cached",
        "the session arm behind a near cache (FusionCache, Redis backplane): a GETEX only on a local miss; logout, revoke and plan change drop every "
            + $"instance's copy; fails closed, serving no copy once the store is silent for the {NearCacheDefaults.Lease.TotalSeconds:0} s lease",
        CredentialTransport.Cookie, CookieName: SessionCookieName,
        UsesStore: true, LoginNeedsStore: true, HasAlgorithm: false,
        Logout: LogoutEffect.EndsThisCredential, Revoke: RevokeEffect.DeletesUserCredentials,
        Lifecycle: CredentialLifecycle.LoginOnceHeldByStore)
    {
        NearCache = NearCacheDefaults,
    };

    public static readonly ArmDescriptor Jwt = new(
        ArmId.Jwt, "jwt",
        "Authorization: Bearer JWT validated by JwtBearer (signature, algorithm, issuer, audience, lifetime); no store",
        CredentialTransport.BearerHeader, CookieName: null,
        UsesStore: false, LoginNeedsStore: false, HasAlgorithm: true,
        Logout: LogoutEffect.Nothing, Revoke: RevokeEffect.NotRevocableBeforeExpiry,
        Lifecycle: CredentialLifecycle.LoginOnceSelfContained);

    public static readonly ArmDescriptor JwtDenylist = new(
        ArmId.JwtDenylist, "jwt-denylist",
        "the jwt arm plus one store GET of a per-user revocation marker per request",
        CredentialTransport.BearerHeader, CookieName: null,
        UsesStore: true, LoginNeedsStore: false, HasAlgorithm: true,
        Logout: LogoutEffect.RevokesUserCredentials, Revoke: RevokeEffect.RevokesUserCredentials,
        Lifecycle: CredentialLifecycle.LoginOnceSelfContained);

    public static readonly ArmDescriptor JwtDenylistCached = new(
        ArmId.JwtDenylistCached, "jwt-denylist-cached",
        "the jwt-denylist arm behind a near cache (FusionCache, Redis backplane): the marker GET only on a local miss; logout and revoke drop every "
            + $"instance's copy; fails closed, serving no copy once the store is silent for the {NearCacheDefaults.Lease.TotalSeconds:0} s lease",
        CredentialTransport.BearerHeader, CookieName: null,
        UsesStore: true, LoginNeedsStore: false, HasAlgorithm: true,
        Logout: LogoutEffect.RevokesUserCredentials, Revoke: RevokeEffect.RevokesUserCredentials,
        Lifecycle: CredentialLifecycle.LoginOnceSelfContained)
    {
        NearCache = NearCacheDefaults,
    };

    /// <summary>Every arm in report order: the baseline first.</summary>
    public static readonly IReadOnlyList<ArmDescriptor> All = [None, Session, SessionCached, Jwt, JwtDenylist, JwtDenylistCached];

    /// <summary>The arm every "over none" difference subtracts.</summary>
    public static ArmDescriptor Baseline => None;

    /// <summary>"none, session, jwt, jwt-denylist": for help texts and error messages.</summary>
    public static string NameList => string.Join(", ", All.Select(a => a.Name));

    /// <summary>"none|session|jwt|jwt-denylist": for usage lines.</summary>
    public static string NameChoices => string.Join("|", All.Select(a => a.Name));

    public static ArmDescriptor Get(ArmId id) => All[(int)id];

    /// <summary>The arm of that name (case-insensitive), or null.</summary>
    public static ArmDescriptor? Find(string? name)
    {
        var n = name?.Trim();
        return string.IsNullOrEmpty(n) ? null : All.FirstOrDefault(a => a.Name.Equals(n, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The algorithm of that name (case-insensitive), in its canonical spelling, or null.</summary>
    public static string? FindAlgorithm(string? name)
    {
        var n = name?.Trim();
        return string.IsNullOrEmpty(n) ? null : Algorithms.FirstOrDefault(a => a.Equals(n, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Splits a label ("jwt-denylist-ES256", "session") into its arm and algorithm; null when the label names no arm
    /// of the catalogue. The longest arm name wins, so "jwt-denylist-HS256" is never read as jwt with "denylist-HS256".
    /// </summary>
    public static (ArmDescriptor Arm, string? Alg)? ParseLabel(string? label)
    {
        if (string.IsNullOrEmpty(label))
        {
            return null;
        }
        foreach (var arm in All.OrderByDescending(a => a.Name.Length))
        {
            if (!arm.HasAlgorithm && label == arm.Name)
            {
                return (arm, null);
            }
            if (arm.HasAlgorithm && label.StartsWith(arm.Name + "-", StringComparison.Ordinal)
                && Algorithms.Contains(label[(arm.Name.Length + 1)..], StringComparer.Ordinal))
            {
                return (arm, label[(arm.Name.Length + 1)..]);
            }
        }
        return null;
    }

    /// <summary>
    /// Sort key of a label in report order: catalogue order, then algorithm order. Labels that name no arm sort last
    /// (callers then order those by name).
    /// </summary>
    public static int Order(string label) => ParseLabel(label) is not { } parsed
        ? int.MaxValue
        : ((int)parsed.Arm.Id * (Algorithms.Count + 1)) + (parsed.Alg is null ? 0 : 1 + IndexOfAlgorithm(parsed.Alg));

    /// <summary>Labels in report order, each once.</summary>
    public static List<string> OrderLabels(IEnumerable<string> labels) =>
        [.. labels.Distinct(StringComparer.Ordinal).OrderBy(Order).ThenBy(l => l, StringComparer.Ordinal)];

    /// <summary>
    /// Parses a comma-separated arm list ("all" for every arm) into descriptors, each once, in the order given.
    /// Throws <see cref="ArgumentException"/> with a message naming the valid arms.
    /// </summary>
    public static IReadOnlyList<ArmDescriptor> ParseList(string text)
    {
        var result = new List<ArmDescriptor>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                result.AddRange(All);
                continue;
            }
            result.Add(Find(part) ?? throw new ArgumentException($"unknown arm '{part}': use {NameList} or all (comma-separated)"));
        }
        if (result.Count == 0)
        {
            throw new ArgumentException($"no arm given: use {NameList} or all (comma-separated)");
        }
        return [.. result.Distinct()];
    }

    private static int IndexOfAlgorithm(string alg)
    {
        for (var i = 0; i < Algorithms.Count; i++)
        {
            if (Algorithms[i] == alg)
            {
                return i;
            }
        }
        return Algorithms.Count;
    }
}
