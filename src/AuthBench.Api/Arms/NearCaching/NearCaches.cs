using AuthBench.Contracts.Arms;

namespace AuthBench.Api.Arms.NearCaching;

/// <summary>One near cache per near-cached arm, built from the catalogue entry, the API's options and its store connection.</summary>
public static class NearCaches
{
    public static NearCache<TValue> Create<TValue>(IServiceProvider services, ArmDescriptor arm)
    {
        var spec = arm.NearCache ?? throw new InvalidOperationException($"the {arm.Name} arm keeps no near cache");
        var options = services.GetRequiredService<AuthBenchOptions>();
        return new NearCache<TValue>(arm.Name, services.GetRequiredService<StoreConnection>().Multiplexer, spec, options.NearCacheTtl ?? spec.DefaultTtl);
    }
}
