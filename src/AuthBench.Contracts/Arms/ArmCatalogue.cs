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

    /// <summary>The cookie that carries a JWT in the cookie transport variants (a <c>__Host-</c> cookie like the session's).</summary>
    public const string TokenCookieName = "__Host-jwt";

    /// <summary>
    /// The refresh cookie of an arm with <see cref="CredentialLifecycle.RefreshedThroughStore"/> (HttpOnly, Secure,
    /// SameSite=Strict, Path=/auth: sent to refresh and logout, never to /api). Not <c>__Host-</c>, which requires Path=/.
    /// </summary>
    public const string RefreshCookieName = "__Secure-refresh";

    /// <summary>The stock cookie handler's cookie in the aspnet-cookie arm (the whole Data Protection ticket).</summary>
    public const string AspNetCookieName = "__Host-auth";

    /// <summary>The stock cookie handler's cookie in the aspnet-cookie-store arm (a Data Protection ticket naming the stored one).</summary>
    public const string AspNetCookieStoreName = "__Host-auth-ref";

    public static readonly ArmDescriptor None = new(
        ArmId.None, "none",
        "no authentication: the baseline every arm is compared with",
        CredentialTransport.None, CookieName: null,
        UsesStore: false, LoginNeedsStore: false, HasAlgorithm: false,
        Logout: LogoutEffect.Nothing, Revoke: RevokeEffect.NothingToRevoke,
        Lifecycle: CredentialLifecycle.None)
    {
        // /api/me reads every field from the directory: there is no credential to go stale.
        PlanChange = PlanChangeEffect.SeenOnNextRequest,
    };

    public static readonly ArmDescriptor Session = new(
        ArmId.Session, "session",
        "opaque 256-bit session id in a __Host- cookie; one store GETEX per request (claims and sliding expiry)",
        CredentialTransport.Cookie, CookieName: SessionCookieName,
        UsesStore: true, LoginNeedsStore: true, HasAlgorithm: false,
        Logout: LogoutEffect.EndsThisCredential, Revoke: RevokeEffect.DeletesUserCredentials,
        Lifecycle: CredentialLifecycle.LoginOnceHeldByStore)
    {
        // The admin endpoint rewrites the plan in every session of the user (found through the per-user index).
        PlanChange = PlanChangeEffect.SeenOnNextRequest,
    };

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
        // The session arm's rewrite of every stored session of the user, then every instance's copy dropped.
        PlanChange = PlanChangeEffect.SeenOnNextRequest,
    };

    public static readonly ArmDescriptor Jwt = WithTokenCookieVariant(new(
        ArmId.Jwt, "jwt",
        "Authorization: Bearer JWT validated by JwtBearer (signature, algorithm, issuer, audience, lifetime); no store",
        CredentialTransport.BearerHeader, CookieName: null,
        UsesStore: false, LoginNeedsStore: false, HasAlgorithm: true,
        Logout: LogoutEffect.Nothing, Revoke: RevokeEffect.NotRevocableBeforeExpiry,
        Lifecycle: CredentialLifecycle.LoginOnceSelfContained));

    public static readonly ArmDescriptor JwtDenylist = WithTokenCookieVariant(new(
        ArmId.JwtDenylist, "jwt-denylist",
        "the jwt arm plus one store GET of a per-user revocation marker per request",
        CredentialTransport.BearerHeader, CookieName: null,
        UsesStore: true, LoginNeedsStore: false, HasAlgorithm: true,
        Logout: LogoutEffect.RevokesUserCredentials, Revoke: RevokeEffect.RevokesUserCredentials,
        Lifecycle: CredentialLifecycle.LoginOnceSelfContained));

    public static readonly ArmDescriptor JwtDenylistCached = WithTokenCookieVariant(new(
        ArmId.JwtDenylistCached, "jwt-denylist-cached",
        "the jwt-denylist arm behind a near cache (FusionCache, Redis backplane): the marker GET only on a local miss; logout and revoke drop every "
            + $"instance's copy; fails closed, serving no copy once the store is silent for the {NearCacheDefaults.Lease.TotalSeconds:0} s lease",
        CredentialTransport.BearerHeader, CookieName: null,
        UsesStore: true, LoginNeedsStore: false, HasAlgorithm: true,
        Logout: LogoutEffect.RevokesUserCredentials, Revoke: RevokeEffect.RevokesUserCredentials,
        Lifecycle: CredentialLifecycle.LoginOnceSelfContained)
    {
        NearCache = NearCacheDefaults,
    });

    public static readonly ArmDescriptor Hybrid = new(
        ArmId.Hybrid, "hybrid",
        "the jwt arm's short access token (no store per request) plus a rotating opaque refresh token in the store (POST /auth/refresh, reuse detection)",
        CredentialTransport.BearerHeader, CookieName: null,
        UsesStore: false, LoginNeedsStore: true, HasAlgorithm: true,
        Logout: LogoutEffect.EndsRefreshFamily, Revoke: RevokeEffect.EndsRefreshFamilies,
        Lifecycle: CredentialLifecycle.RefreshedThroughStore);

    public static readonly ArmDescriptor AspNetCookie = new(
        ArmId.AspNetCookie, "aspnet-cookie",
        "stock AddCookie(): the claims in a Data Protection ticket in a __Host- cookie, sliding expiration; no store",
        CredentialTransport.Cookie, CookieName: AspNetCookieName,
        UsesStore: false, LoginNeedsStore: false, HasAlgorithm: false,
        Logout: LogoutEffect.Nothing, Revoke: RevokeEffect.NotRevocableBeforeExpiry,
        Lifecycle: CredentialLifecycle.LoginOnceSelfContained);

    public static readonly ArmDescriptor AspNetCookieStore = new(
        ArmId.AspNetCookieStore, "aspnet-cookie-store",
        "stock AddCookie() with an ITicketStore over IDistributedCache (Redis): the cookie names the ticket; one HMGET per request",
        CredentialTransport.Cookie, CookieName: AspNetCookieStoreName,
        UsesStore: true, LoginNeedsStore: true, HasAlgorithm: false,
        Logout: LogoutEffect.EndsThisCredential, Revoke: RevokeEffect.DeletesUserCredentials,
        Lifecycle: CredentialLifecycle.LoginOnceHeldByStore);

    /// <summary>Every arm in report order: the baseline first.</summary>
    public static readonly IReadOnlyList<ArmDescriptor> All = [None, Session, SessionCached, Jwt, JwtDenylist, JwtDenylistCached, Hybrid, AspNetCookie, AspNetCookieStore];

    /// <summary>
    /// Every arm as a run can serve it, in report order: each arm of <see cref="All"/> followed by its transport
    /// variants (jwt, jwt-cookie, jwt-denylist, jwt-denylist-cookie, ...). <c>--arms all</c> stays <see cref="All"/>; a
    /// variant runs when named (<c>--arms jwt,jwt-cookie</c>).
    /// </summary>
    public static readonly IReadOnlyList<ArmDescriptor> Runs = [.. All.SelectMany(a => a.TransportVariants.Prepend(a))];

    /// <summary>"cookie", "bearer", "none": a transport as <c>--transport</c> and the variants' names spell it.</summary>
    public static string TransportName(CredentialTransport transport) => transport switch
    {
        CredentialTransport.None => "none",
        CredentialTransport.Cookie => "cookie",
        CredentialTransport.BearerHeader => "bearer",
    };

    /// <summary>The transport of that name (case-insensitive), or null.</summary>
    public static CredentialTransport? FindTransport(string? name)
    {
        foreach (var transport in Enum.GetValues<CredentialTransport>())
        {
            if (TransportName(transport).Equals(name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return transport;
            }
        }
        return null;
    }

    /// <summary>The arm every "over none" difference subtracts.</summary>
    public static ArmDescriptor Baseline => None;

    /// <summary>"none, session, jwt, jwt-denylist": for help texts and error messages.</summary>
    public static string NameList => string.Join(", ", All.Select(a => a.Name));

    /// <summary>"none|session|jwt|jwt-denylist": for usage lines.</summary>
    public static string NameChoices => string.Join("|", All.Select(a => a.Name));

    public static ArmDescriptor Get(ArmId id) => All[(int)id];

    /// <summary>An arm or a transport variant by its <see cref="ArmDescriptor.RunName"/> ("jwt-cookie"), case-insensitive, or null.</summary>
    public static ArmDescriptor? FindRun(string? name)
    {
        var n = name?.Trim();
        return string.IsNullOrEmpty(n) ? null : Runs.FirstOrDefault(a => a.RunName.Equals(n, StringComparison.OrdinalIgnoreCase));
    }

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
    /// Splits a label ("jwt-denylist-ES256", "session", "jwt-cookie-HS256") into its arm (the transport variant's
    /// descriptor for a variant's label) and algorithm; null when the label names no arm of the catalogue. The
    /// longest run name wins, so "jwt-denylist-HS256" is never read as jwt with "denylist-HS256".
    /// </summary>
    public static (ArmDescriptor Arm, string? Alg)? ParseLabel(string? label)
    {
        if (string.IsNullOrEmpty(label))
        {
            return null;
        }
        foreach (var arm in Runs.OrderByDescending(a => a.RunName.Length))
        {
            var stem = arm.RunName;
            if (!arm.HasAlgorithm && label == stem)
            {
                return (arm, null);
            }
            if (arm.HasAlgorithm && label.StartsWith(stem + "-", StringComparison.Ordinal)
                && Algorithms.Contains(label[(stem.Length + 1)..], StringComparer.Ordinal))
            {
                return (arm, label[(stem.Length + 1)..]);
            }
        }
        return null;
    }

    /// <summary>
    /// Sort key of a label in report order: catalogue order (a transport variant right after its arm), then
    /// algorithm order. Labels that name no arm sort last (callers then order those by name).
    /// </summary>
    public static int Order(string label)
    {
        if (ParseLabel(label) is not { } parsed)
        {
            return int.MaxValue;
        }
        var run = 0;
        while (run < Runs.Count && !ReferenceEquals(Runs[run], parsed.Arm))
        {
            run++;
        }
        return (run * (Algorithms.Count + 1)) + (parsed.Alg is null ? 0 : 1 + IndexOfAlgorithm(parsed.Alg));
    }

    /// <summary>Labels in report order, each once.</summary>
    public static List<string> OrderLabels(IEnumerable<string> labels) =>
        [.. labels.Distinct(StringComparer.Ordinal).OrderBy(Order).ThenBy(l => l, StringComparer.Ordinal)];

    /// <summary>
    /// Parses a comma-separated arm list ("all" for every arm of <see cref="All"/>; a transport variant by its run
    /// name, "jwt-cookie") into descriptors, each once, in the order given.
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
            result.Add(FindRun(part) ?? throw new ArgumentException($"unknown arm '{part}': use {NameList} or all (comma-separated){VariantHint}"));
        }
        if (result.Count == 0)
        {
            throw new ArgumentException($"no arm given: use {NameList} or all (comma-separated)");
        }
        return [.. result.Distinct()];
    }

    /// <summary>"; transport variants: jwt-cookie, jwt-denylist-cookie, jwt-denylist-cached-cookie" (empty when the catalogue has none).</summary>
    private static string VariantHint =>
        Runs.Where(r => r.Variant is not null).Select(r => r.RunName).ToList() is { Count: > 0 } variants
            ? $"; transport variants: {string.Join(", ", variants)}"
            : "";

    /// <summary>
    /// The arm with a transport variant that carries its JWT in the <see cref="TokenCookieName"/> cookie: the same
    /// handler and store use, only where the token travels changes (and with it the bytes and the CSRF defence).
    /// </summary>
    private static ArmDescriptor WithTokenCookieVariant(ArmDescriptor arm) => arm with
    {
        TransportVariants =
        [
            arm with
            {
                Summary = $"the {arm.Name} arm with its token in an HttpOnly, SameSite=Strict {TokenCookieName} cookie instead of Authorization: Bearer",
                Transport = CredentialTransport.Cookie,
                CookieName = TokenCookieName,
                Variant = TransportName(CredentialTransport.Cookie),
            },
        ],
    };

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
