namespace AuthBench.LoadTest.Plan;

/// <summary>The load balancer in front of the API servers of <c>--instances</c>.</summary>
public enum BalancerKind
{
    /// <summary>Debian's haproxy: <c>mode http</c>, <c>balance roundrobin</c>, keep-alive and connection reuse to the servers.</summary>
    Haproxy,
}

public static class BalancerKinds
{
    public static string ToName(this BalancerKind kind) => kind switch
    {
        BalancerKind.Haproxy => "haproxy",
    };

    /// <summary>Parses --balancer.</summary>
    public static BalancerKind Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "haproxy" => BalancerKind.Haproxy,
        // Named by the issue; not built yet, and said so rather than silently run through haproxy.
        "yarp" => throw new UsageException("--balancer yarp is not built yet: use --balancer haproxy"),
        var other => throw new UsageException($"--balancer '{other}': use haproxy"),
    };

    /// <summary>
    /// The haproxy executable on <paramref name="path"/> (the PATH variable's value); throws the one-line usage error
    /// when there is none.
    /// </summary>
    public static string LocateHaproxy(string? path)
    {
        foreach (var dir in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "haproxy");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new UsageException("--balancer haproxy needs haproxy: apt-get install haproxy");
    }
}
