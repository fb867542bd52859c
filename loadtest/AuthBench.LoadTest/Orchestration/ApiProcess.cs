using System.Diagnostics;
using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Probes;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>One AuthBench.Api process for one arm, on a free loopback port, its output kept in a log file.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    public const string SpinLimitVariable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ApiProcess(Process process, StreamWriter log, ArmSpec arm, Uri baseUri, string readyLine)
    {
        _process = process;
        _log = log;
        Arm = arm;
        BaseUri = baseUri;
        ReadyLine = readyLine;
        Probe = new ProcessProbe(process.Id);
    }

    /// <summary>True when this process set <see cref="InlineCompletionsVariable"/> for itself (not the user): children do not inherit it.</summary>
    public static bool RemoveInlineCompletionsFromChildren { get; set; }

    public ArmSpec Arm { get; }

    public Uri BaseUri { get; }

    public string ReadyLine { get; }

    /// <summary>The API's HTTP/2-only listener (<c>--h2c-port</c>) when it was started with one.</summary>
    public System.Net.IPEndPoint? H2cEndPoint { get; private init; }

    public ProcessProbe Probe { get; }

    public int Pid => _process.Id;

    /// <summary>True while stopped by <see cref="Freeze"/>.</summary>
    public bool Frozen { get; private set; }

    /// <summary>SIGSTOP: the API takes no CPU (and no timer or heartbeat runs) while another arm is measured.</summary>
    public void Freeze()
    {
        if (!_process.HasExited && Signals.Send(_process.Id, Signals.SigStop))
        {
            Frozen = true;
        }
    }

    /// <summary>SIGCONT; true when it was frozen.</summary>
    public bool Thaw()
    {
        if (!Frozen)
        {
            return false;
        }
        Signals.Send(_process.Id, Signals.SigCont);
        Frozen = false;
        return true;
    }

    /// <summary>
    /// Finds the API's build output: <paramref name="explicitPath"/>, or src/AuthBench.Api/bin/Release/net10.0 of the
    /// repository this tool was built from. Nothing is built here; a missing build is a clear error.
    /// </summary>
    public static string LocateApi(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            var full = Path.GetFullPath(explicitPath);
            return File.Exists(full) ? full : throw new UsageException($"--api '{explicitPath}': no such file (expected the path of AuthBench.Api.dll)");
        }
        var root = RepoPaths.FindRoot()
            ?? throw new UsageException("cannot find the AuthBench repository above this tool to locate the API: pass --api <path of AuthBench.Api.dll>");
        var dll = Path.Combine(root, "src", "AuthBench.Api", "bin", "Release", "net10.0", "AuthBench.Api.dll");
        return File.Exists(dll)
            ? dll
            : throw new UsageException($"the API is not built: {dll} is missing. Build it first: dotnet build -c Release (or pass --api <path of AuthBench.Api.dll>)");
    }

    /// <param name="spinLimit">The thread pool's spin limit for this process; null: as shipped (the variable is removed, even if ours has it).</param>
    /// <param name="pinning">Starts the process under the API's CPU set and pins it after its readiness line.</param>
    /// <param name="adminKey">Enables the API's admin endpoints with this key (the window scenarios); null: none.</param>
    public static async Task<ApiProcess> StartAsync(string apiDll, ArmSpec arm, string? redis, int users, string password, TimeSpan tokenLifetime,
        string logPath, int? spinLimit, CpuPinning pinning, CancellationToken ct, string? adminKey = null, IReadOnlyList<string>? extraArgs = null, int? port = null,
        bool h2c = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            int? h2cPort = h2c ? LocalPorts.FindFree() : null;
            try
            {
                var api = await StartOnceAsync(apiDll, arm, redis, users, password, tokenLifetime, port ?? LocalPorts.FindFree(), logPath, spinLimit, pinning,
                    adminKey, extraArgs ?? [], ct, h2cPort).ConfigureAwait(false);
                try
                {
                    pinning.PinApi(arm.Label, api.Pid);
                }
                catch
                {
                    await api.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
                return api;
            }
            catch (InvalidOperationException e) when (attempt < 3 && port is null && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Another process took the port between our probe and the API's bind: try another.
            }
        }
    }

    private static async Task<ApiProcess> StartOnceAsync(string apiDll, ArmSpec arm, string? redis, int users, string password, TimeSpan tokenLifetime,
        int port, string logPath, int? spinLimit, CpuPinning pinning, string? adminKey, IReadOnlyList<string> extraArgs, CancellationToken ct, int? h2cPort)
    {
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo(DotnetHost.Find(), [apiDll, "--scheme", arm.Arm.Name, "--urls", url, "--claims", arm.Claims,
            "--users", users.ToString(CultureInfo.InvariantCulture), "--user-password", password,
            // Whole seconds: a window scenario asks for lifetimes shorter than a minute.
            "--token-lifetime", $"{Math.Ceiling(tokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s",
            .. (h2cPort is { } h2 ? (string[])["--h2c-port", h2.ToString(CultureInfo.InvariantCulture)] : [])])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
        };
        if (RemoveInlineCompletionsFromChildren)
        {
            info.Environment.Remove(InlineCompletionsVariable);
        }
        if (spinLimit is { } limit)
        {
            info.Environment[SpinLimitVariable] = limit.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            info.Environment.Remove(SpinLimitVariable);
        }
        if (arm.Alg is not null)
        {
            info.ArgumentList.Add("--alg");
            info.ArgumentList.Add(arm.Alg);
        }
        if (arm.Transport is { } transport)
        {
            info.ArgumentList.Add("--transport");
            info.ArgumentList.Add(transport);
        }
        foreach (var arg in extraArgs)
        {
            info.ArgumentList.Add(arg);
        }
        if (redis is not null)
        {
            // Through the environment, not argv: the connection string holds the store's password.
            info.Environment["AUTHBENCH_REDIS"] = redis;
        }
        if (adminKey is not null)
        {
            // Through the environment (the host reads unprefixed variables as configuration), not argv: the log below
            // prints the command line, and it is published with the results.
            info.Environment["admin-key"] = adminKey;
        }
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"# {DateTime.UtcNow:O} starting {arm.Label}: dotnet {string.Join(' ', info.ArgumentList.Skip(1))}").ConfigureAwait(false);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tail = new Queue<string>();
        void OnLine(string? line, bool stderr)
        {
            if (line is null)
            {
                return;
            }
            lock (tail)
            {
                log.WriteLine(stderr ? "stderr: " + line : line);
                tail.Enqueue(line);
                if (tail.Count > 8)
                {
                    tail.Dequeue();
                }
            }
            if (!stderr && line.StartsWith(ApiReadiness.Prefix, StringComparison.Ordinal))
            {
                ready.TrySetResult(line);
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data, false);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, true);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("exited"));
        if (!pinning.StartUnderApiSet(process.Start))
        {
            throw new InvalidOperationException($"could not start the {arm.Label} API (dotnet {apiDll})");
        }
        ChildProcesses.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var line = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            return new ApiProcess(process, log, arm, new Uri(url), line)
            {
                H2cEndPoint = h2cPort is { } h2cListener ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, h2cListener) : null,
            };
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            ChildProcesses.Stop(process);
            string lines;
            lock (tail)
            {
                lines = string.Join(" | ", tail);
            }
            await log.DisposeAsync().ConfigureAwait(false);
            var why = e is TimeoutException ? "did not print its readiness line within 60 s" : $"exited with code {SafeExitCode(process)}";
            throw new InvalidOperationException($"the {arm.Label} API {why}: {lines} (log: {logPath})");
        }
        catch
        {
            ChildProcesses.Stop(process);
            await log.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Thaw();
        ChildProcesses.Stop(_process);
        try
        {
            await _log.WriteLineAsync($"# {DateTime.UtcNow:O} stopped by the load test").ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
        await _log.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private static string SafeExitCode(Process p)
    {
        try
        {
            return p.HasExited ? p.ExitCode.ToString(CultureInfo.InvariantCulture) : "?";
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }
}
