namespace AuthBench.Store;

/// <summary>
/// Cumulative server counters from INFO. Subtract two snapshots (<see cref="Minus"/>) to get the
/// store's work during a run, then divide by the request count for per-request costs.
/// Garnet refreshes these counters once a second (its metrics monitor), and reports no CPU and no
/// per-command usec: read a Garnet snapshot at least 1.1 s after the work it should include.
/// </summary>
/// <param name="TotalCommands">total_commands_processed.</param>
/// <param name="CommandUsec">Sum of usec over all commandstats entries (server time spent in commands).</param>
/// <param name="UsedCpuSys">used_cpu_sys in seconds (Garnet reports none; see <see cref="RedisInfo.ReadStatsAsync(IProvisionedStore, StackExchange.Redis.IConnectionMultiplexer, CancellationToken)"/>).</param>
/// <param name="UsedCpuUser">used_cpu_user in seconds.</param>
/// <param name="NetInputBytes">total_net_input_bytes plus total_net_repl_input_bytes (Redis 7 counts the replication stream apart).</param>
/// <param name="NetOutputBytes">total_net_output_bytes plus total_net_repl_output_bytes.</param>
/// <param name="KeyspaceHits">keyspace_hits (Garnet: total_found).</param>
/// <param name="KeyspaceMisses">keyspace_misses (Garnet: total_notfound).</param>
/// <param name="CommandStats">Per command (lower case, e.g. "get"): calls and usec.</param>
public sealed record StoreStats(
    long TotalCommands,
    long CommandUsec,
    double UsedCpuSys,
    double UsedCpuUser,
    long NetInputBytes,
    long NetOutputBytes,
    long KeyspaceHits,
    long KeyspaceMisses,
    IReadOnlyDictionary<string, (long Calls, long Usec)> CommandStats)
{
    /// <summary>Counters accumulated since <paramref name="earlier"/>; commands absent then count from zero.</summary>
    public StoreStats Minus(StoreStats earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var commands = new Dictionary<string, (long Calls, long Usec)>(StringComparer.Ordinal);
        foreach (var (name, now) in CommandStats)
        {
            var before = earlier.CommandStats.TryGetValue(name, out var b) ? b : default;
            var delta = (now.Calls - before.Calls, now.Usec - before.Usec);
            if (delta.Item1 != 0 || delta.Item2 != 0)
            {
                commands[name] = delta;
            }
        }

        return new StoreStats(
            TotalCommands - earlier.TotalCommands,
            CommandUsec - earlier.CommandUsec,
            UsedCpuSys - earlier.UsedCpuSys,
            UsedCpuUser - earlier.UsedCpuUser,
            NetInputBytes - earlier.NetInputBytes,
            NetOutputBytes - earlier.NetOutputBytes,
            KeyspaceHits - earlier.KeyspaceHits,
            KeyspaceMisses - earlier.KeyspaceMisses,
            commands);
    }

    /// <summary>The counters of two servers together (a cluster's primaries): per-command calls and usec summed by name.</summary>
    public StoreStats Plus(StoreStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var commands = new Dictionary<string, (long Calls, long Usec)>(CommandStats, StringComparer.Ordinal);
        foreach (var (name, (calls, usec)) in other.CommandStats)
        {
            var mine = commands.TryGetValue(name, out var m) ? m : default;
            commands[name] = (mine.Calls + calls, mine.Usec + usec);
        }

        return new StoreStats(
            TotalCommands + other.TotalCommands,
            CommandUsec + other.CommandUsec,
            UsedCpuSys + other.UsedCpuSys,
            UsedCpuUser + other.UsedCpuUser,
            NetInputBytes + other.NetInputBytes,
            NetOutputBytes + other.NetOutputBytes,
            KeyspaceHits + other.KeyspaceHits,
            KeyspaceMisses + other.KeyspaceMisses,
            commands);
    }
}
