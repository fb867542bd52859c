namespace AuthBench.Store.Internal;

/// <summary>A store the user runs (standalone, replicated or cluster); never started or stopped by us.</summary>
internal sealed class ExternalStore(StoreProbe.Identity identity) : IProvisionedStore
{
    public StoreKind Kind => StoreKind.External;

    public string Version => identity.Version;

    public string Topology => identity.Topology;

    public string Endpoint => identity.Endpoint;

    public string ConnectionString => identity.ConnectionString;

    public int? ProcessId => null;

    public bool CanRestart => false;

    public Task StopAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("an external store is not ours to stop");

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("an external store is not ours to start");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => ((IProvisionedStore)this).Describe();
}
