using AuthBench.Common;
using AuthBench.Contracts.Results;
using System.Globalization;
using System.Net;
using System.Text.Json;
using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Probes;
using AuthBench.LoadTest.Results;
using AuthBench.Store;
using LongHistogram = HdrHistogram.LongHistogram;
using StackExchange.Redis;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>
/// One load-test run: provision the store, start one API per arm, log every user in, then per rate warm up and
/// measure the arms in alternation, writing every result file again after each trial.
/// </summary>
public sealed class Runner(LoadOptions options, Progress progress)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly Dictionary<string, (LongHistogram Latency, LongHistogram Service)> _histograms = new(StringComparer.Ordinal);
    private readonly List<ArmRuntime> _arms = [];
    private ResultWriter _writer = null!;
    private RunResults _results = null!;
    private IProvisionedStore? _store;
    private ConnectionMultiplexer? _storeMux;
    private StoreProbe? _storeProbe;

    private sealed class ArmRuntime
    {
        public required ArmSpec Spec { get; init; }
        public ApiProcess? Api { get; init; }
        public required Uri BaseUri { get; init; }
        public required Credentials Credentials { get; set; }
        public required LoadEngine Engine { get; set; }
    }

    public async Task<int> RunAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        _writer = new ResultWriter(options.OutputDirectory);
        var apiDll = options.Target is null ? ApiProcess.LocateApi(options.ApiPath) : null;
        _results = new RunResults
        {
            Mode = options.Mode,
            StartedUtc = DateTimeOffset.UtcNow,
            Settings = Settings(),
            Environment = EnvironmentProbe.Collect(apiDll, options.CommandLine),
        };
        progress.Line($"AuthBench load test ({options.Mode}) → {options.OutputDirectory}");
        var exitCode = LoadCommand.ExitOk;
        try
        {
            Write();
            await SetUpAsync(apiDll, ct).ConfigureAwait(false);
            if (options.FindMax)
            {
                await FindMaxAsync(ct).ConfigureAwait(false);
            }
            else if (options.Soak is { } soak)
            {
                await SoakAsync(soak, ct).ConfigureAwait(false);
            }
            else
            {
                await RatesAsync(ct).ConfigureAwait(false);
            }
            _results.Status = "complete";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _results.Status = "interrupted";
            exitCode = LoadCommand.ExitInterrupted;
            progress.Line("interrupted: stopping the processes and keeping what was measured");
        }
        catch (UsageException e)
        {
            _results.Status = "failed";
            _results.Error = e.Message;
            throw;
        }
        catch (Exception e)
        {
            // Whatever failed, the processes are stopped and the files say so; a stack trace helps no reader here.
            _results.Status = "failed";
            _results.Error = e.Message;
            exitCode = LoadCommand.ExitFailed;
            Console.Error.WriteLine($"error: {e.Message}");
        }
        finally
        {
            await TearDownAsync().ConfigureAwait(false);
            _results.FinishedUtc = DateTimeOffset.UtcNow;
            Write();
        }
        progress.Line($"{_results.Status}: {_results.Trials.Count} trial(s); results in {options.OutputDirectory} (summary.md, results.json, trials.csv, *.hgrm)");
        return exitCode;
    }

    private RunSettings Settings() => new(
        [.. options.Arms.Select(a => a.Scheme).Distinct()],
        [.. options.Arms.Where(a => a.Alg is not null).Select(a => a.Alg!)],
        options.Arms[0].Claims,
        options.Endpoint,
        options.FindMax ? [] : options.Rates,
        options.FindMax,
        options.Connections,
        options.MaxInFlight,
        options.Duration.TotalSeconds,
        options.Warmup.TotalSeconds,
        options.Repeat,
        options.Users,
        options.Store,
        options.Target?.ToString(),
        options.Quick,
        options.Fault?.ToString(),
        options.Soak?.TotalSeconds,
        new EngineOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 1), RequestFor = _ => default }.LateThreshold.TotalMilliseconds);

    private async Task SetUpAsync(string? apiDll, CancellationToken ct)
    {
        string? redis = null;
        if (options.NeedsStore)
        {
            _store = await StoreResolver.ProvisionAsync(StoreOptions.Parse(options.Store), m => progress.Line("  " + m), ct).ConfigureAwait(false);
            redis = _store.ConnectionString;
            progress.Line($"store: {_store.Describe()}");
        }
        else if (options.Target is not null && options.Store is not ("auto" or "redis-server" or "docker" or "docker-host" or "garnet"))
        {
            // --target with an explicit connection string: the store the target uses can still be probed.
            _store = await StoreResolver.ProvisionAsync(StoreOptions.Parse(options.Store), m => progress.Line("  " + m), ct).ConfigureAwait(false);
        }
        else if (options.Target is not null)
        {
            _results.SkippedProbes.Add("store: --target mode without a --store connection string, so the target's store is unknown");
        }
        if (options.Fault is not null && _store is not { CanRestart: true })
        {
            throw new UsageException($"--fault {FaultSpec.Kind} needs a store that AuthBench starts and can restart (--store redis-server, docker or garnet), not {_store?.Kind.ToKindName() ?? "none"}");
        }
        if (_store is not null)
        {
            _results.Environment.Store = new StoreInfo(_store.Kind.ToKindName(), _store.Version, _store.Topology, _store.Endpoint, _store.Describe());
            await ConnectStoreProbeAsync(ct).ConfigureAwait(false);
        }
        if (options.Target is not null)
        {
            _results.SkippedProbes.Add("server_cpu_us_per_request and server_peak_rss_mb: --target mode, the API process is not ours to read from /proc");
        }
        Write();

        var lifetime = TokenLifetime();
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
            var runtime = new ArmRuntime { Spec = arm, Api = api, BaseUri = baseUri, Credentials = null!, Engine = null! };
            _arms.Add(runtime);
            await LoginAsync(runtime, ct).ConfigureAwait(false);
            _results.Arms.Add(new ArmInfo(arm.Scheme, arm.Alg, arm.Scheme == "none" ? null : arm.Claims, arm.Label, baseUri.ToString(), api?.Pid,
                api?.ReadyLine ?? "(--target)", Math.Round(runtime.Credentials.MeanCredentialHeaderBytes, 1)));
            Write();
        }
    }

    private async Task LoginAsync(ArmRuntime arm, CancellationToken ct)
    {
        arm.Credentials = await Credentials.LoginAllAsync(arm.Spec, arm.BaseUri, options.Endpoint, options.Users, options.Password,
            options.LoginParallelism, progress.Line, ct).ConfigureAwait(false);
        var endPoint = await ResolveAsync(arm.BaseUri, ct).ConfigureAwait(false);
        var credentials = arm.Credentials;
        arm.Engine = new LoadEngine(new EngineOptions
        {
            EndPoint = endPoint,
            RequestFor = credentials.RequestFor,
            Connections = options.Connections,
            MaxInFlight = options.MaxInFlight,
        });
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

    private async Task ConnectStoreProbeAsync(CancellationToken ct)
    {
        try
        {
            var config = ConfigurationOptions.Parse(_store!.ConnectionString);
            config.AbortOnConnectFail = false;
            config.ConnectTimeout = 5000;
            config.ClientName = "authbench-loadtest-probe";
            _storeMux = await ConnectionMultiplexer.ConnectAsync(config).WaitAsync(ct).ConfigureAwait(false);
            _storeProbe = new StoreProbe(_store, _storeMux);
            await _storeProbe.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or ArgumentException)
        {
            _storeProbe = null;
            _results.SkippedProbes.Add($"store: INFO failed ({e.Message}); a connection string needs allowAdmin=true");
        }
    }

    /// <summary>Tokens must outlive the run: the API's token lifetime covers the planned time twice over.</summary>
    private TimeSpan TokenLifetime()
    {
        var trials = options.FindMax ? 1 : options.Rates.Count;
        var perRate = options.Arms.Count * (options.Warmup + ((options.Duration + TimeSpan.FromSeconds(5)) * options.Repeat));
        var planned = (perRate * trials) + (options.Soak ?? TimeSpan.Zero) * options.Arms.Count;
        var lifetime = (planned * 2) + TimeSpan.FromMinutes(10);
        return lifetime < TimeSpan.FromMinutes(15) ? TimeSpan.FromMinutes(15) : lifetime > TimeSpan.FromHours(24) ? TimeSpan.FromHours(24) : lifetime;
    }

    private async Task RatesAsync(CancellationToken ct)
    {
        foreach (var rate in options.Rates)
        {
            // File names: latency-<arm>-<rate>.hgrm; the report finds them by arm and rate.
            var key = string.Create(Inv, $"{rate:0.##}");
            foreach (var arm in _arms)
            {
                if (options.Warmup > TimeSpan.Zero)
                {
                    await TrialAsync(arm, rate, 0, options.Warmup, key, record: false, soakMinute: null, ct).ConfigureAwait(false);
                }
            }
            for (var rep = 1; rep <= options.Repeat; rep++)
            {
                foreach (var arm in _arms)
                {
                    await TrialAsync(arm, rate, rep, options.Duration, key, record: true, soakMinute: null, ct).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task FindMaxAsync(CancellationToken ct)
    {
        foreach (var arm in _arms)
        {
            if (options.Warmup > TimeSpan.Zero)
            {
                await TrialAsync(arm, null, 0, options.Warmup, "max", record: false, soakMinute: null, ct).ConfigureAwait(false);
            }
        }
        for (var rep = 1; rep <= options.Repeat; rep++)
        {
            foreach (var arm in _arms)
            {
                await TrialAsync(arm, null, rep, options.Duration, "max", record: true, soakMinute: null, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Soak: per arm, back-to-back one-minute trials at the one rate; the summary compares the first and last minute.</summary>
    private async Task SoakAsync(TimeSpan soak, CancellationToken ct)
    {
        var rate = options.Rates[0];
        var key = string.Create(Inv, $"soak-{rate:0.##}");
        foreach (var arm in _arms)
        {
            if (options.Warmup > TimeSpan.Zero)
            {
                await TrialAsync(arm, rate, 0, options.Warmup, key, record: false, soakMinute: null, ct).ConfigureAwait(false);
            }
            var minutes = (int)Math.Ceiling(soak.TotalMinutes);
            for (var minute = 1; minute <= minutes; minute++)
            {
                var length = TimeSpan.FromMinutes(Math.Min(1, soak.TotalMinutes - (minute - 1)));
                await TrialAsync(arm, rate, 1, length, key, record: true, soakMinute: minute, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task TrialAsync(ArmRuntime arm, double? rate, int repetition, TimeSpan duration, string key, bool record, int? soakMinute, CancellationToken ct)
    {
        var what = record
            ? (soakMinute is { } m ? $"{arm.Spec.Label} soak minute {m}" : $"{arm.Spec.Label} rep {repetition}/{options.Repeat}")
            : $"{arm.Spec.Label} warm-up";
        var rateText = rate is { } r ? string.Create(Inv, $"{r:0.##} rps") : $"closed loop x{options.Connections}";
        progress.Line($"[{rateText}] {what}: {duration.TotalSeconds:0.#} s");
        var started = DateTimeOffset.UtcNow;
        var probe = arm.Api?.Probe;
        var cpuBefore = probe?.ReadCpu();
        var rssReset = probe?.ResetPeakRss() ?? false;
        var loadgenBefore = Environment.CpuUsage.TotalTime;
        StoreProbe.Snapshot? storeBefore = null;
        if (record && _storeProbe is not null)
        {
            storeBefore = await _storeProbe.ReadAsync(ct).ConfigureAwait(false);
        }
        var fault = record && options.Fault is not null ? options.Fault : null;
        Task? faultTask = null;
        var clock = MonotonicClock.Instance;
        double? stoppedAt = null, restartedAt = null;
        void OnStart(Recorder recorder, long t0)
        {
            if (fault is null || _store is null)
            {
                return;
            }
            faultTask = Task.Run(async () =>
            {
                await DelayUntilAsync(t0 + (long)(fault.Start.TotalSeconds * clock.TicksPerSecond), ct).ConfigureAwait(false);
                await _store.StopAsync(ct).ConfigureAwait(false);
                var stopped = clock.Now;
                recorder.MarkOutageStart(stopped);
                stoppedAt = (double)(stopped - t0) / clock.TicksPerSecond;
                await DelayUntilAsync(t0 + (long)((fault.Start + fault.Length).TotalSeconds * clock.TicksPerSecond), ct).ConfigureAwait(false);
                var begin = clock.Now;
                await _store.StartAsync(ct).ConfigureAwait(false);
                var restarted = clock.Now;
                recorder.MarkOutageEnd(begin, restarted);
                restartedAt = (double)(restarted - t0) / clock.TicksPerSecond;
            }, CancellationToken.None);
        }

        TrialMeasurement measurement;
        using (progress.Track($"{what} @ {rateText}", duration, () => arm.Engine.Current))
        {
            measurement = rate is { } target
                ? await arm.Engine.RunOpenLoopAsync(target, duration, OnStart, ct).ConfigureAwait(false)
                : await arm.Engine.RunClosedLoopAsync(duration, OnStart, ct).ConfigureAwait(false);
        }
        if (faultTask is not null)
        {
            await faultTask.ConfigureAwait(false);
        }
        if (measurement.Interrupted)
        {
            throw new OperationCanceledException(ct);
        }
        if (!record)
        {
            return;
        }
        var loadgenCpu = Environment.CpuUsage.TotalTime - loadgenBefore;
        var cpuAfter = probe?.ReadCpu();
        var peakRss = rssReset ? probe?.ReadPeakRssMb() : null;
        var rec = measurement.Recorder;
        var responses = Math.Max(1, rec.Responses);
        StoreCostResult? storeCost = null;
        if (storeBefore is not null && _storeProbe is not null)
        {
            if (fault is not null)
            {
                // The restarted store's counters start from zero: a before/after delta would be meaningless.
                _results.SkippedProbes.Add($"store cost of {arm.Spec.Label} rep {repetition}: the store was restarted during the trial (--fault)");
            }
            else
            {
                var storeAfter = await _storeProbe.ReadAsync(ct).ConfigureAwait(false);
                var cost = StoreProbe.Cost(storeBefore.Stats, storeAfter.Stats, rec.Responses, storeBefore.ReplyBytes);
                storeCost = new StoreCostResult(Math.Round(cost.CommandsPerRequest, 4), Math.Round(cost.UsecPerRequest, 3), Math.Round(cost.CpuUsPerRequest, 2),
                    Math.Round(cost.BytesPerRequest, 1), cost.Commands);
            }
        }
        FaultResult? faultResult = null;
        if (fault is not null)
        {
            double? SinceRestartMs(long ticks) => ticks == long.MaxValue || restartedAt is null ? null
                : Math.Round(((double)(ticks - measurement.StartTicks) / clock.TicksPerSecond - restartedAt.Value) * 1000, 1);
            faultResult = new FaultResult(FaultSpec.Kind, fault.Start.TotalSeconds, fault.Length.TotalSeconds, rec.AcceptedDuringOutage,
                SinceRestartMs(rec.FirstSuccessAfterRestart), SinceRestartMs(rec.FirstStoreAnswerAfterRestart), stoppedAt, restartedAt, rec.Timeline());
        }
        var trial = new TrialResult
        {
            Arm = arm.Spec.Scheme,
            Alg = arm.Spec.Alg,
            Claims = arm.Spec.Scheme == "none" ? null : arm.Spec.Claims,
            Label = arm.Spec.Label,
            Endpoint = options.Endpoint,
            TargetRps = rate,
            Repetition = repetition,
            DurationS = Math.Round(measurement.Elapsed.TotalSeconds, 3),
            AchievedRps = Math.Round(rec.Responses / Math.Max(1e-9, measurement.Elapsed.TotalSeconds), 1),
            Requests = measurement.Started,
            Responses = rec.Responses,
            Errors = rec.Errors(),
            StatusCodes = rec.StatusCodes(),
            Late = measurement.Late,
            Dropped = measurement.Dropped,
            LatencyUs = Percentiles(rec.Latency),
            ServiceTimeUs = Percentiles(rec.ServiceTime),
            BytesPerRequest = new BytesPerRequest(
                Math.Round((double)measurement.BytesSent / Math.Max(1, measurement.Started), 1),
                Math.Round((double)measurement.BytesReceived / responses, 1)),
            ServerCpuUsPerRequest = cpuBefore is { } c0 && cpuAfter is { } c1 ? Math.Round((c1 - c0).TotalMicroseconds / responses, 1) : null,
            ServerPeakRssMb = peakRss is { } rss ? Math.Round(rss, 1) : null,
            LoadgenCpuUsPerRequest = Math.Round(loadgenCpu.TotalMicroseconds / responses, 1),
            Store = storeCost,
            Fault = faultResult,
            SoakMinute = soakMinute,
            ServerRssMb = soakMinute is not null && probe?.ReadRssMb() is { } now ? Math.Round(now, 1) : null,
            StartedUtc = started,
        };
        _results.Trials.Add(trial);
        var histKey = $"{arm.Spec.Label}-{key}";
        if (!_histograms.TryGetValue(histKey, out var h))
        {
            h = (new LongHistogram(Recorder.HighestTrackableMicros, 3), new LongHistogram(Recorder.HighestTrackableMicros, 3));
            _histograms[histKey] = h;
        }
        h.Latency.Add(rec.Latency);
        h.Service.Add(rec.ServiceTime);
        Write();
        progress.Line(string.Create(Inv,
            $"  → {trial.AchievedRps:0} req/s, p50 {trial.LatencyUs.P50} µs, p99 {trial.LatencyUs.P99} µs, errors {trial.Errors.Values.Sum()}, late {trial.Late}, dropped {trial.Dropped}, "
            + $"bytes {trial.BytesPerRequest.Sent:0}/{trial.BytesPerRequest.Received:0}, server CPU {trial.ServerCpuUsPerRequest:0.0} µs/req, store cmds {trial.Store?.CommandsPerRequest:0.00}/req"));
        if (fault is not null)
        {
            // A store restarted without persistence has forgotten every session: log the users in again. (The
            // jwt-denylist arm's tokens survive; its store only held revocations, which the restart forgot too.)
            foreach (var a in _arms.Where(a => a.Spec.Scheme == "session"))
            {
                progress.Line($"  {a.Spec.Label}: the store lost its sessions in the outage; logging the users in again");
                await LoginAsync(a, ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task DelayUntilAsync(long ticks, CancellationToken ct)
    {
        var wait = ticks - MonotonicClock.Instance.Now;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / MonotonicClock.Instance.TicksPerSecond), ct).ConfigureAwait(false);
        }
    }

    private static Percentiles Percentiles(LongHistogram h) => h.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0, 0, 0, 0)
        : new Percentiles(h.GetValueAtPercentile(50), h.GetValueAtPercentile(90), h.GetValueAtPercentile(99), h.GetValueAtPercentile(99.9),
            h.GetValueAtPercentile(99.99), HdrHistogram.HistogramExtensions.GetMaxValue(h), Math.Round(HdrHistogram.HistogramExtensions.GetMean(h), 1));

    private void Write()
    {
        lock (_histograms)
        {
            _writer.WriteAll(_results, _histograms);
        }
    }

    private async Task TearDownAsync()
    {
        foreach (var arm in _arms)
        {
            if (arm.Api is not null)
            {
                await arm.Api.DisposeAsync().ConfigureAwait(false);
            }
        }
        if (_storeMux is not null)
        {
            await _storeMux.DisposeAsync().ConfigureAwait(false);
        }
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
        ChildProcesses.KillAll();
    }
}
