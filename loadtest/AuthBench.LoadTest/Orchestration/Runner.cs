using System.Globalization;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Relay;
using AuthBench.LoadTest.Results;
using AuthBench.LoadTest.Scenarios;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>
/// One load-test run: provision the store, start one API per arm and log every user in (the fleet), run the trials
/// of the plan in order, writing every result file again after each trial, and stop everything at the end.
/// </summary>
public sealed class Runner(LoadOptions options, Progress progress)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly HistogramSet _histograms = new();
    private ResultWriter _writer = null!;
    private RunResults _results = null!;
    private StoreSession? _store;
    private ApiFleet? _fleet;
    private DelayRelay? _relay;
    private string? _apiDll;
    private string? _apiRedis;
    private int? _fleetStoreConnections;
    private CpuPinning _pinning = null!;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        _writer = new ResultWriter(options.OutputDirectory);
        var apiDll = options.Target is null ? ApiProcess.LocateApi(options.ApiPath) : null;
        _pinning = new CpuPinning(options.Isolation, progress);
        _results = new RunResults
        {
            Mode = options.Mode,
            StartedUtc = DateTimeOffset.UtcNow,
            Settings = TrialMapping.Settings(options),
            Environment = EnvironmentProbe.Collect(apiDll, options.CommandLine, options.Http, options.EdgeIsDimension),
        };
        _results.Environment.Isolation = _pinning.Info;
        progress.Line($"AuthBench load test ({options.Mode}) → {options.OutputDirectory}");
        progress.Line(string.Create(Inv, $"arm order: {options.Order.ToName()}, seed {options.Seed}; spin limit: {options.SpinLimitName}; ")
            + (options.Isolation.Enabled ? $"API on CPU {options.Isolation.Api}, generator and store on CPU {options.Isolation.Loadgen}" : $"isolation {options.Isolation.Note}"));
        var exitCode = ExitCodes.Ok;
        var outline = RunPlan.Outline(options);
        progress.Begin(outline);
        try
        {
            Write();
            _pinning.PinSelf();
            await SetUpAsync(apiDll, ct).ConfigureAwait(false);
            var trial = new Trial(options, _store!, _pinning, progress, _relay);
            if (options.SloP99.Count > 0)
            {
                var search = new SloSearch(options, _pinning.ApiCpus?.Count ?? Environment.ProcessorCount);
                progress.Line($"SLO capacity search: p99 under {SloSearch.Describe(options.SloP99)}, {options.SloSteps} bisection steps per target");
                await search.RunAsync((planned, token) => RunOneAsync(trial, planned, token), capacity =>
                {
                    _results.Slo.Add(capacity);
                    Write();
                    progress.Line(string.Create(Inv, $"  SLO {capacity.Label} p99 < {capacity.P99TargetMs:0.###} ms: {capacity.CapacityRps?.ToString("0", Inv) ?? "none passed"} req/s (lowest failing: {capacity.LowestFailingRps?.ToString("0", Inv) ?? "none"})"));
                }, ct).ConfigureAwait(false);
            }
            else
            {
                foreach (var planned in RunPlan.Trials(options))
                {
                    if (planned.StoreConnections is { } connections && connections != _fleetStoreConnections)
                    {
                        await RestartFleetAsync(connections, ct).ConfigureAwait(false);
                    }
                    _ = await RunOneAsync(trial, planned, ct).ConfigureAwait(false);
                }
            }
            _results.Status = "complete";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _results.Status = "interrupted";
            exitCode = ExitCodes.Interrupted;
            progress.Line("interrupted: stopping the processes and keeping what was measured");
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is not UsageException)
        {
            // Ctrl+C at a terminal reaches every process of the foreground group: the store or an API may end of it
            // before the cancellation is seen here, and what fails then is the interrupt's doing, not the run's.
            _results.Status = "interrupted";
            exitCode = ExitCodes.Interrupted;
            progress.Line($"interrupted ({e.Message}): stopping the processes and keeping what was measured");
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
            exitCode = ExitCodes.Failed;
            progress.Error($"error: {e.Message}");
        }
        finally
        {
            await TearDownAsync().ConfigureAwait(false);
            _results.FinishedUtc = DateTimeOffset.UtcNow;
            Write();
            progress.Close();
        }
        var kept = _results.Status == "interrupted"
            ? (progress.CurrentTrial == 0 ? "interrupted before the first trial: kept the run's settings and environment"
                : string.Create(Inv, $"interrupted in trial {progress.CurrentTrial} of {outline.Durations.Count}: kept the {_results.Trials.Count} recorded trial(s) that ended before it"))
                + (_results.Slo.Count > 0 ? string.Create(Inv, $" and {_results.Slo.Count} SLO capacit{(_results.Slo.Count == 1 ? "y" : "ies")}") : "")
                + " (the trial under way is not kept)"
            : string.Create(Inv, $"{_results.Status}: {_results.Trials.Count} trial(s)");
        progress.Line($"{kept}; results in {options.OutputDirectory} (summary.md, results.json, trials.csv, *.hgrm)");
        return exitCode;
    }

    private async Task SetUpAsync(string? apiDll, CancellationToken ct)
    {
        try
        {
            _store = await StoreSession.OpenAsync(options, _results, progress, ct).ConfigureAwait(false);
        }
        catch (AuthBench.Store.StoreConfigurationException e)
        {
            // A store that cannot be started as asked (no redis-server, a cluster that does not form) is a bad topology
            // option: one line and exit code 2, like any other.
            throw new UsageException($"--store {options.Store}: {e.Message}");
        }
        if (_store.Store is { } store && options.NeedsStore)
        {
            _pinning.PinStore(store, "start");
        }
        if (options.Target is not null)
        {
            _results.SkippedProbes.Add("server_peak_rss_mb: --target mode, the API process is not ours to read from /proc (server CPU comes from its metrics endpoint, when it has one)");
        }
        var redis = options.NeedsStore ? _store.ConnectionString : null;
        if (options.StoreRtt.Count > 0 && _store.Store is { } relayed)
        {
            // Started by this (pinned) thread, the relay's release thread inherits the generator's CPU set.
            _relay = StoreRelay.Start(relayed, options.StoreRtt[0]);
            redis = StoreRelay.ConnectionString(relayed.ConnectionString, _relay.EndPoint);
            _results.Environment.StoreRelay = $"{StoreRelay.Describe(_relay, relayed)}; release thread: {await _relay.SchedulerInfo.WaitAsync(ct).ConfigureAwait(false)}";
            progress.Line($"store relay: {_results.Environment.StoreRelay}");
        }
        Write();
        _apiDll = apiDll;
        _apiRedis = redis;
        _fleetStoreConnections = options.StoreConnections.Count > 0 ? options.StoreConnections[0] : null;
        _fleet = new ApiFleet(options with { ApiStoreConnections = _fleetStoreConnections }, _pinning, progress);
        await _fleet.StartAsync(apiDll, redis, _results, Write, ct).ConfigureAwait(false);
        _pinning.Info.IdleApisStopped = _fleet.StopsIdleApis;
        _pinning.Info.IdleApisNote = _fleet.StopsIdleApis
            ? "before each trial (warm-ups too) every other arm's API is stopped with SIGSTOP and the one under test continued with SIGCONT, "
                + "then answers one GET /health (not recorded) before the trial starts; all are continued before logins, teardown and after Ctrl+C"
            : options.Target is not null ? "--target mode: one API, not ours" : "one API: nothing to stop";
    }

    /// <summary>
    /// --store-connections: the API's multiplexer count is fixed at its start, so each block of the plan gets a fresh
    /// fleet (every API restarted, its users logged in again) with the block's count.
    /// </summary>
    private async Task RestartFleetAsync(int connections, CancellationToken ct)
    {
        progress.Line($"store connections: restarting the APIs with --store-connections {connections}");
        _fleet!.ResumeAll();
        await _fleet.DisposeAsync().ConfigureAwait(false);
        _fleet = null;
        _fleetStoreConnections = connections;
        _fleet = new ApiFleet(options with { ApiStoreConnections = connections }, _pinning, progress);
        // results.arms describes the APIs of the block that ran last (their pids, readiness lines); the trials carry their count.
        _results.Arms.Clear();
        await _fleet.StartAsync(_apiDll, _apiRedis, _results, Write, ct).ConfigureAwait(false);
    }

    private async Task<TrialResult?> RunOneAsync(Trial trial, PlannedTrial planned, CancellationToken ct)
    {
        var arm = _fleet!.Runtime(planned);
        await _fleet.FocusAsync(arm, ct).ConfigureAwait(false);
        var outcome = await trial.RunAsync(arm, planned, ct).ConfigureAwait(false);
        if (arm.EngineFor(planned.Edge).PacingRealtime is { } realtime && _results.Environment.PacingEffective is null)
        {
            _results.Environment.PacingEffective = realtime ? "SCHED_FIFO priority 1, timer slack " + (options.TimerSlackNs is { } ns ? $"{ns} ns" : "kernel default")
                : options.RealtimePacing ? "fair scheduler: SCHED_FIFO was refused (needs root or CAP_SYS_NICE)" : "fair scheduler (--pacing fair)";
            progress.Line($"pacing thread: {_results.Environment.PacingEffective}");
        }
        return outcome is null ? null : await RecordAsync(outcome, ct).ConfigureAwait(false);
    }

    private async Task<TrialResult> RecordAsync(TrialOutcome outcome, CancellationToken ct)
    {
        var trial = TrialMapping.ToResult(outcome, options.Endpoint);
        _results.Trials.Add(trial);
        if (outcome.SkippedProbe is { } skipped)
        {
            _results.SkippedProbes.Add(skipped);
        }
        var rec = outcome.Measurement.Recorder;
        // An SLO search's steps each have their own rate: there is nothing to merge, and results.json holds their percentiles.
        if (outcome.Plan.Key is not (SloSearch.StepKey or SloSearch.SaturationKey)
            && _histograms.Add(trial.Label, trial.TargetRps, outcome.Plan.Key, rec.Latency, rec.ServiceTime) is { } files)
        {
            _results.Histograms.Add(files);
        }
        Write();
        progress.Line(string.Create(Inv,
            $"  → {trial.AchievedRps:0} req/s, p50 {trial.LatencyUs.P50} µs, p99 {trial.LatencyUs.P99} µs, errors {trial.Errors.Values.Sum()}, late {trial.Late}, dropped {trial.Dropped}, "
            + $"bytes {trial.BytesPerRequest.Sent:0}/{trial.BytesPerRequest.Received:0}, server CPU {trial.ServerCpuUsPerRequest:0.0} µs/req, store cmds {trial.Store?.CommandsPerRequest:0.00}/req"));
        if (trial.Instances is { } instances)
        {
            progress.Line(string.Create(Inv,
                $"  → {instances} instance(s) behind the balancer: responses per instance {(trial.InstanceResponses is { } each ? string.Join('/', each) : "unknown")}, balancer CPU {trial.BalancerCpuUsPerRequest:0.0} µs/req"));
        }
        if (outcome.Refreshes is { Requests: > 0 } refreshes)
        {
            progress.Line($"  → {refreshes}");
        }
        if (trial.Fault is not null)
        {
            // A store restarted without persistence has forgotten what it held: arms whose credentials lived there log
            // their users in again (a self-contained token survives; a denylist's revocations are forgotten too).
            await _fleet!.AfterStoreOutageAsync(ct).ConfigureAwait(false);
        }
        return trial;
    }

    private void Write() => _writer.WriteAll(_results, _histograms);

    private async Task TearDownAsync()
    {
        if (_fleet is not null)
        {
            _fleet.ResumeAll();
            await _fleet.DisposeAsync().ConfigureAwait(false);
        }
        if (_relay is not null)
        {
            await _relay.DisposeAsync().ConfigureAwait(false);
        }
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
        ChildProcesses.KillAll();
    }
}
