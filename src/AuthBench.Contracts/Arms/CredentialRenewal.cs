namespace AuthBench.Contracts.Arms;

/// <summary>
/// When a client renews a credential that expires: the load tool's clients do it at this share of the credential's
/// lifetime, and the report amortises the hybrid arm's refresh cost on the same cadence (one refresh per
/// <see cref="AfterFraction"/> × access lifetime of an active user).
/// </summary>
public static class CredentialRenewal
{
    /// <summary>Early enough that a slow renewal still beats the expiry.</summary>
    public const double AfterFraction = 0.8;
}
