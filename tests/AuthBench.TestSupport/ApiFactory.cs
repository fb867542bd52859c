using System.Net;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AuthBench.TestSupport;

/// <summary>
/// The one API instance in-process for one arm: the API's own Program, configured with what the command line would
/// give. TestServer by default; <see cref="StartOnKestrel"/> for a real socket.
/// </summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public IReadOnlyDictionary<string, string?> Settings { get; } = settings;

    /// <summary>
    /// Settings as <c>--scheme</c>, <c>--transport</c> (for a transport variant), <c>--alg</c>, <c>--key-file</c>,
    /// <c>--redis</c>, <c>--admin-key</c>, <c>--claims</c> would give them.
    /// </summary>
    public static ApiFactory For(
        ArmDescriptor arm, string? alg = null, string? keyFile = null, string? redis = null, string? adminKey = null, string claims = "typical") =>
        new(new Dictionary<string, string?>
        {
            ["scheme"] = arm.Name,
            ["transport"] = arm.Variant is null ? null : ArmCatalogue.TransportName(arm.Transport),
            ["alg"] = alg,
            ["key-file"] = keyFile,
            ["redis"] = redis,
            ["admin-key"] = adminKey,
            ["claims"] = claims,
        });

    public static ApiFactory None() => For(ArmCatalogue.None);

    public static ApiFactory Session(string redis, string claims = "typical") => For(ArmCatalogue.Session, redis: redis, claims: claims);

    public static ApiFactory Jwt(string keyFile, JwtAlgorithm alg, string claims = "typical") =>
        For(ArmCatalogue.Jwt, alg.ToString(), keyFile, claims: claims);

    public static ApiFactory JwtDenylist(string keyFile, string redis, string? adminKey = null) =>
        For(ArmCatalogue.JwtDenylist, nameof(JwtAlgorithm.HS256), keyFile, redis, adminKey);

    /// <summary>A client that sends exactly the credentials a test sets by hand, as the load engine does: no cookie jar.</summary>
    public HttpClient CreateBareClient() => CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    /// <summary>Starts the app on Kestrel, loopback only, on a free port; returns its base address.</summary>
    public Uri StartOnKestrel()
    {
        UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address);
        Assert.Equal("127.0.0.1", uri.Host);
        return uri;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings)
        {
            // Unset stays unset: the API's own defaults apply, as on a command line without the option.
            if (value is not null)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
