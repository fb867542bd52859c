using AuthBench.Common;
using AuthBench.LoadTest.Orchestration;
using AuthBench.LoadTest.Plan;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;
using Progress = AuthBench.LoadTest.Orchestration.Progress;
using Recorder = AuthBench.LoadTest.Engine.Recorder;

namespace AuthBench.LoadTest.Tests;

public class ProgressTests
{
    private static readonly TimeSpan S10 = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan S30 = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_time_left_is_the_planned_time_to_come_plus_the_overhead_measured_per_trial()
    {
        var time = new FakeTimeProvider();
        var estimate = new ProgressEstimate(new PlanOutline([S10, S30, S30], 3), time);

        estimate.Start(1);
        Assert.Equal("trial 1/3, 0 %, about 1 min 10 s left", estimate.Describe());

        // The warm-up took 12 s for its 10: 2 s of overhead, assumed for each trial to come.
        time.Advance(TimeSpan.FromSeconds(12));
        estimate.Start(2);
        Assert.Equal(TimeSpan.FromSeconds(2), estimate.OverheadPerTrial());
        Assert.Equal("trial 2/3, 16 %, about 1 min 2 s left", estimate.Describe());

        // Within a trial the estimate counts down.
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal((TimeSpan.FromSeconds(42), TimeSpan.FromSeconds(42)), estimate.Left());
    }

    [Fact]
    public void A_plan_whose_tail_may_not_run_gives_a_range()
    {
        var time = new FakeTimeProvider();
        var estimate = new ProgressEstimate(new PlanOutline([S10, S10, S10, S10], 2), time);

        estimate.Start(1);
        Assert.Equal("trial 1 of 2 to 4, 20 s to 40 s left", estimate.Describe());
        Assert.Null(estimate.Fraction());

        time.Advance(S10);
        estimate.Start(3);
        Assert.Equal("trial 3 of 3 to 4, 10 s to 20 s left", estimate.Describe());
    }

    [Fact]
    public void Plain_output_has_one_line_per_trial_start_and_a_status_line_every_5_s()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        var progress = new Progress(output, time);
        var recorder = new Recorder(0, time.TimestampFrequency);
        recorder.Record(0, 0, time.TimestampFrequency / 1000, 200, null);
        recorder.Record(0, 0, time.TimestampFrequency / 500, 503, null);

        progress.Begin(new PlanOutline([S10, S30], 2));
        progress.TrialStarted(1, "jwt rep 1/3 @ 2000 rps", S10);
        using (progress.Track("jwt rep 1/3 @ 2000 rps", S10, () => recorder))
        {
            time.Advance(TimeSpan.FromSeconds(5));
        }
        time.Advance(TimeSpan.FromSeconds(5));

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "plan: 2 trial(s), 40 s of trials plus the overhead between them",
                "trial 1/2, 0 %, about 40 s left: jwt rep 1/3 @ 2000 rps (10 s)",
                "  jwt rep 1/3 @ 2000 rps  5/10 s  responses 2  p99 2.00 ms  errors 1",
            ],
            lines);
    }

    [Fact]
    public void The_live_display_draws_lines_above_itself_and_is_torn_down_on_close()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        var progress = new Progress(console, time);
        var recorder = new Recorder(0, time.TimestampFrequency);
        recorder.Record(0, 0, time.TimestampFrequency / 1000, 200, null);

        progress.Begin(new PlanOutline([S10], 1));
        progress.TrialStarted(1, "jwt rep 1/1 @ 2000 rps", S10);
        using (progress.Track("jwt rep 1/1 @ 2000 rps", S10, () => recorder))
        {
            time.Advance(Progress.LivePeriod);
            progress.Line("  warning: a line while the display is up");
        }
        progress.Close();
        progress.Line("complete: 1 trial(s)");

        var text = output.ToString();
        Assert.Equal(ProgressMode.Live, progress.Mode);
        Assert.Contains("trial 1/1, 0 %, about 10 s left: jwt rep 1/1 @ 2000 rps (10 s)", text, StringComparison.Ordinal);
        Assert.Contains("responses 1  p99 1.00 ms  errors 0", text, StringComparison.Ordinal);
        Assert.Contains("  warning: a line while the display is up", text, StringComparison.Ordinal);
        // Torn down: the cursor is shown again before the last line, which is written plainly after it.
        var shown = text.LastIndexOf("\x1b[?25h", StringComparison.Ordinal);
        Assert.True(shown >= 0 && shown < text.LastIndexOf("complete: 1 trial(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_SLO_search_is_certain_of_its_saturation_trials_and_ladder_only()
    {
        var options = new LoadOptions
        {
            Arms = LoadOptions.ParseArms("none,jwt", "HS256", "typical"),
            Endpoint = "/api/me",
            Warmup = TimeSpan.FromSeconds(1),
            Duration = TimeSpan.FromSeconds(5),
            SloP99 = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)],
            SloSteps = 3,
            OutputDirectory = "/tmp/x",
            CommandLine = "x",
        };

        var outline = RunPlan.Outline(options);

        Assert.Equal(2 * (2 + 9), outline.Certain);
        Assert.Equal(outline.Certain + (2 * (8 + (2 * 3))), outline.Durations.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)], outline.Durations.Take(2));
    }

    [Fact]
    public void A_fixed_plan_is_known_whole()
    {
        var options = new LoadOptions
        {
            Arms = LoadOptions.ParseArms("none,jwt", "HS256", "typical"),
            Endpoint = "/api/me",
            Rates = [100],
            Repeat = 2,
            Warmup = TimeSpan.FromSeconds(1),
            Duration = TimeSpan.FromSeconds(5),
            OutputDirectory = "/tmp/x",
            CommandLine = "x",
        };

        var outline = RunPlan.Outline(options);

        Assert.Equal(6, outline.Certain);
        Assert.Equal(RunPlan.Trials(options).Select(t => t.Duration), outline.Durations);
    }
}
