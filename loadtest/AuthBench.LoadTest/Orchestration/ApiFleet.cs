using System.Net;
using System.Text.Json;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Clients;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>One arm of the run: its API (ours, or the --target), its logged-in users and the engine that drives it.</summary>
public sealed class ArmRuntime(ArmSpec spec, ApiProcess? api, Uri baseUri, CredentialPool pool, LoadEngine engine)
{
    public ArmSpec Spec { get; } = spec;

    public ApiProcess? Api { get; } = api;

    public Uri BaseUri { get; } = baseUri;

    public CredentialPool Pool { get; } = pool;

    public LoadEngine Engine { get; } = engine;
}

/// <summary>The API processes of a run, one per arm (or the one --target), each with its users logged in; stopped on dispose.</summary>
public sealed class ApiFleet(LoadOptions options, Progress progress) : IAsyncDisposable
{
    private readonly List<ArmRuntime> _arms = [];

    public IReadOnlyList<ArmRuntime> Arms => _arms;

    /// <summary>Starts (or checks) the API of every arm in order, logs its users in, and reports each in <paramref name="results"/>.</summary>
    public async Task StartAsync(string? apiDll, string? redis, RunResults results, Action written, CancellationToken ct)
    {
        var lifetime = RunPlan.TokenLifetime(options);
        foreach (var arm in options.Arms)
        {
            ct.ThrowIfCancellationRequested();
            ApiProcess? api = null;
            Uri baseUri;
            if (options.Target is null)
            {
                var log = Path.Combine(options.OutputDirectory, $"api-{arm.Label}.log");
                api = await ApiProcess.StartAsync(apiDll!, arm, arm.NeedsStore ? redis : null, options.Users, options.Password, lifetime, log, ct).ConfigureAwait(false);
                baseUri = api.BaseUri;
                progress.Line($"{arm.Label}: API pid {api.Pid} at {baseUri} (log api-{arm.Label}.log)");
            }
            else
            {
                baseUri = options.Target;
                await CheckTargetAsync(arm, baseUri, ct).ConfigureAwait(false);
            }
            CredentialPool pool;
            try
            {
                pool = await CredentialPool.LoginAllAsync(CredentialSources.For(arm.Arm, TimeProvider.System), arm.Label, baseUri, options.Endpoint,
                    options.Users, options.Password, options.LoginParallelism, TimeProvider.System, progress.Line, ct).ConfigureAwait(false);
            }
            catch
            {
                if (api is not null)
                {
                    await api.DisposeAsync().ConfigureAwait(false);
                }
                throw;
            }
            var engine = new LoadEngine(new EngineOptions
            {
                EndPoint = await ResolveAsync(baseUri, ct).ConfigureAwait(false),
                RequestFor = pool.RequestFor,
                Connections = options.Connections,
                MaxInFlight = options.MaxInFlight,
            });
            _arms.Add(new ArmRuntime(arm, api, baseUri, pool, engine));
            results.Arms.Add(new ArmInfo(arm.Scheme, arm.Alg, arm.CredentialClaims, arm.Label, baseUri.ToString(), api?.Pid,
                api?.ReadyLine ?? "(--target)", Math.Round(pool.MeanCredentialHeaderBytes, 1)));
            written();
        }
    }

    /// <summary>After a store restart: every arm whose credentials lived in the store logs its users in again.</summary>
    public async Task AfterStoreOutageAsync(CancellationToken ct)
    {
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
        progress.Line($"{arm.Label}: target {baseUri} (scheme {scheme ?? "?"}); process probes skipped");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var arm in _arms)
        {
            await arm.Pool.DisposeAsync().ConfigureAwait(false);
            if (arm.Api is not null)
            {
                await arm.Api.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
