using StackExchange.Redis;

namespace AuthBench.Store.Internal;

/// <summary>Connects once to a store to learn what it is: server name and version, and topology.</summary>
internal static class StoreProbe
{
    public sealed record Identity(string Version, string Topology, string Endpoint, string ConnectionString);

    /// <summary>Adds allowAdmin (INFO needs it) and bounded timeouts to a connection string.</summary>
    public static ConfigurationOptions WithAdmin(ConfigurationOptions options, TimeSpan timeout)
    {
        var copy = options.Clone();
        copy.AllowAdmin = true;
        copy.AbortOnConnectFail = true;
        var ms = (int)Math.Clamp(timeout.TotalMilliseconds, 1000, int.MaxValue);
        copy.ConnectTimeout = Math.Min(copy.ConnectTimeout, ms);
        copy.ConnectRetry = 1;
        return copy;
    }

    public static async Task<Identity> IdentifyAsync(ConfigurationOptions options, TimeSpan timeout, string what, CancellationToken ct)
    {
        var admin = WithAdmin(options, timeout);
        var endpoint = options.EndPoints.Count > 0 ? Format(options.EndPoints[0]) : "(no endpoint)";
        ConnectionMultiplexer mux;
        try
        {
            mux = await ConnectionMultiplexer.ConnectAsync(admin).WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (RedisConnectionException ex)
        {
            throw new StoreConfigurationException($"{what} at {endpoint}: {Describe(ex)}", ex);
        }
        catch (TimeoutException ex)
        {
            throw new StoreConfigurationException($"{what} at {endpoint}: no answer within {timeout.TotalSeconds:0.#} s", ex);
        }

        await using (mux.ConfigureAwait(false))
        {
            try
            {
                var servers = mux.GetServers();
                var first = mux.GetServer(mux.GetEndPoints()[0]);
                var info = RedisInfo.Parse(await first.InfoRawAsync("server").WaitAsync(timeout, ct).ConfigureAwait(false) ?? string.Empty);
                var version = info.TryGetValue("garnet_version", out var g) ? $"garnet {g}"
                    : info.TryGetValue("valkey_version", out var v) ? $"valkey {v}"
                    : info.TryGetValue("redis_version", out var r) ? $"redis {r}"
                    : "unknown";
                string topology;
                if (servers.Any(s => s.ServerType == ServerType.Cluster))
                {
                    var primaries = servers.Count(s => s.IsConnected && !s.IsReplica);
                    topology = $"cluster ({primaries} primaries)";
                }
                else
                {
                    var replicas = servers.Count(s => s.IsConnected && s.IsReplica);
                    topology = replicas == 0 ? "standalone" : $"replicated (1 primary, {replicas} replicas)";
                }

                return new Identity(version, topology, Format(first.EndPoint), admin.ToString(includePassword: true));
            }
            catch (RedisException ex)
            {
                throw new StoreConfigurationException($"{what} at {endpoint}: connected but INFO failed: {ex.Message}", ex);
            }
        }
    }

    public static string Format(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    private static string Describe(RedisConnectionException ex)
    {
        var reason = ex.FailureType switch
        {
            ConnectionFailureType.AuthenticationFailure => "authentication failed (wrong or missing password/user)",
            ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection
                or ConnectionFailureType.SocketFailure or ConnectionFailureType.SocketClosed => "cannot connect",
            _ => ex.FailureType.ToString(),
        };
        if (reason == "cannot connect" && ex.Message.Contains("AuthenticationFailure", StringComparison.Ordinal))
        {
            reason = "authentication failed (wrong or missing password/user)";
        }

        var inner = ex.InnerException?.Message;
        return inner is null ? reason : $"{reason} ({StoreConfigurationException.OneLine(inner)})";
    }
}
