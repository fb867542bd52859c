namespace AuthBench.Benchmarks;

/// <summary>The categories for <c>--anyCategories</c> / <c>--allCategories</c>; every benchmark class carries at least one.</summary>
public static class Categories
{
    /// <summary>JWT validation against its signature floor.</summary>
    public const string Jwt = "Jwt";

    /// <summary>Session lookups against the store, beside a PING round trip.</summary>
    public const string Session = "Session";

    /// <summary>Credential bytes on the wire.</summary>
    public const string Size = "Size";

    /// <summary>A whole in-process ASP.NET Core request.</summary>
    public const string Pipeline = "Pipeline";

    /// <summary>Classes whose baseline is a physical floor (a raw primitive or a round trip).</summary>
    public const string Floor = "Floor";

    /// <summary>One session lookup beside one JWT verification per algorithm.</summary>
    public const string HeadToHead = "HeadToHead";
}
