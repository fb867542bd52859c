using StackExchange.Redis;

namespace AuthBench.Core;

/// <summary>The one place that turns a connection string into a multiplexer with AuthBench's fail-fast settings.</summary>
public static class RedisConnections
{
    /// <summary>Bound for connect, sync and async operations: a dead store turns into a 503 within a second.</summary>
    public const int TimeoutMs = 500;

    public static ConfigurationOptions Configure(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = TimeoutMs;
        options.SyncTimeout = TimeoutMs;
        options.AsyncTimeout = TimeoutMs;
        options.ConnectRetry = 1;
        // While disconnected, fail at once instead of queueing behind the reconnect: fail closed, and fast.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // Reconnect quickly when the store returns (the API must recover by itself within ~2 s).
        options.ReconnectRetryPolicy = new LinearRetry(250);
        // Timeouts are detected on the heartbeat: 250 ms keeps timeout + detection under the 1 s promise.
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(250);
        options.ClientName = "authbench";
        return options;
    }

    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString, TextWriter? log = null)
    {
        var mux = await ConnectionMultiplexer.ConnectAsync(Configure(connectionString), log).ConfigureAwait(false);
        return mux;
    }
}
