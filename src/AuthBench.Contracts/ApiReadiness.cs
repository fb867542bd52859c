namespace AuthBench.Contracts;

/// <summary>The line the API prints once Kestrel listens; the load tool and the tests wait for it.</summary>
public static class ApiReadiness
{
    public const string Prefix = "AuthBench API ready:";
}
