using AuthBench.Contracts.Arms;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AuthBench.Benchmarks;

/// <summary>
/// The real API (its Program) in-process, configured as its command line would configure it; the same approach
/// as the API tests' factory. TestServer by default (no sockets); Kestrel on loopback when wire bytes are counted.
/// </summary>
public sealed class ApiHost : WebApplicationFactory<global::Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public ApiHost(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    /// <summary>Settings for an arm of the catalogue; an arm that uses the store needs <paramref name="redis"/>, one with an algorithm needs <paramref name="alg"/>.</summary>
    public static ApiHost For(ArmDescriptor arm, string claims = "typical", string? alg = null, string? redis = null, int users = Ring.Size)
    {
        var settings = new Dictionary<string, string?>
        {
            ["scheme"] = arm.Name,
            ["claims"] = claims,
            ["users"] = users.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (arm.Variant is not null)
        {
            settings["transport"] = ArmCatalogue.TransportName(arm.Transport);
        }
        if (arm.HasAlgorithm)
        {
            ArgumentNullException.ThrowIfNull(alg);
            settings["alg"] = alg;
        }
        if (redis is not null)
        {
            settings["redis"] = redis;
        }
        return new ApiHost(settings);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // BenchmarkDotNet runs us from a generated project where the factory's search for the API's sources fails;
        // the API serves no files, so the binaries' directory is a correct content root.
        builder.UseContentRoot(AppContext.BaseDirectory);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
