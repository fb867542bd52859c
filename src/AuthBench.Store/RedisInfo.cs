using AuthBench.Common;
using System.Globalization;

using StackExchange.Redis;

namespace AuthBench.Store;

/// <summary>Reads the text of Redis/Garnet INFO into fields and <see cref="StoreStats"/>.</summary>
public static class RedisInfo
{
    /// <summary>
    /// Parses INFO text (any sections, commandstats included) into field → value. Section headers
    /// and blank lines are skipped; a field repeated in a later section overwrites the earlier one.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string infoText)
    {
        ArgumentNullException.ThrowIfNull(infoText);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in infoText.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            fields[line[..colon].ToString()] = line[(colon + 1)..].ToString();
        }

        return fields;
    }

    /// <summary>Builds a <see cref="StoreStats"/> from parsed INFO fields (absent counters are 0).</summary>
    public static StoreStats ToStats(IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var commands = new Dictionary<string, (long Calls, long Usec)>(StringComparer.Ordinal);
        long commandUsec = 0;
        foreach (var (key, value) in fields)
        {
            if (!key.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                continue;
            }

            // cmdstat_get:calls=2,usec=15,usec_per_call=7.50,rejected_calls=0,failed_calls=0
            long calls = 0, usec = 0;
            foreach (var part in value.Split(','))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    continue;
                }

                var name = part[..eq];
                if (name == "calls")
                {
                    calls = ParseLong(part[(eq + 1)..]);
                }
                else if (name == "usec")
                {
                    usec = ParseLong(part[(eq + 1)..]);
                }
            }

            commands[key["cmdstat_".Length..].ToLowerInvariant()] = (calls, usec);
            commandUsec += usec;
        }

        return new StoreStats(
            TotalCommands: Long(fields, "total_commands_processed"),
            CommandUsec: commandUsec,
            UsedCpuSys: Double(fields, "used_cpu_sys"),
            UsedCpuUser: Double(fields, "used_cpu_user"),
            // Redis 7 counts the replication stream apart (total_net_repl_*: what a replica receives, what its primary
            // sends); it is traffic the node carries for the arm's writes, so it is in the node's bytes (0 when standalone).
            NetInputBytes: Long(fields, "total_net_input_bytes") + Long(fields, "total_net_repl_input_bytes"),
            NetOutputBytes: Long(fields, "total_net_output_bytes") + Long(fields, "total_net_repl_output_bytes"),
            KeyspaceHits: fields.ContainsKey("keyspace_hits") ? Long(fields, "keyspace_hits") : Long(fields, "total_found"),
            KeyspaceMisses: fields.ContainsKey("keyspace_misses") ? Long(fields, "keyspace_misses") : Long(fields, "total_notfound"),
            CommandStats: commands);
    }

    /// <summary>Reads INFO ALL of the first endpoint's server (the connection needs allowAdmin=true).</summary>
    public static async Task<StoreStats> ReadStatsAsync(IConnectionMultiplexer mux, CancellationToken ct = default)
    {
        var fields = await ReadFieldsAsync(mux, ct).ConfigureAwait(false);
        return ToStats(fields);
    }

    /// <summary>
    /// Like <see cref="ReadStatsAsync(IConnectionMultiplexer, CancellationToken)"/>, but when the server
    /// reports no CPU (Garnet) and the store is a local process of ours, CPU comes from /proc/&lt;pid&gt;/stat.
    /// </summary>
    public static async Task<StoreStats> ReadStatsAsync(IProvisionedStore store, IConnectionMultiplexer mux, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var fields = await ReadFieldsAsync(mux, ct).ConfigureAwait(false);
        var stats = ToStats(fields);
        if (!fields.ContainsKey("used_cpu_user") && store.ProcessId is int pid && ProcStat.ReadCpu(pid) is { } cpu)
        {
            stats = stats with { UsedCpuUser = cpu.User.TotalSeconds, UsedCpuSys = cpu.System.TotalSeconds };
        }

        return stats;
    }

    private static async Task<IReadOnlyDictionary<string, string>> ReadFieldsAsync(IConnectionMultiplexer mux, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mux);
        ct.ThrowIfCancellationRequested();
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var text = await server.InfoRawAsync("all").WaitAsync(ct).ConfigureAwait(false) ?? string.Empty;
        if (!text.Contains("cmdstat_", StringComparison.Ordinal))
        {
            // Garnet leaves commandstats out of INFO ALL; it answers when asked by name.
            text += "\n" + (await server.InfoRawAsync("commandstats").WaitAsync(ct).ConfigureAwait(false) ?? string.Empty);
        }

        return Parse(text);
    }

    private static long Long(IReadOnlyDictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var v) ? ParseLong(v) : 0;

    private static double Double(IReadOnlyDictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;

    private static long ParseLong(string s) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
