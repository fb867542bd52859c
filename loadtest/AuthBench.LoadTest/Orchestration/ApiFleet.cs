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
    IReadOnlyList<ApiProcess>? downstream = null)
{
    /// <summary>The services behind the edge of a fan-out chain (<see cref="ArmSpec.Fanout"/>), in chain order; empty otherwise.</summary>
    public IReadOnlyList<ApiProcess> Downstream { get; } = downstream ?? [];

    /// <summary>Every API process of the arm, the edge first: their CPU is summed per user request.</summary>
    public IEnumerable<ApiProcess> Processes => Api is null ? Downstream : [Api, .. Downstream];

    public ArmSpec Spec { get; } = spec;

    public ApiProcess? Api { get; } = api;

    public Uri BaseUri { get; } = baseUri;

    public CredentialPool Pool { get; } = pool;

    public LoadEngine Engine { get; } = engine;

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
    private readonly HttpClient _settle = new() { Timeout = SettleTimeout };

    public IReadOnlyList<ArmRuntime> Arms => _arms;

    /// <summary>--store-connections for an API that uses the store, when the run sets a count.</summary>
    private string[] StoreConnectionArgs(ArmSpec arm) =>
        arm.NeedsStore && options.ApiStoreConnections is { } n ? ["--store-connections", n.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];

    /// <summary>Starts (or checks) the API of every arm in order, logs its users in, and reports each in <paramref name="results"/>.</summary>
    public async Task StartAsync(string? apiDll, string? redis, RunResults results, Action written, CancellationToken ct)
    {
        var lifetime = RunPlan.TokenLifetime(options);
        foreach (var arm in options.Arms)
        {
            ct.ThrowIfCancellationRequested();
            ApiProcess? api = null;
            var downstream = new List<ApiProcess>();
            Uri baseUri;
            if (options.Target is null)
            {
                var log = Path.Combine(options.OutputDirectory, $"api-{arm.Label}.log");
                var chain = arm.Fanout is { } fanout ? FanoutChain.Plan(fanout) : ([], []);
                api = await ApiProcess.StartAsync(apiDll!, arm, arm.NeedsStore ? redis : null, options.Users, options.Password, lifetime, log,
                    options.SpinLimit, pinning, ct, options.AdminKey, [.. chain.EdgeArgs, .. StoreConnectionArgs(arm)], h2c: Engine.Http2.HttpWires.IsHttp2(options.Http)).ConfigureAwait(false);
                baseUri = api.BaseUri;
                progress.Line($"{arm.Label}: API pid {api.Pid} at {baseUri} (log api-{arm.Label}.log)");
                try
                {
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
                    foreach (var started in downstream)
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
            CredentialPool pool;
            try
            {
                pool = await CredentialPool.LoginAllAsync(CredentialSources.For(arm.Arm, TimeProvider.System), arm.Label, baseUri,
                    arm.Fanout is null ? options.Endpoint : FanoutModes.ChainPath,
                    options.Users, options.Password, options.LoginParallelism, TimeProvider.System, progress.Line, ct).ConfigureAwait(false);
            }
            catch
            {
                foreach (var started in downstream)
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
            var engine = new LoadEngine(new EngineOptions
            {
                // Logins go over HTTP/1.1 (baseUri); the measured requests over the wire --http names.
                EndPoint = api?.H2cEndPoint ?? await ResolveAsync(baseUri, ct).ConfigureAwait(false),
                RequestFor = driver is null ? pool.RequestFor : driver.RequestFor,
                Tracker = driver,
                Connections = options.Connections,
                Http = options.Http,
                UsersPerConnection = options.UsersPerConnection,
                MaxInFlight = options.MaxInFlight,
                TimerSlackNanoseconds = options.TimerSlackNs,
                RealtimePacing = options.RealtimePacing,
            });
            var runtime = new ArmRuntime(arm, api, baseUri, pool, engine, driver, downstream);
            _arms.Add(runtime);
            results.Arms.Add(new ArmInfo(arm.Scheme, arm.Alg, arm.CredentialClaims, arm.Label, baseUri.ToString(), api?.Pid,
                api?.ReadyLine ?? "(--target)", Math.Round(pool.MeanCredentialHeaderBytes, 1),
                arm.Fanout is { } f ? new FanoutInfo(f.Services, f.ModeName, [.. runtime.Processes.Select(p => p.Pid)]) : null));
            written();
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
        foreach (var arm in _arms)
        {
            if (arm != underTest)
            {
                foreach (var process in arm.Processes)
                {
                    process.Freeze();
                }
            }
        }
        var thawed = false;
        foreach (var process in underTest.Processes)
        {
            thawed |= process.Thaw();
        }
        if (thawed)
        {
            await SettleAsync(underTest, ct).ConfigureAwait(false);
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

    private async Task SettleAsync(ArmRuntime arm, CancellationToken ct)
    {
        try
        {
            using var response = await _settle.GetAsync(new Uri(arm.BaseUri, "/health"), ct).ConfigureAwait(false);
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

    public async ValueTask DisposeAsync()
    {
        ResumeAll();
        _settle.Dispose();
        foreach (var arm in _arms)
        {
            await arm.Pool.DisposeAsync().ConfigureAwait(false);
            foreach (var process in arm.Processes)
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
