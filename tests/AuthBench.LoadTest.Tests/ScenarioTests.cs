using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Plan;
using AuthBench.LoadTest.Scenarios;
using AuthBench.Store;
using Microsoft.Extensions.Time.Testing;

namespace AuthBench.LoadTest.Tests;

public class ScenarioTests
{
    [Fact]
    public void Outage_window_counts_successes_and_the_first_success_after_restart()
    {
        var window = new OutageWindow();
        var recorder = new Recorder(0, 1_000_000, window);
        window.OnStart(0);
        window.MarkOutageStart(1_000);
        recorder.Record(1_100, 1_100, 1_200, 200, null);   // accepted while the store was down
        recorder.Record(1_300, 1_300, 1_400, 503, null);
        window.MarkOutageEnd(2_000, 2_500);
        recorder.Record(2_600, 2_600, 2_700, 401, null);
        recorder.Record(2_800, 2_800, 2_900, 200, null);

        Assert.Equal(1, window.AcceptedDuringOutage);
        Assert.Equal(2_900, window.FirstSuccessAfterRestart);
        Assert.Equal(2_700, window.FirstStoreAnswerAfterRestart);
        Assert.Equal(1_400, window.First503AfterStop);
        Assert.Equal(1_100, window.LastAcceptedSendDuringOutage);
    }

    [Fact]
    public void An_answer_that_arrives_while_the_restart_is_awaited_is_not_accepted_during_the_outage()
    {
        // The restart begins at 2,000; the store listens (and the API reconnects) before StartAsync returns at 2,500.
        var window = new OutageWindow();
        var recorder = new Recorder(0, 1_000_000, window);
        window.OnStart(0);
        window.MarkOutageStart(1_000);
        recorder.Record(1_990, 1_990, 1_995, 503, null);
        window.MarkRestartBegin(2_000);
        recorder.Record(1_995, 1_995, 2_100, 200, null);   // sent in the outage, answered once the store was back
        window.MarkOutageEnd(2_000, 2_500);

        Assert.Equal(0, window.AcceptedDuringOutage);
        Assert.Equal(1_995, window.First503AfterStop);
    }

    [Fact]
    public void The_window_keeps_the_first_503_and_the_last_acceptance_of_the_outage()
    {
        var window = new OutageWindow();
        window.MarkOutageStart(1_000);
        window.OnResponse(900, 1_050, 200, transportError: false);  // sent before the stop: not the arm's outage behaviour
        window.OnResponse(950, 1_060, 503, transportError: false);
        window.OnResponse(1_200, 1_300, 200, transportError: false);
        window.OnResponse(1_500, 1_600, 200, transportError: false); // a near cache still serving
        window.OnResponse(1_400, 1_700, 503, transportError: false);
        window.OnResponse(1_800, 1_850, 503, transportError: false);
        window.MarkOutageEnd(2_000, 2_500);

        Assert.Equal(2, window.AcceptedDuringOutage);
        Assert.Equal(1_500, window.LastAcceptedSendDuringOutage);
        Assert.Equal(1_700, window.First503AfterStop);
    }

    [Fact]
    public void Transport_errors_and_requests_sent_before_the_restart_do_not_count_as_recovery()
    {
        var window = new OutageWindow();
        window.MarkOutageStart(1_000);
        window.MarkOutageEnd(2_000, 2_500);
        window.OnResponse(2_400, 2_600, 200, transportError: false); // sent before the restart had finished
        window.OnResponse(2_600, 2_700, 0, transportError: true);

        Assert.Equal(0, window.AcceptedDuringOutage);
        Assert.Equal(long.MaxValue, window.FirstSuccessAfterRestart);
        Assert.Equal(long.MaxValue, window.FirstStoreAnswerAfterRestart);
        Assert.Equal(long.MaxValue, window.First503AfterStop);
        Assert.Equal(long.MinValue, window.LastAcceptedSendDuringOutage);
    }

    private sealed class Seen : IResponseObserver
    {
        public long Origin { get; private set; } = -1;

        public List<(long Send, long Done, int Status, bool Error)> Responses { get; } = [];

        public void OnStart(long originTicks) => Origin = originTicks;

        public void OnResponse(long sendTicks, long doneTicks, int status, bool transportError)
        {
            lock (Responses)
            {
                Responses.Add((sendTicks, doneTicks, status, transportError));
            }
        }
    }

    [Fact]
    public async Task The_engine_shows_every_response_to_its_observer()
    {
        using var server = new ScriptedServer(_ => TimeSpan.Zero, _ => "HTTP/1.1 204 No Content\r\n\r\n"u8.ToArray());
        var request = "GET /health HTTP/1.1\r\nHost: test\r\n\r\n"u8.ToArray();
        var engine = new LoadEngine(new EngineOptions { EndPoint = server.EndPoint, RequestFor = _ => request, Connections = 2 });
        var seen = new Seen();

        var m = await engine.RunOpenLoopAsync(rate: 50, duration: TimeSpan.FromSeconds(1), seen);

        Assert.Equal(m.StartTicks, seen.Origin);
        Assert.Equal(50, seen.Responses.Count);
        Assert.All(seen.Responses, r => Assert.Equal((204, false), (r.Status, r.Error)));
        Assert.All(seen.Responses, r => Assert.True(r.Done >= r.Send));
    }

    /// <summary>A store that only counts its stops and starts.</summary>
    private sealed class CountingStore : IProvisionedStore
    {
        public int Stops;
        public int Starts;

        public StoreKind Kind => StoreKind.RedisServer;
        public string Version => "test";
        public string Topology => "standalone";
        public string Endpoint => "127.0.0.1:1";
        public string ConnectionString => "127.0.0.1:1";
        public int? ProcessId => null;
        public bool CanRestart => true;

        public Task StopAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Stops);
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Starts);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_injector_stops_and_restarts_the_store_on_the_trials_clock()
    {
        var time = new FakeTimeProvider();
        var store = new CountingStore();
        var outage = new StoreOutage(new FaultSpec(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)), store, time, CancellationToken.None);
        var origin = time.GetTimestamp();
        long At(double seconds) => origin + (long)(seconds * time.TimestampFrequency);

        outage.OnStart(origin);
        outage.OnResponse(At(1), At(1.1), 200, transportError: false);
        time.Advance(TimeSpan.FromSeconds(3));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref store.Stops) == 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(10);
        }
        outage.OnResponse(At(3.5), At(3.6), 503, transportError: false);
        time.Advance(TimeSpan.FromSeconds(2));
        await outage.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(10));
        outage.OnResponse(At(5.5), At(5.6), 200, transportError: false);

        var result = outage.Result([]);
        Assert.Equal((1, 1), (store.Stops, store.Starts));
        Assert.Equal((FaultSpec.Kind, 3.0, 2.0), (result.Kind, result.StartS, result.LengthS));
        Assert.Equal((3.0, 5.0), (result.StoreStoppedAtS, result.StoreRestartedAtS));
        Assert.Equal(0, result.AcceptedDuringOutage);
        Assert.Equal(600, result.TimeToRecoverMs!.Value, 3);
        Assert.Equal(600, result.TimeToFirstNon503Ms!.Value, 3);
    }
}
