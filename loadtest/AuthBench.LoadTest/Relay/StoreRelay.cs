using System.Net;
using AuthBench.LoadTest.Plan;
using AuthBench.Store;
using StackExchange.Redis;

namespace AuthBench.LoadTest.Relay;

/// <summary>Puts a <see cref="DelayRelay"/> between the APIs of a run and its store (--store-rtt).</summary>
public static class StoreRelay
{
    /// <summary>A relay in front of <paramref name="store"/>'s one endpoint; a cluster's redirects would go around it, so it is refused.</summary>
    public static DelayRelay Start(IProvisionedStore store, TimeSpan roundTrip) => DelayRelay.Start(Upstream(store.ConnectionString, store.Topology), roundTrip);

    /// <summary>The one endpoint of a standalone store's connection string.</summary>
    public static EndPoint Upstream(string connectionString, string topology)
    {
        var config = ConfigurationOptions.Parse(connectionString);
        if (topology.StartsWith("cluster", StringComparison.OrdinalIgnoreCase) || config.EndPoints.Count != 1)
        {
            throw new UsageException($"--store-rtt relays one standalone store endpoint; this store is {topology} with {config.EndPoints.Count} endpoint(s), "
                + "whose redirects would bypass the relay");
        }
        return config.EndPoints[0];
    }

    /// <summary><paramref name="connectionString"/> with its endpoint replaced by the relay's (password and options kept).</summary>
    public static string ConnectionString(string connectionString, IPEndPoint relay)
    {
        var config = ConfigurationOptions.Parse(connectionString);
        config.EndPoints.Clear();
        config.EndPoints.Add(relay);
        return config.ToString(includePassword: true);
    }

    public static string Describe(DelayRelay relay, IProvisionedStore store) =>
        $"delaying TCP relay {relay.EndPoint} → {store.Endpoint} (half the set round trip each way, every read held from its arrival, FIFO per direction)";
}
