using AuthBench.Store.Internal;

namespace AuthBench.Store.Tests;

internal static class DockerProbe
{
    public static async Task<(bool Answers, string Detail, bool HasBridge)> ProbeAsync()
    {
        var status = await DockerDaemon.ProbeAsync(CancellationToken.None);
        return (status.Answers, status.Detail, status.HasBridgeNetwork);
    }
}
