namespace AuthBench.Contracts.Arms;

/// <summary>
/// The arms, as an enum so that a switch over them is checked by the compiler (no <c>_ =&gt;</c> default: CS8509 then
/// names a forgotten arm). The values index <see cref="ArmCatalogue.All"/>.
/// </summary>
public enum ArmId
{
    None,
    Session,
    SessionCached,
    Jwt,
    JwtDenylist,
    JwtDenylistCached,
    Hybrid,
    AspNetCookie,
    AspNetCookieStore,
}

/// <summary>How a request carries the credential.</summary>
public enum CredentialTransport
{
    /// <summary>No credential: the baseline.</summary>
    None,
    /// <summary>A cookie, set by the login response's <c>Set-Cookie</c>.</summary>
    Cookie,
    /// <summary><c>Authorization: Bearer</c>, the token from the login response's <c>access_token</c>.</summary>
    BearerHeader,
}

/// <summary>What <c>POST /auth/logout</c> does to credentials already handed out.</summary>
public enum LogoutEffect
{
    /// <summary>Nothing server-side: a credential stays valid until it expires.</summary>
    Nothing,
    /// <summary>The credential sent with the logout stops working on the next request; the user's others do not.</summary>
    EndsThisCredential,
    /// <summary>Every credential of the user issued so far stops working on the next request.</summary>
    RevokesUserCredentials,
    /// <summary>
    /// The refresh token sent with the logout (a cookie on <c>/auth</c>) and its whole rotation family stop working;
    /// access tokens already issued are self-contained and stay valid until they expire.
    /// </summary>
    EndsRefreshFamily,
}

/// <summary>What <c>POST /admin/users/{sub}/revoke</c> does.</summary>
public enum RevokeEffect
{
    /// <summary>The arm hands out no credential.</summary>
    NothingToRevoke,
    /// <summary>Nothing: credentials are self-contained and stay valid until they expire.</summary>
    NotRevocableBeforeExpiry,
    /// <summary>Every server-side credential of the user is deleted; the next request gets 401.</summary>
    DeletesUserCredentials,
    /// <summary>Every credential of the user issued so far is rejected from the next request on.</summary>
    RevokesUserCredentials,
    /// <summary>Every refresh token family of the user is deleted (the count is of families); access tokens already issued stay valid until they expire.</summary>
    EndsRefreshFamilies,
}

/// <summary>
/// What <c>GET /api/me</c> shows, after <c>POST /admin/users/{sub}/plan</c>, for a credential issued before the change
/// (with a claim profile whose credential carries the plan: typical and large).
/// </summary>
public enum PlanChangeEffect
{
    /// <summary>The credential keeps the plan it was issued with until it expires: the change reaches new logins only.</summary>
    KeptUntilExpiry,
    /// <summary>The next request shows the new plan: the arm reads no plan from the credential, or the change rewrites what the store holds.</summary>
    SeenOnNextRequest,
}

/// <summary>How a client obtains its credential and keeps it usable through a run.</summary>
public enum CredentialLifecycle
{
    /// <summary>No credential to obtain.</summary>
    None,
    /// <summary>One login; the credential is self-contained and lives until its expiry, store or no store.</summary>
    LoginOnceSelfContained,
    /// <summary>One login; the credential exists only in the store, so a store restarted without persistence forgets it and the client logs in again.</summary>
    LoginOnceHeldByStore,
    /// <summary>
    /// One login, then a short self-contained access token renewed through <c>POST /auth/refresh</c> before it
    /// expires, with a rotating refresh token that only the store holds: a store restarted without persistence
    /// forgets the refresh tokens, and the client logs in again.
    /// </summary>
    RefreshedThroughStore,
}

/// <summary>One authentication arm: everything another project needs to know about it without naming it.</summary>
/// <param name="Id">The enum value, for exhaustive switches.</param>
/// <param name="Name">The arm's name on every command line and in every result file (<c>--scheme</c>, <c>--arms</c>, <c>arm</c>).</param>
/// <param name="Summary">One line for help texts and the report.</param>
/// <param name="Transport">How a request carries the credential.</param>
/// <param name="CookieName">The cookie that carries it, for <see cref="CredentialTransport.Cookie"/>.</param>
/// <param name="UsesStore">Whether an authenticated request reads the store.</param>
/// <param name="LoginNeedsStore">Whether login writes to the store.</param>
/// <param name="HasAlgorithm">Whether the arm signs tokens and so runs once per algorithm (label "name-ALG").</param>
/// <param name="Logout">What logout does.</param>
/// <param name="Revoke">What the admin revoke does.</param>
/// <param name="Lifecycle">How a client obtains and keeps its credential.</param>
public sealed record ArmDescriptor(
    ArmId Id,
    string Name,
    string Summary,
    CredentialTransport Transport,
    string? CookieName,
    bool UsesStore,
    bool LoginNeedsStore,
    bool HasAlgorithm,
    LogoutEffect Logout,
    RevokeEffect Revoke,
    CredentialLifecycle Lifecycle)
{
    /// <summary>
    /// The arm must answer 503 (never 200, never 401) on a protected endpoint while the store is down: every arm
    /// that reads the store per request. Its login must also fail closed when login writes to the store.
    /// An arm that only logs in and refreshes through the store (<see cref="CredentialLifecycle.RefreshedThroughStore"/>)
    /// answers 503 on login, refresh and a logout that ends a refresh family, but its API requests carry a
    /// self-contained access token and keep working while the store is down: this is false for it.
    /// </summary>
    public bool FailsClosedWithoutStore => UsesStore;

    /// <summary>Whether a logout or an admin revoke takes effect before the credential expires.</summary>
    public bool RevokesBeforeExpiry => Revoke is RevokeEffect.DeletesUserCredentials or RevokeEffect.RevokesUserCredentials;

    /// <summary>"none", "session", "jwt-ES256", "jwt-cookie-ES256": the arm as every result and table names it.</summary>
    public string Label(string? alg) => HasAlgorithm
        ? $"{RunName}-{alg ?? throw new ArgumentNullException(nameof(alg), $"the {Name} arm runs per algorithm")}"
        : RunName;

    /// <summary>Every label of this arm, in report order.</summary>
    public IEnumerable<string> Labels => HasAlgorithm ? ArmCatalogue.Algorithms.Select(Label) : [RunName];

    /// <summary>
    /// What a plan change does to credentials already issued. Defaults to the stale answer, so an arm that does
    /// nothing about it is described (and tested by the arm contract) as keeping the old plan.
    /// </summary>
    public PlanChangeEffect PlanChange { get; init; } = PlanChangeEffect.KeptUntilExpiry;

    /// <summary>
    /// Null for an arm as the catalogue lists it; for a transport variant (the same arm with its credential in
    /// another transport, see <see cref="TransportVariants"/>) the transport's name, "cookie".
    /// </summary>
    public string? Variant { get; init; }

    /// <summary>
    /// The same arm with the credential carried in other transports (a JWT in a cookie instead of the
    /// <c>Authorization</c> header): same <see cref="Id"/>, <see cref="Name"/>, handler and store use, its own
    /// <see cref="Transport"/>, <see cref="CookieName"/> and labels. Empty for a variant itself.
    /// </summary>
    public IReadOnlyList<ArmDescriptor> TransportVariants { get; init; } = [];

    /// <summary>"jwt", or "jwt-cookie" for a transport variant: what <c>--arms</c> takes, and the labels' stem.</summary>
    public string RunName => Variant is null ? Name : $"{Name}-{Variant}";

    /// <summary>
    /// This arm (or its catalogued form's variant) carrying its credential in <paramref name="transport"/>; throws
    /// when the arm cannot.
    /// </summary>
    public ArmDescriptor InTransport(CredentialTransport transport) =>
        Transport == transport ? this
        : TransportVariants.FirstOrDefault(v => v.Transport == transport)
            ?? throw new ArgumentException($"the {Name} arm does not carry its credential in transport {ArmCatalogue.TransportName(transport)}", nameof(transport));

    /// <summary>The transports this arm can run with: its own first, then its variants'.</summary>
    public IEnumerable<CredentialTransport> Transports => TransportVariants.Select(v => v.Transport).Prepend(Transport);

    /// <summary>The near cache in process memory in front of the store, for an arm that keeps one; null for the others.</summary>
    public NearCacheSpec? NearCache { get; init; }

    public override string ToString() => RunName;
}

/// <summary>
/// An arm's near cache: what a request read from the store is kept in the API process's memory, and every instance
/// drops its copy when a logout, revoke or plan change is published over Redis pub/sub. A cached entry is served
/// only while this instance has received its own heartbeat over that same subscription within
/// <see cref="Lease"/>: when the store or the subscription goes silent, the arm stops serving from memory and reads
/// the store, so it fails closed (503) instead of missing revocations until the TTL runs out.
/// </summary>
/// <param name="DefaultTtl">How long an entry lives locally when the API's <c>--near-cache-ttl</c> is not given: the longest a revocation that is written to the store without a backplane message (none in AuthBench) would be missed.</param>
/// <param name="Lease">How old the last heartbeat received may be for a cached entry to be served: the longest a revocation is missed when the store or the subscription fails.</param>
/// <param name="HeartbeatInterval">How often each instance publishes its heartbeat (every instance receives every other's: N² messages per interval for N instances).</param>
public sealed record NearCacheSpec(TimeSpan DefaultTtl, TimeSpan Lease, TimeSpan HeartbeatInterval);
