namespace AuthBench.Store;
public static class StoreKindNames { public static string ToKindName(this StoreKind k) => k.ToString().ToLowerInvariant(); }
public sealed class StoreConfigurationException(string m) : Exception(m);
public sealed record StoreOptions
{
    public string Mode { get; init; } = "auto";
    public string? ConnectionString { get; init; }
    public static StoreOptions Parse(string? value) => value is "auto" or null ? new() { ConnectionString = Environment.GetEnvironmentVariable("AUTHBENCH_REDIS") } : new() { Mode = "external", ConnectionString = value };
}
public static class StoreResolver
{
    public static Task<IProvisionedStore> ProvisionAsync(StoreOptions options, Action<string>? log = null, CancellationToken ct = default)
        => Task.FromResult<IProvisionedStore>(new Ext(options.ConnectionString ?? throw new StoreConfigurationException("stub: need --redis")));
    private sealed class Ext(string cs) : IProvisionedStore
    {
        public StoreKind Kind => StoreKind.External; public string Version => "redis ?"; public string Topology => "standalone";
        public string Endpoint => cs; public string ConnectionString => cs; public int? ProcessId => null; public bool CanRestart => false;
        public Task StopAsync(CancellationToken c = default) => Task.CompletedTask; public Task StartAsync(CancellationToken c = default) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
// Temporary stand-ins for RedisInfo/StoreStats (same signatures as the store branch), replaced when it lands.
public sealed record StoreStats(long TotalCommands, long CommandUsec, double UsedCpuSys, double UsedCpuUser, long NetInputBytes, long NetOutputBytes,
    long KeyspaceHits, long KeyspaceMisses, IReadOnlyDictionary<string, (long Calls, long Usec)> CommandStats)
{
    public StoreStats Minus(StoreStats e) => new(TotalCommands - e.TotalCommands, CommandUsec - e.CommandUsec, UsedCpuSys - e.UsedCpuSys, UsedCpuUser - e.UsedCpuUser,
        NetInputBytes - e.NetInputBytes, NetOutputBytes - e.NetOutputBytes, KeyspaceHits - e.KeyspaceHits, KeyspaceMisses - e.KeyspaceMisses,
        CommandStats.ToDictionary(kv => kv.Key, kv => (kv.Value.Calls - (e.CommandStats.TryGetValue(kv.Key, out var b) ? b.Calls : 0), kv.Value.Usec - (e.CommandStats.TryGetValue(kv.Key, out var c) ? c.Usec : 0))));
}
public static class RedisInfo
{
    public static IReadOnlyDictionary<string, string> Parse(string infoText)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var l in infoText.Split('\n')) { var t = l.Trim(); var i = t.IndexOf(':'); if (t.Length > 0 && t[0] != '#' && i > 0) { d[t[..i]] = t[(i + 1)..]; } }
        return d;
    }
    public static StoreStats ToStats(IReadOnlyDictionary<string, string> f)
    {
        long L(string k) => f.TryGetValue(k, out var v) && long.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var x) ? x : 0;
        double D(string k) => f.TryGetValue(k, out var v) && double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var x) ? x : 0;
        var cmds = new Dictionary<string, (long, long)>();
        foreach (var (k, v) in f.Where(kv => kv.Key.StartsWith("cmdstat_", StringComparison.Ordinal)))
        {
            var p = v.Split(',').Select(s => s.Split('=')).Where(a => a.Length == 2).ToDictionary(a => a[0], a => long.TryParse(a[1], System.Globalization.CultureInfo.InvariantCulture, out var x) ? x : 0);
            cmds[k[8..]] = (p.GetValueOrDefault("calls"), p.GetValueOrDefault("usec"));
        }
        return new(L("total_commands_processed"), cmds.Values.Sum(c => c.Item2), D("used_cpu_sys"), D("used_cpu_user"), L("total_net_input_bytes"), L("total_net_output_bytes"), L("keyspace_hits"), L("keyspace_misses"), cmds);
    }
    public static async Task<StoreStats> ReadStatsAsync(StackExchange.Redis.IConnectionMultiplexer mux, CancellationToken ct = default)
        => ToStats(Parse(await mux.GetServer(mux.GetEndPoints()[0]).InfoRawAsync("all").WaitAsync(ct) ?? ""));
    public static Task<StoreStats> ReadStatsAsync(IProvisionedStore store, StackExchange.Redis.IConnectionMultiplexer mux, CancellationToken ct = default) => ReadStatsAsync(mux, ct);
}
