using AuthBench.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AuthBench.Api.Tests;

/// <summary>One API instance in-process for one arm; settings are what the command line would give.</summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public static ApiFactory None() => new(new Dictionary<string, string?> { ["scheme"] = "none" });

    public static ApiFactory Session(string redis, string claims = "typical") =>
        new(new Dictionary<string, string?> { ["scheme"] = "session", ["redis"] = redis, ["claims"] = claims });

    public static ApiFactory Jwt(string keyFile, JwtAlgorithm alg, string claims = "typical") =>
        new(new Dictionary<string, string?> { ["scheme"] = "jwt", ["alg"] = alg.ToString(), ["key-file"] = keyFile, ["claims"] = claims });

    public static ApiFactory JwtDenylist(string keyFile, string redis, string? adminKey = null) =>
        new(new Dictionary<string, string?>
        {
            ["scheme"] = "jwt-denylist", ["alg"] = "HS256", ["key-file"] = keyFile, ["redis"] = redis, ["admin-key"] = adminKey,
        });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
