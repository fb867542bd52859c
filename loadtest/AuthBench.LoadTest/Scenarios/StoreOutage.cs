using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Plan;
using AuthBench.Store;

namespace AuthBench.LoadTest.Scenarios;

/// <summary>
/// The fault injector of one trial: stops the store <see cref="FaultSpec.Start"/> after the trial's origin, starts it
/// again <see cref="FaultSpec.Length"/> later, and through <see cref="OutageWindow"/> counts what the arm did meanwhile.
/// </summary>
/// <param name="restarted">Runs right after the store is back (the load tool pins the new process).</param>
public sealed class StoreOutage(FaultSpec spec, IProvisionedStore store, TimeProvider time, CancellationToken ct, Action? restarted = null) : IResponseObserver
{
    private readonly OutageWindow _window = new();
    private Task? _fault;
    private double? _stoppedAt;
    private double? _restartedAt;

    public OutageWindow Window => _window;

    public void OnStart(long originTicks)
    {
        _window.OnStart(originTicks);
        _fault = Task.Run(() => InjectAsync(originTicks), CancellationToken.None);
    }

    public void OnResponse(long sendTicks, long doneTicks, int status, bool transportError) =>
        _window.OnResponse(sendTicks, doneTicks, status, transportError);

    /// <summary>Waits until the store is back (the trial's measurement ends first; the restart must not leak into the next trial).</summary>
    public Task CompleteAsync() => _fault ?? Task.CompletedTask;

    /// <summary>The outage as results.json reports it; <paramref name="outcomesPerSecond"/> is the recorder's timeline.</summary>
    public FaultResult Result(IReadOnlyList<IReadOnlyDictionary<string, long>> outcomesPerSecond)
    {
        double? SinceRestartMs(long ticks) => ticks == long.MaxValue || _restartedAt is null ? null
            : Math.Round((Seconds(ticks - _window.OriginTicks) - _restartedAt.Value) * 1000, 1);
        double? SinceStopMs(long ticks) => ticks is long.MaxValue or long.MinValue || _stoppedAt is null ? null
            : Math.Round((Seconds(ticks - _window.OriginTicks) - _stoppedAt.Value) * 1000, 1);
        return new FaultResult(FaultSpec.Kind, spec.Start.TotalSeconds, spec.Length.TotalSeconds, _window.AcceptedDuringOutage,
            SinceRestartMs(_window.FirstSuccessAfterRestart), SinceRestartMs(_window.FirstStoreAnswerAfterRestart), _stoppedAt, _restartedAt,
            outcomesPerSecond, SinceStopMs(_window.First503AfterStop), SinceStopMs(_window.LastAcceptedSendDuringOutage));
    }

    private async Task InjectAsync(long origin)
    {
        await DelayUntilAsync(origin + Ticks(spec.Start)).ConfigureAwait(false);
        await store.StopAsync(ct).ConfigureAwait(false);
        var stopped = time.GetTimestamp();
        _window.MarkOutageStart(stopped);
        _stoppedAt = Seconds(stopped - origin);
        await DelayUntilAsync(origin + Ticks(spec.Start + spec.Length)).ConfigureAwait(false);
        var begin = time.GetTimestamp();
        _window.MarkRestartBegin(begin);
        await store.StartAsync(ct).ConfigureAwait(false);
        var back = time.GetTimestamp();
        _window.MarkOutageEnd(begin, back);
        _restartedAt = Seconds(back - origin);
        restarted?.Invoke();
    }

    private async Task DelayUntilAsync(long ticks)
    {
        var wait = ticks - time.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(Seconds(wait)), time, ct).ConfigureAwait(false);
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private double Seconds(long ticks) => (double)ticks / time.TimestampFrequency;
}
