using AuthBench.Contracts.Arms;

namespace AuthBench.LoadTest.Plan;

/// <summary>One authentication arm as the load test runs it (one API process each): the catalogue's descriptor, the algorithm and the claim profile.</summary>
public sealed record ArmSpec(ArmDescriptor Arm, string? Alg, string Claims)
{
    /// <summary>The arm's name on the API's command line and in results ("arm").</summary>
    public string Scheme => Arm.Name;

    /// <summary>
    /// The API's <c>--transport</c> for a transport variant ("cookie" for jwt-cookie); null for an arm as catalogued,
    /// which the API runs in its own transport without the option.
    /// </summary>
    public string? Transport => Arm.Variant is null ? null : ArmCatalogue.TransportName(Arm.Transport);

    /// <summary>
    /// The descriptor's label (name, name-ALG for an arm that signs tokens, name-cookie-ALG for its cookie variant):
    /// the column name in summaries and the file-name part.
    /// </summary>
    public string Label => (Fanout is { } fanout ? $"{Arm.Label(Alg)}-{fanout.Tag}" : Arm.Label(Alg)) + (Metrics ? MetricsSuffix : "");

    /// <summary>The label suffix of an arm whose API runs with its metrics endpoint on (<c>--api-metrics</c>).</summary>
    public const string MetricsSuffix = "-metrics";

    /// <summary>
    /// Its API is started with <c>--metrics on</c> (<c>--api-metrics on</c>, or both with off,on): the request counter
    /// in its pipeline, whose cost the off/on pair measures. Its server CPU still comes from /proc.
    /// </summary>
    public bool Metrics { get; init; }

    /// <summary>The fan-out chain this arm runs as (<c>--fanout</c>); null: one API process, as every other scenario.</summary>
    public FanoutSpec? Fanout { get; init; }

    /// <summary>Whether the arm's API needs a store (its requests or its logins use one).</summary>
    public bool NeedsStore => Arm.UsesStore || Arm.LoginNeedsStore;

    /// <summary>The claim profile its credentials carry; null for an arm that hands out no credential.</summary>
    public string? CredentialClaims => Arm.Transport switch
    {
        CredentialTransport.None => null,
        CredentialTransport.Cookie or CredentialTransport.BearerHeader => Claims,
    };
}
