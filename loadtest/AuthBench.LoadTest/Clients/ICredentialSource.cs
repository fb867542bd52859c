using AuthBench.Contracts.Arms;

namespace AuthBench.LoadTest.Clients;

/// <summary>A user of the pool: who logs in, with which password.</summary>
public sealed record UserLogin(string User, string Password);

/// <summary>
/// A credential as one virtual user holds it: the header line every request of the user carries (without CRLF; null
/// for an arm without credentials), when it was obtained and, when the server said so, when it expires.
/// </summary>
public sealed record Credential(string? HeaderLine, DateTimeOffset ObtainedAt, DateTimeOffset? ExpiresAt)
{
    /// <summary>Share of the credential's lifetime after which the pool renews it: early enough that a slow renewal still beats the expiry.</summary>
    public const double RenewAfterFraction = CredentialRenewal.AfterFraction;

    /// <summary>
    /// When the pool renews it; null for a credential that does not expire (or outlives the run). By default at
    /// <see cref="RenewAfterFraction"/> of its lifetime; a source may set another time (a spread first refresh, a retry).
    /// </summary>
    public DateTimeOffset? RenewAt { get; init; } = ExpiresAt is { } expires ? ObtainedAt + ((expires - ObtainedAt) * RenewAfterFraction) : null;

    /// <summary>The refresh token that renews it, for an arm with a refresh endpoint; null otherwise.</summary>
    public string? RefreshToken { get; init; }
}

/// <summary>
/// The client side of an arm: how a virtual user obtains its credential (through the real <c>POST /auth/login</c>),
/// renews it before it expires, and what a store restart does to it. One implementation per
/// <see cref="CredentialTransport"/> (<see cref="CredentialSources.For"/>); an arm with a new lifecycle (a refresh
/// endpoint, say) implements this interface.
/// </summary>
public interface ICredentialSource
{
    ArmDescriptor Arm { get; }

    /// <summary>False when the arm hands out no credential: the pool then sends one request for everyone and logs no one in.</summary>
    bool NeedsLogin { get; }

    Task<Credential> LoginAsync(HttpClient client, UserLogin user, CancellationToken ct);

    /// <summary>A fresh credential before <paramref name="current"/> expires (an arm without a refresh endpoint logs in again).</summary>
    Task<Credential> RenewAsync(HttpClient client, UserLogin user, Credential current, CancellationToken ct);

    /// <summary>The refresh requests this source sends apart from the API requests; null for a source without a refresh endpoint.</summary>
    RefreshStats? RefreshStats => null;
}
