namespace AuthBench.Store;

/// <summary>Stable names of <see cref="StoreKind"/> values, as they appear in logs and results.</summary>
public static class StoreKindNames
{
    public static string ToKindName(this StoreKind k) => k switch
    {
        StoreKind.External => "external",
        StoreKind.RedisServer => "redis-server",
        StoreKind.Docker => "docker",
        StoreKind.Garnet => "garnet",
    };
}
