using AuthBench.Store;
using StackExchange.Redis;

namespace AuthBench.LoadTest.Probes;

/// <summary>What the store did for one trial, per request (from two INFO snapshots).</summary>
public sealed record StoreCost(
    double CommandsPerRequest,
    double UsecPerRequest,
    double CpuUsPerRequest,
    double BytesPerRequest,
    IReadOnlyDictionary<string, double> Commands);

/// <summary>Reads INFO before and after a trial through its own connection (which needs allowAdmin=true).</summary>
public sealed class StoreProbe(IProvisionedStore store, IConnectionMultiplexer mux)
{
    /// <summary>
    /// Commands that are not the arm's work: our own INFO, and the keep-alives and handshakes of the idle
    /// API processes' connections. They are left out of commands and usec per request.
    /// Pub/sub is the arm's work where an arm uses it: PUBLISH (and SPUBLISH), a near cache's invalidations and
    /// heartbeats, are counted, their usec including Redis's fan-out to the subscribers; only (un)subscribing, once
    /// per connection, is housekeeping. The messages Redis pushes to subscribers are no commands: their bytes are in
    /// the network figure, and their number is in no INFO field (it is PUBLISH calls times the subscribers each
    /// reached, which the API's near cache counts on the receiving side).
    /// </summary>
    public static readonly HashSet<string> Housekeeping = new(StringComparer.OrdinalIgnoreCase)
    {
        "info", "ping", "echo", "client", "cluster", "config", "hello", "auth", "select", "command", "role",
        "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "sentinel",
    };

    private static readonly TimeSpan GarnetSettle = TimeSpan.FromSeconds(2);

    public IProvisionedStore Store { get; } = store;

    /// <summary>
    /// One INFO snapshot. The raw text is read here (not through RedisInfo.ReadStatsAsync) because its size is
    /// needed: the reply to the first snapshot is part of the network bytes the second one reports.
    /// </summary>
    public async Task<Snapshot> ReadAsync(CancellationToken ct)
    {
        if (Store.Kind == StoreKind.Garnet)
        {
            // Garnet folds its per-session command counters into INFO with a delay (about a second here); without a
            // pause, part of one trial's commands would be counted in the next.
            await Task.Delay(GarnetSettle, ct).ConfigureAwait(false);
        }
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var text = await server.InfoRawAsync("all").WaitAsync(ct).ConfigureAwait(false) ?? string.Empty;
        var replyBytes = (long)System.Text.Encoding.UTF8.GetByteCount(text);
        if (!text.Contains("cmdstat_", StringComparison.Ordinal))
        {
            // Garnet leaves commandstats out of INFO ALL and answers when asked by name.
            var commandStats = await server.InfoRawAsync("commandstats").WaitAsync(ct).ConfigureAwait(false) ?? string.Empty;
            replyBytes += System.Text.Encoding.UTF8.GetByteCount(commandStats);
            text += "\n" + commandStats;
        }
        var fields = RedisInfo.Parse(text);
        var stats = RedisInfo.ToStats(fields);
        if (!fields.ContainsKey("used_cpu_user") && Store.ProcessId is int pid && new ProcessProbe(pid).ReadCpu() is { } cpu)
        {
            // Garnet reports no CPU; a store process of ours is measured from /proc instead (all of it as user time).
            stats = stats with { UsedCpuUser = cpu.TotalSeconds, UsedCpuSys = 0 };
        }
        return new Snapshot(stats, replyBytes);
    }

    /// <summary>Per-request cost between two snapshots; <paramref name="infoReplyBytes"/> is the size of the first INFO reply, counted in the delta.</summary>
    public static StoreCost Cost(StoreStats before, StoreStats after, long requests, long infoReplyBytes = 0)
    {
        var delta = after.Minus(before);
        var n = Math.Max(1, requests);
        long calls = 0, usec = 0;
        var commands = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, (c, u)) in delta.CommandStats)
        {
            if (Housekeeping.Contains(name) || name.StartsWith("client|", StringComparison.Ordinal) || name.StartsWith("config|", StringComparison.Ordinal)
                || name.StartsWith("cluster|", StringComparison.Ordinal) || name.StartsWith("command|", StringComparison.Ordinal))
            {
                continue;
            }
            calls += c;
            usec += u;
            commands[name] = Math.Round((double)c / n, 4);
        }
        var bytes = Math.Max(0, delta.NetInputBytes + delta.NetOutputBytes - infoReplyBytes);
        return new StoreCost(
            (double)calls / n,
            (double)usec / n,
            (delta.UsedCpuSys + delta.UsedCpuUser) * 1_000_000.0 / n,
            (double)bytes / n,
            commands);
    }

    /// <summary>INFO counters and the size of the reply(ies) that carried them.</summary>
    public sealed record Snapshot(StoreStats Stats, long ReplyBytes);
}
