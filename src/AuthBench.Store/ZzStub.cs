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
