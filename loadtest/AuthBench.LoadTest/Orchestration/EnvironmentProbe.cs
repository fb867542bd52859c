using AuthBench.Common;
using AuthBench.Contracts.Results;
using System.Diagnostics;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json;
using AuthBench.LoadTest.Results;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>Collects the environment block every result carries.</summary>
public static class EnvironmentProbe
{
    private static readonly string[] ApiPackages =
    [
        "Microsoft.AspNetCore.Authentication.JwtBearer", "Microsoft.IdentityModel.JsonWebTokens", "Microsoft.IdentityModel.Tokens",
        "StackExchange.Redis",
    ];

    public static EnvironmentInfo Collect(string? apiDll, string commandLine, Engine.Http2.HttpWire http = Engine.Http2.HttpWire.Http11, bool perTrial = false)
    {
        var packages = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["HdrHistogram"] = VersionOf(typeof(HdrHistogram.LongHistogram).Assembly),
            ["System.CommandLine"] = VersionOf(typeof(System.CommandLine.RootCommand).Assembly),
            ["StackExchange.Redis (load tool)"] = VersionOf(typeof(StackExchange.Redis.ConnectionMultiplexer).Assembly),
        };
        string? apiGc = null;
        if (apiDll is not null)
        {
            foreach (var (name, version) in ApiDependencies(apiDll))
            {
                packages[name] = version;
            }
            apiGc = ApiGcMode(apiDll);
        }
        return new EnvironmentInfo
        {
            CpuModel = CpuModel(),
            Cores = Environment.ProcessorCount,
            Os = OsName(),
            Kernel = ReadFirstLine("/proc/sys/kernel/osrelease") ?? RuntimeInformation.OSDescription,
            DotnetRuntime = RuntimeInformation.FrameworkDescription,
            ApiGcMode = apiGc ?? "unknown (--target: the API's own settings)",
            LoadgenGcMode = (GCSettings.IsServerGC ? "server" : "workstation") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? ", non-concurrent" : ", concurrent"),
            Packages = packages,
            GitCommit = GitProvenance.Read()?.ToString(),
            CommandLine = commandLine,
            Machine = Environment.MachineName,
            Transport = perTrial
                ? "per trial (trials[].http): HTTP/1.1 keep-alive, or HTTP/2 cleartext (h2c, prior knowledge) with the credential header never indexed or indexed (HPACK), over loopback TCP, no TLS; logins over HTTP/1.1"
                : http switch
            {
                Engine.Http2.HttpWire.Http11 => new EnvironmentInfo().Transport,
                Engine.Http2.HttpWire.Http2NeverIndexed => "HTTP/2 cleartext (h2c, prior knowledge) over loopback TCP, no TLS; credential header never indexed (HPACK); logins over HTTP/1.1",
                Engine.Http2.HttpWire.Http2Indexed => "HTTP/2 cleartext (h2c, prior knowledge) over loopback TCP, no TLS; credential header indexed (HPACK dynamic table); logins over HTTP/1.1",
            },
        };
    }

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>Package versions from the API's deps.json (what the API process actually loads).</summary>
    private static IEnumerable<(string, string)> ApiDependencies(string apiDll)
    {
        var deps = Path.ChangeExtension(apiDll, ".deps.json");
        if (!File.Exists(deps))
        {
            yield break;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(deps));
        if (!doc.RootElement.TryGetProperty("libraries", out var libraries))
        {
            yield break;
        }
        foreach (var library in libraries.EnumerateObject())
        {
            var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && ApiPackages.Contains(library.Name[..slash]))
            {
                yield return (library.Name[..slash], library.Name[(slash + 1)..]);
            }
        }
    }

    /// <summary>The API's GC settings from its runtimeconfig.json (server GC is set in its csproj).</summary>
    private static string? ApiGcMode(string apiDll)
    {
        var config = Path.ChangeExtension(apiDll, ".runtimeconfig.json");
        if (!File.Exists(config))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(config));
        var server = false;
        var concurrent = true;
        if (doc.RootElement.TryGetProperty("runtimeOptions", out var options) && options.TryGetProperty("configProperties", out var props))
        {
            server = props.TryGetProperty("System.GC.Server", out var s) && s.ValueKind == JsonValueKind.True;
            concurrent = !(props.TryGetProperty("System.GC.Concurrent", out var c) && c.ValueKind == JsonValueKind.False);
        }
        var env = Environment.GetEnvironmentVariable("DOTNET_gcServer");
        return (server ? "server" : "workstation") + (concurrent ? ", concurrent" : ", non-concurrent")
            + (env is not null ? $" (DOTNET_gcServer={env} in the environment)" : "");
    }

    private static string? CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string OsName()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    return line["PRETTY_NAME=".Length..].Trim('"');
                }
            }
        }
        catch (IOException)
        {
        }
        return RuntimeInformation.OSDescription;
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.ReadLines(path).FirstOrDefault()?.Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
