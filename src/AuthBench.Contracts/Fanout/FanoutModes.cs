using AuthBench.Contracts.Arms;

namespace AuthBench.Contracts.Fanout;

/// <summary>How the services behind the edge of a fan-out chain learn who the user is.</summary>
public enum FanoutMode
{
    /// <summary>Every service authenticates the user's own credential: a JWT verified in each, a session looked up in each.</summary>
    PerService,
    /// <summary>
    /// The edge authenticates the user's credential once and passes a short internal ES256 token on, signed by the edge
    /// and verified downstream with the edge's public key (arms whose credential is not a signed token).
    /// </summary>
    EdgeToken,
}

/// <summary>Names, paths and rules of the fan-out scenario that the API, the load tool and the report share.</summary>
public static class FanoutModes
{
    /// <summary>The endpoint a user request enters at the edge and each service calls on the next.</summary>
    public const string ChainPath = "/api/chain";

    /// <summary>Where a service publishes the public key its tokens are verified with (RFC 7517 key set).</summary>
    public const string JwksPath = "/.well-known/jwks.json";

    /// <summary>How long an internal edge token is valid: long enough for one chain of calls, too short to be worth stealing.</summary>
    public static readonly TimeSpan EdgeTokenLifetime = TimeSpan.FromSeconds(5);

    public static readonly IReadOnlyList<FanoutMode> All = [FanoutMode.PerService, FanoutMode.EdgeToken];

    public static string Name(FanoutMode mode) => mode switch
    {
        FanoutMode.PerService => "per-service",
        FanoutMode.EdgeToken => "edge-token",
    };

    public static string NameChoices => string.Join('|', All.Select(Name));

    public static FanoutMode? Find(string? text) =>
        All.Cast<FanoutMode?>().FirstOrDefault(m => string.Equals(Name(m!.Value), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The modes an arm can fan out in: a signed-token arm verifies in every service (its token already is the
    /// internal credential); an arm whose credential must be looked up can also translate it once at the edge.
    /// </summary>
    public static IReadOnlyList<FanoutMode> For(ArmDescriptor arm) =>
        arm.HasAlgorithm || arm.Transport is CredentialTransport.None ? [FanoutMode.PerService] : All;
}
