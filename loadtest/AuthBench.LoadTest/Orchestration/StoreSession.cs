using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Probes;
using AuthBench.Store;
using StackExchange.Redis;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>The store of a run: provisioned when an arm needs one (or named for --target), and probed through its own connection.</summary>
public sealed class StoreSession : IAsyncDisposable
{
    private ConnectionMultiplexer? _mux;

    private StoreSession(IProvisionedStore? store) => Store = store;

    public IProvisionedStore? Store { get; }

    /// <summary>INFO before and after each trial; null when the store cannot be asked (no allowAdmin, no store).</summary>
    public StoreProbe? Probe { get; private set; }

    public string? ConnectionString => Store?.ConnectionString;

    public static async Task<StoreSession> OpenAsync(LoadOptions options, RunResults results, Progress progress, CancellationToken ct)
    {
        IProvisionedStore? store = null;
        if (options.NeedsStore || (options.Target is not null && !StoreModes.TryParse(options.Store, out _)))
        {
            // With --target, an explicit connection string still lets the target's store be probed.
            store = await StoreResolver.ProvisionAsync(StoreOptions.Parse(options.Store), m => progress.Line("  " + m), ct).ConfigureAwait(false);
            if (options.NeedsStore)
            {
                progress.Line($"store: {store.Describe()}");
            }
        }
        else if (options.Target is not null)
        {
            results.SkippedProbes.Add("store: --target mode without a --store connection string, so the target's store is unknown");
        }
        var session = new StoreSession(store);
        try
        {
            if (options.Fault is not null && store is not { CanRestart: true })
            {
                throw new UsageException($"--fault {FaultSpec.Kind} needs a store that AuthBench starts and can restart (--store redis-server, docker or garnet), "
                    + (store is null ? "and no arm uses one" : $"not {store.Kind.ToKindName()}"));
            }
            if (store is not null)
            {
                results.Environment.Store = new StoreInfo(store.Kind.ToKindName(), store.Version, store.Topology, store.Endpoint, store.Describe());
                results.Settings = results.Settings with { StoreTopology = store.Topology };
                await session.ConnectProbeAsync(results, ct).ConfigureAwait(false);
            }
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ConnectProbeAsync(RunResults results, CancellationToken ct)
    {
        try
        {
            // Every node of a replicated or clustered store (the API's connection string may name the primary only).
            var config = ConfigurationOptions.Parse(Store!.ProbeConnectionString);
            config.AbortOnConnectFail = false;
            config.ConnectTimeout = 5000;
            config.ClientName = "authbench-loadtest-probe";
            _mux = await ConnectionMultiplexer.ConnectAsync(config).WaitAsync(ct).ConfigureAwait(false);
            Probe = new StoreProbe(Store, _mux);
            await Probe.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or ArgumentException)
        {
            Probe = null;
            results.SkippedProbes.Add($"store: INFO failed ({e.Message}); a connection string needs allowAdmin=true");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_mux is not null)
        {
            await _mux.DisposeAsync().ConfigureAwait(false);
        }
        if (Store is not null)
        {
            await Store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
