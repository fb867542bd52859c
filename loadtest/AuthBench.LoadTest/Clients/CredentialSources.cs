using AuthBench.Contracts.Arms;

namespace AuthBench.LoadTest.Clients;

/// <summary>Picks the credential source of an arm from its descriptor, and says what a store restart does to its credentials.</summary>
public static class CredentialSources
{
    /// <summary>By lifecycle first (a refresh endpoint needs its own client), then by transport.</summary>
    public static ICredentialSource For(ArmDescriptor arm, TimeProvider time) => arm.Lifecycle switch
    {
        CredentialLifecycle.RefreshedThroughStore => new RefreshTokenCredentialSource(arm, time),
        CredentialLifecycle.None or CredentialLifecycle.LoginOnceSelfContained or CredentialLifecycle.LoginOnceHeldByStore => ByTransport(arm, time),
    };

    private static ICredentialSource ByTransport(ArmDescriptor arm, TimeProvider time) => arm.Transport switch
    {
        CredentialTransport.None => new NoCredentialSource(arm, time),
        CredentialTransport.Cookie => new CookieCredentialSource(arm, time),
        CredentialTransport.BearerHeader => new BearerCredentialSource(arm, time),
    };

    /// <summary>True when a store restarted without persistence has forgotten the credentials, so every user logs in again.</summary>
    public static bool LostWithTheStore(CredentialLifecycle lifecycle) => lifecycle switch
    {
        CredentialLifecycle.None => false,
        CredentialLifecycle.LoginOnceSelfContained => false,
        CredentialLifecycle.LoginOnceHeldByStore => true,
        // The refresh tokens lived in the store; the access tokens would outlive it, but could not be renewed.
        CredentialLifecycle.RefreshedThroughStore => true,
    };
}
