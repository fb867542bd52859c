using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AuthBench.LoadTest.Probes;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>One listening port of the balancer and the API servers it spreads requests over.</summary>
public sealed record BalancerFrontend(string Name, int Port, IReadOnlyList<IPEndPoint> Servers)
{
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);
}

/// <summary>
/// Debian's haproxy in front of the API servers of <c>--instances</c>: one process for the whole run, one frontend
/// per arm and server count, round robin per request with no stickiness (no cookie, no stick table), keep-alive and
/// connection reuse towards the servers. Its configuration lives in a temporary folder that <see cref="DisposeAsync"/>
/// removes; the process is a child of ours (stopped on exit and on Ctrl+C).
/// </summary>
public sealed class HaproxyBalancer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly string _configDirectory;
    private readonly StreamWriter _log;

    private const string StatsPath = "/stats";
    private readonly HttpClient _stats = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Uri _statsUri = null!;

    private HaproxyBalancer(Process process, string configDirectory, StreamWriter log, string version)
    {
        _process = process;
        _configDirectory = configDirectory;
        _log = log;
        Version = version;
        Probe = new ProcessProbe(process.Id);
    }

    public int Pid => _process.Id;

    /// <summary>"HAProxy version 2.6.12-1+deb12u4 …", the first line of <c>haproxy -v</c>.</summary>
    public string Version { get; }

    /// <summary>The balancer's own CPU (recorded per request beside the servers', never in their sum).</summary>
    public ProcessProbe Probe { get; }

    /// <summary>
    /// The configuration for <paramref name="frontends"/>. One thread: the balancer shares the generator's CPU set,
    /// and one haproxy thread carries far more than one core of API servers here can answer. Timeouts are an hour so
    /// that idle keep-alive connections survive the pauses between trials.
    /// </summary>
    public static string Config(IReadOnlyList<BalancerFrontend> frontends, int statsPort)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# written by AuthBench.LoadTest for one run; removed when the run ends");
        text.AppendLine("global");
        text.AppendLine("    nbthread 1");
        // Well above the run's connections (64 per engine by default), and within the FD limit a container allows.
        text.AppendLine("    maxconn 4096");
        text.AppendLine("defaults");
        text.AppendLine("    mode http");
        text.AppendLine("    balance roundrobin");
        text.AppendLine("    option http-keep-alive");
        text.AppendLine("    http-reuse always");
        text.AppendLine("    timeout connect 5s");
        text.AppendLine("    timeout client 1h");
        text.AppendLine("    timeout server 1h");
        text.AppendLine("    timeout http-keep-alive 1h");
        text.AppendLine("    timeout http-request 1h");
        // The statistics page the load tool reads between trials (never during one): responses per server.
        text.AppendLine("frontend fe_stats");
        text.AppendLine(inv, $"    bind 127.0.0.1:{statsPort}");
        text.AppendLine("    stats enable");
        text.AppendLine(inv, $"    stats uri {StatsPath}");
        foreach (var f in frontends)
        {
            text.AppendLine(inv, $"frontend fe_{f.Name}");
            text.AppendLine(inv, $"    bind 127.0.0.1:{f.Port}");
            text.AppendLine(inv, $"    default_backend be_{f.Name}");
            text.AppendLine(inv, $"backend be_{f.Name}");
            for (var i = 0; i < f.Servers.Count; i++)
            {
                // No "check": a server that is stopped (SIGSTOP) between its trials must not be marked down.
                text.AppendLine(inv, $"    server s{i + 1} {f.Servers[i].Address}:{f.Servers[i].Port}");
            }
        }
        return text.ToString();
    }

    /// <summary>Starts haproxy with <paramref name="frontends"/> and waits (bounded) until every frontend accepts connections.</summary>
    public static async Task<HaproxyBalancer> StartAsync(string haproxy, IReadOnlyList<BalancerFrontend> frontends, string logPath, CancellationToken ct)
    {
        var version = await VersionAsync(haproxy, ct).ConfigureAwait(false);
        var dir = Directory.CreateTempSubdirectory("authbench-haproxy-").FullName;
        var config = Path.Combine(dir, "haproxy.cfg");
        var statsPort = Common.LocalPorts.FindFree();
        var text = Config(frontends, statsPort);
        await File.WriteAllTextAsync(config, text, ct).ConfigureAwait(false);
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"# {DateTime.UtcNow:O} starting {haproxy} -db -f {config}\n{text}").ConfigureAwait(false);
        // -db: stay in the foreground (a child of ours that dies with us); -W would fork a master.
        var info = new ProcessStartInfo(haproxy, ["-db", "-f", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = info };
        var tail = new Queue<string>();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (tail)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    // A last line after the stop: the log is closed.
                }
                tail.Enqueue(line);
                if (tail.Count > 6)
                {
                    tail.Dequeue();
                }
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"could not start {haproxy}");
            }
            ChildProcesses.Add(process);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var balancer = new HaproxyBalancer(process, dir, log, version) { _statsUri = new Uri($"http://127.0.0.1:{statsPort}{StatsPath};csv") };
            try
            {
                await balancer.WaitReadyAsync(frontends, ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                string lines;
                lock (tail)
                {
                    lines = string.Join(" | ", tail);
                }
                await balancer.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"{e.Message}: {lines} (log: {logPath})");
            }
            catch
            {
                await balancer.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return balancer;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception)
        {
            await log.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(dir, recursive: true);
            throw new InvalidOperationException($"could not start {haproxy}: {e.Message}");
        }
    }

    private async Task WaitReadyAsync(IReadOnlyList<BalancerFrontend> frontends, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        foreach (var frontend in frontends)
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"haproxy exited with code {_process.ExitCode}");
                }
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(frontend.EndPoint, ct).ConfigureAwait(false);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50, ct).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    throw new InvalidOperationException($"haproxy did not accept connections on {frontend.EndPoint} within {ReadyTimeout.TotalSeconds:0} s ({e.SocketErrorCode})");
                }
            }
        }
    }

    /// <summary>
    /// The 2xx-5xx (and other) responses haproxy has counted from each server of <paramref name="frontend"/> so far, in
    /// server order; null when the statistics cannot be read.
    /// </summary>
    public async Task<IReadOnlyList<long>?> ReadResponsesAsync(BalancerFrontend frontend, CancellationToken ct)
    {
        string csv;
        try
        {
            csv = await _stats.GetStringAsync(_statsUri, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
        return ResponsesPerServer(csv, $"be_{frontend.Name}", frontend.Servers.Count);
    }

    /// <summary>From haproxy's CSV statistics: per server s1..s<paramref name="servers"/> of <paramref name="backend"/>, the sum of its hrsp_* columns.</summary>
    public static IReadOnlyList<long>? ResponsesPerServer(string csv, string backend, int servers)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || !lines[0].StartsWith('#'))
        {
            return null;
        }
        var header = lines[0].TrimStart('#', ' ').Split(',');
        var hrsp = header.Select((name, i) => (name, i)).Where(c => c.name.StartsWith("hrsp_", StringComparison.Ordinal)).Select(c => c.i).ToList();
        if (hrsp.Count == 0)
        {
            return null;
        }
        var counts = new long[servers];
        var seen = 0;
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length < header.Length || cells[0] != backend || !cells[1].StartsWith('s')
                || !int.TryParse(cells[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var server) || server < 1 || server > servers)
            {
                continue;
            }
            counts[server - 1] = hrsp.Sum(i => long.TryParse(cells[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0);
            seen++;
        }
        return seen == servers ? counts : null;
    }

    private static async Task<string> VersionAsync(string haproxy, CancellationToken ct)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(haproxy, ["-v"]) { RedirectStandardOutput = true, UseShellExecute = false })
                ?? throw new InvalidOperationException($"could not start {haproxy} -v");
            var first = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            return first?.Trim() ?? "haproxy (version unknown)";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            throw new InvalidOperationException($"could not run {haproxy} -v: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stats.Dispose();
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
        try
        {
            Directory.Delete(_configDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
