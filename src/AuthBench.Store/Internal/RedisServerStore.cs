using System.Diagnostics;
using System.Globalization;
using AuthBench.Common;

namespace AuthBench.Store.Internal;

/// <summary>
/// How one redis-server node of a topology differs from the plain standalone store: persistence, the primary it
/// replicates, cluster mode. Null folder: nothing is ever written (the standalone store).
/// </summary>
internal sealed record RedisNodeConfig(string? Directory = null, bool AppendOnly = false, string? ReplicaOf = null, bool Cluster = false, bool Primary = false);

/// <summary>A private redis-server child: loopback only, random password, no persistence unless <see cref="RedisNodeConfig"/> asks for it.</summary>
internal sealed class RedisServerStore(string executable, TimeSpan startTimeout, Action<string>? log, RedisNodeConfig? config = null, string? password = null)
    : ChildProcessStore(startTimeout, log, password)
{
    private readonly RedisNodeConfig _config = config ?? new RedisNodeConfig();
    private readonly Dictionary<int, int> _busPorts = [];

    public override StoreKind Kind => StoreKind.RedisServer;

    /// <summary>The redis-server on PATH, or null.</summary>
    public static string? FindOnPath() => PathSearch.Find("redis-server");

    /// <summary>The cluster bus port of this node (cluster mode), chosen once per client port so a restart keeps it.</summary>
    public int? BusPort => _config.Cluster && _busPorts.TryGetValue(Port, out var bus) ? bus : null;

    /// <summary>The node's password (the cluster's and the replica's <c>masterauth</c> is the same one).</summary>
    public string Secret => Password;

    protected override ProcessStartInfo CreateStartInfo(int port)
    {
        var psi = new ProcessStartInfo(executable)
        {
            // No config file is read; the working folder only matters if something tried to save.
            WorkingDirectory = _config.Directory ?? Path.GetTempPath(),
        };
        var args = new List<string>
        {
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--requirepass", Password,
            "--save", string.Empty,
            "--appendonly", _config.AppendOnly ? "yes" : "no",
        };
        if (_config.ReplicaOf is not null || _config.Cluster)
        {
            args.AddRange(["--masterauth", Password]);
        }
        if (_config.Directory is { } dir)
        {
            args.AddRange(["--dir", dir]);
        }
        if (_config.AppendOnly)
        {
            args.AddRange(["--appendfsync", "everysec"]);
        }
        if (_config.Primary)
        {
            // A replica's first full sync starts at once, not after the default 5 s wait for more replicas.
            args.AddRange(["--repl-diskless-sync-delay", "0"]);
        }
        if (_config.ReplicaOf is { } primary)
        {
            var colon = primary.LastIndexOf(':');
            args.AddRange(["--replicaof", primary[..colon], primary[(colon + 1)..]]);
        }
        if (_config.Cluster)
        {
            if (!_busPorts.TryGetValue(port, out var bus))
            {
                bus = LocalPorts.FindFree();
                _busPorts[port] = bus;
            }
            args.AddRange([
                "--cluster-enabled", "yes",
                "--cluster-port", bus.ToString(CultureInfo.InvariantCulture),
                "--cluster-config-file", $"nodes-{port.ToString(CultureInfo.InvariantCulture)}.conf",
                "--cluster-node-timeout", "5000",
            ]);
        }
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return psi;
    }
}
