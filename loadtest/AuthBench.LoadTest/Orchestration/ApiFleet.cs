using System.Net;
using System.Text.Json;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Fanout;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Clients;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>One arm of the run: its API (ours, or the --target), its logged-in users and the engine that drives it.</summary>
public sealed class ArmRuntime(ArmSpec spec, ApiProcess? api, Uri baseUri, CredentialPool pool, LoadEngine engine, RefreshDriver? refreshDriver = null,
    IReadOnlyList<ApiProcess>? downstream = null, IReadOnlyList<ApiProcess>? peers = null, int? instances = null, HaproxyBalancer? balancer = null, BalancerFrontend? frontend = null,
    Func<EdgeWire, LoadEngine>? engineFor = null)
{
    private readonly Dictionary<EdgeWire, LoadEngine> _engines = [];

    /// <summary>The balancer's frontend this runtime's engine drives; null without a balancer.</summary>
    public BalancerFrontend? Frontend { get; } = frontend;

    /// <summary>
    /// --instances: the other API servers of the arm beside <see cref="Api"/> (same arm, key file, key ring and store);
    /// in a runtime behind the balancer the ones it routes to, in the arm's own runtime all that were started.
    /// </summary>
    public IReadOnlyList<ApiProcess> Peers { get; } = peers ?? [];

    /// <summary>The API servers behind the balancer that this runtime's engine drives; null: one API, driven directly.</summary>
    public int? Instances { get; } = instances;

    /// <summary>The balancer in front of <see cref="Instances"/> servers; null without one.</summary>
    public HaproxyBalancer? Balancer { get; } = balancer;

    /// <summary>The API's metrics endpoint, read around each trial (--target, or an API started with --api-metrics on); null: none.</summary>
    public Probes.MetricsProbe? Metrics { get; init; }

    /// <summary>The services behind the edge of a fan-out chain (<see cref="ArmSpec.Fanout"/>), in chain order; empty otherwise.</summary>
    public IReadOnlyList<ApiProcess> Downstream { get; } = downstream ?? [];

    /// <summary>Every API process of the arm, the edge (or first instance) first: their CPU is summed per user request.</summary>
    public IEnumerable<ApiProcess> Processes => Api is null ? Downstream : [Api, .. Peers, .. Downstream];

    public ArmSpec Spec { get; } = spec;

    public ApiProcess? Api { get; } = api;

    public Uri BaseUri { get; } = baseUri;

    public CredentialPool Pool { get; } = pool;

    /// <summary>The engine on the run's first edge (the only one unless --http / --users-per-connection are lists).</summary>
    public LoadEngine Engine { get; } = engine;

    /// <summary>The engine that speaks <paramref name="edge"/> (made on first use; connections are opened per trial anyway); null: <see cref="Engine"/>.</summary>
    public LoadEngine EngineFor(EdgeWire? edge)
    {
        if (edge is null || engineFor is null)
        {
            return Engine;
        }
        if (!_engines.TryGetValue(edge, out var made))
        {
            made = engineFor(edge);
            _engines[edge] = made;
        }
        return made;
    }

    /// <summary>A refresh-only run's driver, which owns the users' refresh tokens; null otherwise.</summary>
    public RefreshDriver? RefreshDriver { get; } = refreshDriver;

    /// <summary>The refreshes a trial of this arm sends: the driver's in a refresh-only run, else the client's background ones (null: the arm has none).</summary>
    public RefreshStats? Refreshes => RefreshDriver?.Stats ?? Pool.Source.RefreshStats;
}

/// <summary>The API processes of a run, one per arm (or the one --target), each with its users logged in; stopped on dispose.</summary>
public sealed class ApiFleet(LoadOptions options, CpuPinning pinning, Progress progress) : IAsyncDisposable
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(5);
    private readonly List<ArmRuntime> _arms = [];
    private readonly Dictionary<(int Arm, int Instances), ArmRuntime> _balanced = [];
    private SharedSecrets? _secrets;
    private HaproxyBalancer? _balancer;
    private readonly HttpClient _settle = new() { Timeout = SettleTimeout };

    public IReadOnlyList<ArmRuntime> Arms => _arms;

    /// <summary>The runtime a planned trial drives: its arm's own, or (--instances) the one behind the balancer with that many servers.</summary>
    public ArmRuntime Runtime(PlannedTrial trial) =>
        trial.Instances is { } n ? _balanced[(trial.Arm, n)] : _arms[trial.Arm];

    /// <summary>The balancer of an --instances run (null otherwise), e.g. for its version in the results.</summary>
    public HaproxyBalancer? Balancer => _balancer;

    /// <summary>
    /// The arguments every server of an arm gets, the first and (--instances) every other alike: the shared key file and
    /// key ring (or the fan-out edge's), the store multiplexer count, the metrics endpoint.
    /// </summary>
    private string[] ServerArgs(ArmSpec arm, IReadOnlyList<string> shared) =>
        [.. shared, .. StoreConnectionArgs(arm), .. arm.Metrics ? (string[])["--metrics", "on"] : []];

    /// <summary>--store-connections for an API that uses the store, when the run sets a count.</summary>
    private string[] StoreConnectionArgs(ArmSpec arm) =>
        arm.NeedsStore && options.ApiStoreConnections is { } n ? ["--store-connections", n.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];

    /// <summary>Starts (or checks) the API of every arm in order, logs its users in, and reports each in <paramref name="results"/>.</summary>
    public async Task StartAsync(string? apiDll, string? redis, RunResults results, Action written, CancellationToken ct)
    {
        var lifetime = RunPlan.TokenLifetime(options);
        var servers = options.Instances.Count == 0 ? 1 : options.Instances.Max();
        if (options.Instances.Count > 0)
        {
            _secrets = new SharedSecrets();
        }
        foreach (var arm in options.Arms)
        {
            ct.ThrowIfCancellationRequested();
            ApiProcess? api = null;
            var downstream = new List<ApiProcess>();
            var peers = new List<ApiProcess>();
            Uri baseUri;
            if (options.Target is null)
            {
                var log = Path.Combine(options.OutputDirectory, $"api-{arm.Label}.log");
                var chain = arm.Fanout is { } fanout ? FanoutChain.Plan(fanout) : ([], []);
                IReadOnlyList<string> shared = _secrets is null ? chain.EdgeArgs
                    : ["--dp-keys", _secrets.DataProtectionKeys, .. arm.Alg is { } alg && arm.Arm.HasAlgorithm ? (string[])["--key-file", _secrets.NewKeyFile(alg)] : []];
                api = await ApiProcess.StartAsync(apiDll!, arm, arm.NeedsStore ? redis : null, options.Users, options.Password, lifetime, log,
                    options.SpinLimit, pinning, ct, options.AdminKey, ServerArgs(arm, shared), h2c: options.AnyHttp2).ConfigureAwait(false);
                baseUri = api.BaseUri;
                progress.Line($"{arm.Label}: API pid {api.Pid} at {baseUri} (log api-{arm.Label}.log)");
                try
                {
                    for (var i = 2; i <= servers; i++)
                    {
                        var name = $"api-{arm.Label}-i{i}.log";
                        peers.Add(await ApiProcess.StartAsync(apiDll!, arm, arm.NeedsStore ? redis : null, options.Users, options.Password, lifetime,
                            Path.Combine(options.OutputDirectory, name), options.SpinLimit, pinning, ct, options.AdminKey, ServerArgs(arm, shared)).ConfigureAwait(false));
                        progress.Line($"{arm.Label}: instance {i} pid {peers[^1].Pid} at {peers[^1].BaseUri} (log {name})");
                    }
                    for (var i = 0; i < chain.Ports.Count; i++)
                    {
                        var name = $"api-{arm.Label}-s{i + 2}.log";
                        downstream.Add(await ApiProcess.StartAsync(apiDll!, arm, arm.NeedsStore ? redis : null, options.Users, options.Password, lifetime,
                            Path.Combine(options.OutputDirectory, name), options.SpinLimit, pinning, ct, options.AdminKey,
                            [.. FanoutChain.DownstreamArgs(arm, arm.Fanout!, baseUri, chain.Ports, i), .. StoreConnectionArgs(arm)], chain.Ports[i]).ConfigureAwait(false));
                        progress.Line($"{arm.Label}: downstream service {i + 2} pid {downstream[^1].Pid} at {downstream[^1].BaseUri} (log {name})");
                    }
                }
                catch
                {
                    foreach (var started in downstream.Concat(peers))
                    {
                        await started.DisposeAsync().ConfigureAwait(false);
                    }
                    await api.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
            else
            {
                baseUri = options.Target;
                await CheckTargetAsync(arm, baseUri, ct).ConfigureAwait(false);
            }
            var metrics = options.Target is not null && options.MetricsUrl is { } metricsUrl
                ? await CheckMetricsAsync(arm, new Probes.MetricsProbe(metricsUrl), results, ct).ConfigureAwait(false)
                : arm.Metrics && api is not null ? new Probes.MetricsProbe(new Uri(api.BaseUri, Probes.MetricsProbe.MetricsPath)) : null;
            CredentialPool pool;
            try
            {
                pool = await CredentialPool.LoginAllAsync(CredentialSources.For(arm.Arm, TimeProvider.System), arm.Label, baseUri,
                    arm.Fanout is null ? options.Endpoint : FanoutModes.ChainPath,
                    options.Users, options.Password, options.LoginParallelism, TimeProvider.System, progress.Line, ct).ConfigureAwait(false);
            }
            catch
            {
                foreach (var started in downstream.Concat(peers))
                {
                    await started.DisposeAsync().ConfigureAwait(false);
                }
                if (api is not null)
                {
                    await api.DisposeAsync().ConfigureAwait(false);
                }
                throw;
            }
            // Refresh-only: the driver rotates the tokens from here on, and the pool stops renewing them (one rotator per token).
            var driver = options.RefreshOnly ? new RefreshDriver(await pool.HandOverRefreshTokensAsync().ConfigureAwait(false), baseUri.Authority) : null;
            if (driver is not null)
            {
                progress.Line($"{arm.Label}: refresh-only: {driver.UsersWithToken} users' refresh tokens handed to the driver");
            }
            // Logins go over HTTP/1.1 (baseUri); the measured requests over the wire of the trial's edge.
            var http11 = await ResolveAsync(baseUri, ct).ConfigureAwait(false);
            var requestFor = driver is null ? (Func<long, ReadOnlyMemory<byte>>)pool.RequestFor : driver.RequestFor;
            LoadEngine EngineFor(EdgeWire edge) => new(new EngineOptions
            {
                EndPoint = Engine.Http2.HttpWires.IsHttp2(edge.Http) ? api?.H2cEndPoint ?? http11 : http11,
                RequestFor = requestFor,
                Tracker = driver,
                Connections = options.Connections,
                Http = edge.Http,
                UsersPerConnection = edge.UsersPerConnection,
                MaxInFlight = options.MaxInFlight,
                TimerSlackNanoseconds = options.TimerSlackNs,
                RealtimePacing = options.RealtimePacing,
            });
            var engine = EngineFor(options.EdgeWires[0]);
            var runtime = new ArmRuntime(arm, api, baseUri, pool, engine, driver, downstream, peers, engineFor: EngineFor) { Metrics = metrics };
            _arms.Add(runtime);
            results.Arms.Add(new ArmInfo(arm.Scheme, arm.Alg, arm.CredentialClaims, arm.Label, baseUri.ToString(), api?.Pid,
                api?.ReadyLine ?? "(--target)", Math.Round(pool.MeanCredentialHeaderBytes, 1),
                arm.Fanout is { } f ? new FanoutInfo(f.Services, f.ModeName, [.. runtime.Processes.Select(p => p.Pid)]) : null));
            written();
        }
        if (options.Instances.Count > 0 && options.Target is null)
        {
            await StartBalancerAsync(ct).ConfigureAwait(false);
        }
    }

    private LoadEngine NewEngine(EndPoint endPoint, CredentialPool pool, RefreshDriver? driver) => new(new EngineOptions
    {
        EndPoint = endPoint,
        RequestFor = driver is null ? pool.RequestFor : driver.RequestFor,
        Tracker = driver,
        Connections = options.Connections,
        Http = options.Http,
        UsersPerConnection = options.UsersPerConnection,
        MaxInFlight = options.MaxInFlight,
        TimerSlackNanoseconds = options.TimerSlackNs,
        RealtimePacing = options.RealtimePacing,
    });

    /// <summary>
    /// --instances: one haproxy for the run, with a frontend per arm and server count routing to that arm's first N
    /// instances, on the generator's CPU set. The users logged in through the arm's first instance, so every request
    /// that lands on another one carries a credential that instance did not issue.
    /// </summary>
    private async Task StartBalancerAsync(CancellationToken ct)
    {
        var frontends = new List<(int Arm, int Instances, BalancerFrontend Frontend)>();
        for (var a = 0; a < _arms.Count; a++)
        {
            var servers = _arms[a].Processes.Select(p => new IPEndPoint(IPAddress.Loopback, p.BaseUri.Port)).ToList();
            foreach (var n in options.Instances)
            {
                var name = $"{_arms[a].Spec.Label}-n{n}".Replace('.', '_');
                frontends.Add((a, n, new BalancerFrontend(name, Common.LocalPorts.FindFree(), servers[..n])));
            }
        }
        var haproxy = BalancerKinds.LocateHaproxy(Environment.GetEnvironmentVariable("PATH"));
        _balancer = await HaproxyBalancer.StartAsync(haproxy, [.. frontends.Select(f => f.Frontend)], Path.Combine(options.OutputDirectory, "balancer.log"), ct)
            .ConfigureAwait(false);
        pinning.PinBalancer(_balancer.Pid);
        progress.Line($"balancer: {_balancer.Version}, pid {_balancer.Pid}, {frontends.Count} frontend(s), round robin, no stickiness (log balancer.log)");
        foreach (var (a, n, frontend) in frontends)
        {
            var own = _arms[a];
            var uri = new Uri($"http://{frontend.EndPoint}");
            _balanced[(a, n)] = new ArmRuntime(own.Spec, own.Api, uri, own.Pool, NewEngine(frontend.EndPoint, own.Pool, null), null, [], own.Peers.Take(n - 1).ToList(), n, _balancer, frontend);
        }
    }

    /// <summary>Whether <see cref="FocusAsync"/> stops idle APIs: there are at least two of ours.</summary>
    public bool StopsIdleApis => _arms.Sum(a => a.Processes.Count()) > 1;

    /// <summary>
    /// Before a trial of <paramref name="underTest"/>: every other API is stopped (SIGSTOP) and this one continued
    /// (SIGCONT). A continued API then answers one GET /health before the trial starts: its first request after a
    /// freeze pays for the timers and the store heartbeat that were due meanwhile, and that is not the arm's cost.
    /// </summary>
    public async Task FocusAsync(ArmRuntime underTest, CancellationToken ct)
    {
        // With --instances the runtimes share processes: an arm's servers beyond the trial's count are stopped too.
        var measured = underTest.Processes.ToHashSet();
        foreach (var process in _arms.SelectMany(a => a.Processes))
        {
            if (!measured.Contains(process))
            {
                process.Freeze();
            }
        }
        var thawed = new List<ApiProcess>();
        foreach (var process in underTest.Processes)
        {
            if (process.Thaw())
            {
                thawed.Add(process);
            }
        }
        if (thawed.Count > 0)
        {
            await SettleAsync(underTest, thawed, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Continues every stopped API (before logins and teardown, and after Ctrl+C), so that nothing stays frozen.</summary>
    public void ResumeAll()
    {
        foreach (var process in _arms.SelectMany(a => a.Processes))
        {
            process.Thaw();
        }
    }

    private async Task SettleAsync(ArmRuntime arm, IReadOnlyList<ApiProcess> thawed, CancellationToken ct)
    {
        // Behind a balancer each continued server answers its own GET /health (the balancer would reach only one).
        if (arm.Instances is not null)
        {
            foreach (var process in thawed)
            {
                await SettleAsync(arm, process.BaseUri, ct).ConfigureAwait(false);
            }
            return;
        }
        await SettleAsync(arm, arm.BaseUri, ct).ConfigureAwait(false);
    }

    private async Task SettleAsync(ArmRuntime arm, Uri baseUri, CancellationToken ct)
    {
        try
        {
            using var response = await _settle.GetAsync(new Uri(baseUri, "/health"), ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                progress.Line($"  warning: {arm.Spec.Label} answered GET /health with {(int)response.StatusCode} after being continued");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            progress.Line($"  warning: {arm.Spec.Label} did not answer GET /health within {SettleTimeout.TotalSeconds:0} s after being continued ({e.Message})");
        }
    }

    /// <summary>After a store restart: every arm whose credentials lived in the store logs its users in again.</summary>
    public async Task AfterStoreOutageAsync(CancellationToken ct)
    {
        ResumeAll();
        foreach (var arm in _arms)
        {
            await arm.Pool.AfterStoreOutageAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task<EndPoint> ResolveAsync(Uri uri, CancellationToken ct)
    {
        if (IPAddress.TryParse(uri.Host, out var ip))
        {
            return new IPEndPoint(ip, uri.Port);
        }
        var addresses = await Dns.GetHostAddressesAsync(uri.Host, ct).ConfigureAwait(false);
        return new IPEndPoint(addresses.First(), uri.Port);
    }

    private async Task CheckTargetAsync(ArmSpec arm, Uri baseUri, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };
        string body;
        try
        {
            body = await client.GetStringAsync("/health", ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"--target {baseUri}: GET /health failed ({e.Message})");
        }
        using var doc = JsonDocument.Parse(body);
        var scheme = doc.RootElement.TryGetProperty("scheme", out var s) ? s.GetString() : null;
        if (scheme is not null && scheme != arm.Scheme)
        {
            throw new UsageException($"--target {baseUri} runs the {scheme} arm but --arms says {arm.Scheme}");
        }
        // An API from before the transport option reports none: it can only serve the arm's own transport.
        var transport = doc.RootElement.TryGetProperty("transport", out var t) ? t.GetString() : null;
        var expected = ArmCatalogue.TransportName(arm.Arm.Transport);
        if ((transport ?? (arm.Transport is null ? expected : null)) != expected)
        {
            throw new UsageException($"--target {baseUri} carries the credential as {transport ?? "its arm's default"} but --arms says {arm.Label} ({expected})");
        }
        progress.Line($"{arm.Label}: target {baseUri} (scheme {scheme ?? "?"}); process probes skipped");
    }

    /// <summary>
    /// Reads the target's metrics endpoint once before any trial. When it does not answer, or lacks the CPU series,
    /// the run goes on without server CPU, and says so once (on the console and in results.json's skipped probes).
    /// </summary>
    private async Task<Probes.MetricsProbe?> CheckMetricsAsync(ArmSpec arm, Probes.MetricsProbe probe, RunResults results, CancellationToken ct)
    {
        string? problem;
        try
        {
            var snapshot = await probe.ReadAsync(ct).ConfigureAwait(false);
            problem = snapshot.CpuSeconds is null ? $"it has no {Probes.MetricsProbe.CpuMetric} series"
                : snapshot.Scheme is { } scheme && scheme != arm.Scheme ? $"it belongs to the {scheme} arm, not {arm.Scheme}"
                : null;
            if (problem is null)
            {
                progress.Line($"{arm.Label}: metrics endpoint {probe.Url}: server CPU per request from its {Probes.MetricsProbe.CpuMetric} over its {Probes.MetricsProbe.RequestsMetric}");
                return probe;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            problem = $"GET failed ({e.Message})";
        }
        var line = $"server_cpu_us_per_request: --target without a usable metrics endpoint at {probe.Url} ({problem}): start the API with --metrics on, or give --metrics-url";
        progress.Line($"{arm.Label}: missing figure: {line}");
        results.SkippedProbes.Add(line);
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        ResumeAll();
        _settle.Dispose();
        if (_balancer is not null)
        {
            await _balancer.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var arm in _arms)
        {
            await arm.Pool.DisposeAsync().ConfigureAwait(false);
            foreach (var process in arm.Processes)
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
        }
        _secrets?.Dispose();
    }
}
