using AuthBench.Store.Internal;

namespace AuthBench.Store.Tests;

/// <summary>
/// Tests that need a program the machine may lack (redis-server, a Docker daemon) report "skipped" with the reason and
/// how to get it, never "passed"; with AUTHBENCH_REQUIRE_REDIS_SERVER=1 or AUTHBENCH_REQUIRE_DOCKER=1 (set by .ci/run,
/// which installs both) a missing one fails them instead.
/// </summary>
internal static class Requirements
{
    public const string RequireRedisServerVariable = "AUTHBENCH_REQUIRE_REDIS_SERVER";
    public const string RequireDockerVariable = "AUTHBENCH_REQUIRE_DOCKER";

    public static void RedisServer()
    {
        if (RedisServerStore.FindOnPath() is not null)
        {
            return;
        }
        Assert.False(IsRequired(RequireRedisServerVariable), $"{RequireRedisServerVariable}=1 but no redis-server is on PATH (apt-get install redis-server)");
        Skip.If(true, $"no redis-server on PATH: apt-get install redis-server, or set {RequireRedisServerVariable}=1 to make this a failure");
    }

    public static async Task<DockerDaemonInfo> DockerDaemonAsync()
    {
        var status = await DockerDaemon.ProbeAsync(CancellationToken.None);
        if (!status.Answers)
        {
            Assert.False(IsRequired(RequireDockerVariable), $"{RequireDockerVariable}=1 but {status.Detail} (run scripts/ci-docker.sh)");
            Skip.If(true, $"{status.Detail}; run scripts/ci-docker.sh or set {RequireDockerVariable}=1 to make this a failure");
        }
        return new DockerDaemonInfo(status.HasBridgeNetwork);
    }

    /// <summary>
    /// A store this machine can always start for tests that need some real Redis-protocol server but not a particular
    /// one: redis-server when it is on PATH, else embedded Garnet (which needs nothing but the .NET SDK).
    /// </summary>
    public static StoreOptions AnyLocalStore() =>
        new() { Mode = RedisServerStore.FindOnPath() is not null ? StoreMode.RedisServer : StoreMode.Garnet, StartTimeout = TimeSpan.FromSeconds(30) };

    private static bool IsRequired(string variable) => Environment.GetEnvironmentVariable(variable) == "1";
}

internal sealed record DockerDaemonInfo(bool HasBridge);
