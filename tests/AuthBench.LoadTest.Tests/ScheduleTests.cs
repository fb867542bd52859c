using AuthBench.LoadTest.Engine;

namespace AuthBench.LoadTest.Tests;

public class ScheduleTests
{
    [Fact]
    public void Request_i_is_due_at_start_plus_i_over_rate()
    {
        var schedule = new OpenLoopSchedule(startTicks: 5_000, ratePerSecond: 1000, totalRequests: 10, ticksPerSecond: 1_000_000);

        Assert.Equal(5_000, schedule.IntendedTicks(0));
        Assert.Equal(6_000, schedule.IntendedTicks(1));
        Assert.Equal(14_000, schedule.IntendedTicks(9));
    }

    [Fact]
    public void Only_due_requests_are_released_and_the_schedule_ends_after_the_total()
    {
        var schedule = new OpenLoopSchedule(0, 1000, 3, 1_000_000);

        Assert.True(schedule.TryTakeDue(0, out var first));
        Assert.Equal(new ScheduledRequest(0, 0), first);
        Assert.False(schedule.TryTakeDue(999, out _));
        Assert.Equal(1, schedule.TicksUntilNext(999));
        Assert.True(schedule.TryTakeDue(5_000, out var second));
        Assert.True(schedule.TryTakeDue(5_000, out var third));
        Assert.Equal(1_000, second.IntendedTicks);
        Assert.Equal(2_000, third.IntendedTicks);
        Assert.False(schedule.TryTakeDue(1_000_000, out _));
        Assert.True(schedule.Done);
        Assert.Equal(long.MaxValue, schedule.TicksUntilNext(1_000_000));
    }

    [Fact]
    public void A_stalled_server_does_not_slow_the_schedule_down()
    {
        // Open loop: however long nothing completes, the number of released requests follows the clock.
        var clock = new ManualTime();
        var schedule = new OpenLoopSchedule(0, 100, 1000, clock.TimestampFrequency);
        var dispatcher = new OpenLoopDispatcher(schedule, connections: 1, maxInFlight: 1000, lateThresholdTicks: ManualTime.Ms(1));
        var starts = new List<(int, ScheduledRequest)>();

        clock.Now = ManualTime.Ms(1000); // one second in which the single connection never completes
        dispatcher.Pump(clock.Now, starts);

        Assert.Equal(101, schedule.Next); // requests 0..100 are due at 0, 10, ..., 1000 ms
        Assert.Single(starts);
        Assert.Equal(101, dispatcher.InFlight);
    }

    [Fact]
    public void Requests_beyond_the_in_flight_limit_are_dropped_and_counted()
    {
        var clock = new ManualTime();
        var schedule = new OpenLoopSchedule(0, 1000, 10, clock.TimestampFrequency);
        var dispatcher = new OpenLoopDispatcher(schedule, connections: 2, maxInFlight: 3, lateThresholdTicks: ManualTime.Ms(1));
        var starts = new List<(int Connection, ScheduledRequest Request)>();

        clock.Now = ManualTime.Ms(4); // requests 0..4 are due
        dispatcher.Pump(clock.Now, starts);

        Assert.Equal(2, starts.Count);            // two connections start at once
        Assert.Equal(3, dispatcher.InFlight);     // the third waits for a connection
        Assert.Equal(2, dispatcher.Dropped);      // the fourth and fifth find the limit reached
        Assert.Equal(new[] { 0L, 1L }, starts.Select(s => s.Request.Index));
    }

    [Fact]
    public void A_waiting_request_starts_on_the_next_free_connection_and_counts_as_late()
    {
        var clock = new ManualTime();
        var schedule = new OpenLoopSchedule(0, 1000, 10, clock.TimestampFrequency);
        var dispatcher = new OpenLoopDispatcher(schedule, connections: 1, maxInFlight: 10, lateThresholdTicks: ManualTime.Ms(1));
        var starts = new List<(int Connection, ScheduledRequest Request)>();

        clock.Now = ManualTime.Ms(1); // requests 0 (at 0 ms) and 1 (at 1 ms)
        dispatcher.Pump(clock.Now, starts);
        Assert.Single(starts);
        Assert.Equal(0, dispatcher.Late); // request 0 starts 1 ms after its time: not more than the threshold

        clock.Now = ManualTime.Ms(5); // request 0 completes; request 1 has waited 4 ms for the connection
        Assert.True(dispatcher.Complete(starts[0].Connection, clock.Now, out var next));
        Assert.Equal(1, next.Index);
        Assert.Equal(ManualTime.Ms(1), next.IntendedTicks);
        Assert.Equal(1, dispatcher.Late);

        Assert.False(dispatcher.Complete(starts[0].Connection, ManualTime.Ms(5.5), out _)); // nothing waits: the connection goes idle
        Assert.Equal(0, dispatcher.InFlight);
        Assert.Equal(2, dispatcher.Started);
    }

    [Fact]
    public void A_pump_that_wakes_late_counts_every_request_it_releases_late()
    {
        var clock = new ManualTime();
        var schedule = new OpenLoopSchedule(0, 1000, 10, clock.TimestampFrequency);
        var dispatcher = new OpenLoopDispatcher(schedule, connections: 8, maxInFlight: 8, lateThresholdTicks: ManualTime.Ms(1));
        var starts = new List<(int, ScheduledRequest)>();

        clock.Now = ManualTime.Ms(3); // due: 0, 1, 2, 3 ms; the first two are more than 1 ms late
        dispatcher.Pump(clock.Now, starts);

        Assert.Equal(4, starts.Count);
        Assert.Equal(2, dispatcher.Late);
    }

    [Fact]
    public void Abandon_reports_what_never_finished()
    {
        var schedule = new OpenLoopSchedule(0, 1000, 5, 1_000_000);
        var dispatcher = new OpenLoopDispatcher(schedule, connections: 1, maxInFlight: 5, lateThresholdTicks: 1000);
        var starts = new List<(int, ScheduledRequest)>();
        dispatcher.Pump(10_000, starts);

        Assert.Equal(5, dispatcher.Abandon());
        Assert.Equal(0, dispatcher.InFlight);
    }
}
