using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Scenarios;

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
}
