using System.Diagnostics;

namespace AuthBench.LoadTest.Tests;

/// <summary>
/// scripts/crosscheck-h2load.sh: Debian's h2load (nghttp2) as the independent check of the engine's never-indexed
/// HTTP/2 bytes. Needs h2load and the Release builds of the API and the load tool; without h2load the test reports
/// "skipped" with the reason, unless AUTHBENCH_REQUIRE_H2LOAD=1 (set by .ci/run, which installs nghttp2-client) makes it fail.
/// </summary>
public sealed class H2loadCrosscheckTests
{
    public const string RequireH2loadVariable = "AUTHBENCH_REQUIRE_H2LOAD";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public async Task Engine_never_indexed_bytes_agree_with_h2load()
    {
        var required = Environment.GetEnvironmentVariable(RequireH2loadVariable) == "1";
        var h2load = FindOnPath("h2load");
        Assert.False(required && h2load is null, $"{RequireH2loadVariable}=1 but h2load is not on PATH (apt-get install nghttp2-client)");
        Skip.If(h2load is null, $"h2load is not on PATH: apt-get install nghttp2-client, or set {RequireH2loadVariable}=1 to make this a failure");
        var root = RepositoryRoot();
        var built = File.Exists(Path.Combine(root, "src/AuthBench.Api/bin/Release/net10.0/AuthBench.Api.dll"))
            && File.Exists(Path.Combine(root, "loadtest/AuthBench.LoadTest/bin/Release/net10.0/AuthBench.LoadTest.dll"));
        Assert.False(required && !built, "the cross-check needs the Release builds: dotnet build -c Release");
        Skip.If(!built, "the cross-check needs the Release builds of the API and the load tool: dotnet build -c Release");

        var start = new ProcessStartInfo("bash", ["scripts/crosscheck-h2load.sh", "--requests", "1000", "--duration", "2s"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM first: the script's trap stops the API and relays it started.
            _ = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
            }
            Assert.Fail($"scripts/crosscheck-h2load.sh did not finish within {Timeout.TotalMinutes:0} minutes");
        }
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("the rest: nghttp2 - engine", output, StringComparison.Ordinal);
        Assert.Contains("credential: |nghttp2 - engine|", output, StringComparison.Ordinal);
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AuthBench.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("AuthBench.sln not found above " + AppContext.BaseDirectory);
    }
}
