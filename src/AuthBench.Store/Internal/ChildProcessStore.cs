using AuthBench.Common;
using System.Diagnostics;

namespace AuthBench.Store.Internal;

/// <summary>
/// A store that runs as our child process on a loopback port with a random password
/// (redis-server, the Garnet host). Start, readiness, restart on the same port, pause and stop.
/// </summary>
internal abstract class ChildProcessStore : IProvisionedStore
{
    private const int PortAttempts = 5;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();
    private readonly TimeSpan _startTimeout;
    private readonly Action<string>? _log;
    private Process? _process;
    private int _processId;
    private bool _disposed;

    protected ChildProcessStore(TimeSpan startTimeout, Action<string>? log, string? password = null)
    {
        _startTimeout = startTimeout;
        _log = log;
        Password = password ?? Secrets.NewPassword();
    }

    public abstract StoreKind Kind { get; }

    public string Version { get; protected set; } = "unknown";

    public string Topology => "standalone";

    public int Port { get; private set; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public string ConnectionString => $"127.0.0.1:{Port},password={Password},allowAdmin=true";

    public int? ProcessId => _process is null ? null : _processId;

    public bool CanRestart => true;

    protected string Password { get; }

    /// <summary>The store as messages name it: its kind.</summary>
    private string What => Kind.ToKindName();

    /// <summary>How to start the store on <paramref name="port"/>.</summary>
    protected abstract ProcessStartInfo CreateStartInfo(int port);

    /// <summary>True when the store's output says the port was taken (so another port is tried).</summary>
    protected static bool IsPortCollision(string output) =>
        output.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)
        || output.Contains("address in use", StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts on a free port, retrying on a collision, then reads the version.</summary>
    public async Task StartFirstAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LocalPorts.FindFree();
            var (ready, output) = await LaunchAsync(port, ct).ConfigureAwait(false);
            if (ready)
            {
                Port = port;
                break;
            }

            if (attempt < PortAttempts && IsPortCollision(output))
            {
                _log?.Invoke($"{What}: port {port} was taken meanwhile, trying another");
                continue;
            }

            throw new StoreConfigurationException($"{What} did not start on 127.0.0.1:{port}: {LastLine(output)}");
        }

        var identity = await StoreProbe.IdentifyAsync(
            StackExchange.Redis.ConfigurationOptions.Parse(ConnectionString), _startTimeout, What, ct).ConfigureAwait(false);
        Version = identity.Version;
        _log?.Invoke($"{What} {Version} ready on {Endpoint} (pid {_processId})");
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        try
        {
            if (!process.HasExited)
            {
                // SIGCONT first: a paused process would not act on SIGTERM.
                Signals.Send(process.Id, Signals.SigCont);
                Signals.Send(process.Id, Signals.SigTerm);
                using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                grace.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            OwnedProcesses.Remove(process);
            process.Dispose();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_process is not null)
        {
            return;
        }

        var (ready, output) = await LaunchAsync(Port, cancellationToken).ConfigureAwait(false);
        if (!ready)
        {
            throw new StoreConfigurationException($"{What} did not restart on {Endpoint}: {LastLine(output)}");
        }
    }

    public Task PauseAsync(CancellationToken cancellationToken = default) => SignalAsync(Signals.SigStop, "pause");

    public Task ResumeAsync(CancellationToken cancellationToken = default) => SignalAsync(Signals.SigCont, "resume");

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    public override string ToString() => ((IProvisionedStore)this).Describe();

    private Task SignalAsync(int signal, string verb)
    {
        var process = _process ?? throw new InvalidOperationException($"{What} is not running; cannot {verb} it");
        if (!Signals.Send(process.Id, signal))
        {
            throw new PlatformNotSupportedException($"cannot {verb} {What}: signals are not available here");
        }

        return Task.CompletedTask;
    }

    private async Task<(bool Ready, string Output)> LaunchAsync(int port, CancellationToken ct)
    {
        lock (_outputLock)
        {
            _output.Clear();
        }

        var psi = CreateStartInfo(port);
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new StoreConfigurationException($"{What} did not start: {psi.FileName}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new StoreConfigurationException($"cannot run {psi.FileName}: {ex.Message}", ex);
        }

        OwnedProcesses.Add(process);
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_startTimeout);
        try
        {
            while (true)
            {
                if (process.HasExited)
                {
                    // Let the output readers drain before reporting what it said.
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                    OwnedProcesses.Remove(process);
                    var said = Output();
                    var code = TryExitCode(process);
                    process.Dispose();
                    return (false, $"exited with code {code}; {said}");
                }

                if (await RespPing.TryAsync(port, Password, timeout.Token).ConfigureAwait(false))
                {
                    _process = process;
                    _processId = process.Id;
                    return (true, Output());
                }

                await Task.Delay(50, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(process);
            return (false, $"no PING answer within {_startTimeout.TotalSeconds:0.#} s; {Output()}");
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    private static string TryExitCode(Process p)
    {
        try
        {
            return p.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            OwnedProcesses.Remove(process);
            process.Dispose();
        }
    }

    private void Remember(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_outputLock)
        {
            _output.Enqueue(line);
            while (_output.Count > 40)
            {
                _output.Dequeue();
            }
        }
    }

    private string Output()
    {
        lock (_outputLock)
        {
            return string.Join(" | ", _output);
        }
    }

    private static string LastLine(string output)
    {
        var text = StoreConfigurationException.OneLine(output);
        return text.Length <= 400 ? text : "..." + text[^400..];
    }
}
