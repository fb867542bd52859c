namespace AuthBench.Common.Tests;

public class ProgressTextTests
{
    [Theory]
    [InlineData(false, "xterm-256color", null, ProgressMode.Live)]
    [InlineData(false, null, "false", ProgressMode.Live)]
    [InlineData(true, "xterm-256color", null, ProgressMode.Plain)]
    [InlineData(false, "dumb", null, ProgressMode.Plain)]
    [InlineData(false, "xterm", "true", ProgressMode.Plain)]
    [InlineData(false, "xterm", "TRUE", ProgressMode.Plain)]
    [InlineData(false, "xterm", "1", ProgressMode.Plain)]
    public void A_terminal_gets_the_live_display_and_CI_or_redirected_output_plain_lines(bool redirected, string? term, string? ci, ProgressMode expected) =>
        Assert.Equal(expected, ProgressText.Detect(redirected, term, ci));

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(42.4, "42 s")]
    [InlineData(200, "3 min 20 s")]
    [InlineData(900, "15 min")]
    [InlineData(3900, "1 h 05 min")]
    public void Durations_read_as_a_person_says_them(double seconds, string expected) =>
        Assert.Equal(expected, ProgressText.Spoken(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Counted_items_take_the_mean_time_of_those_done_for_each_left()
    {
        Assert.Equal("benchmark 1/40, 0 %, time left unknown until one has finished", ProgressText.Counted("benchmark", 1, 40, 0, TimeSpan.Zero));
        // 10 done in 5 min: 30 s each, 30 to go.
        Assert.Equal("benchmark 11/40, 25 %, about 15 min left", ProgressText.Counted("benchmark", 11, 40, 10, TimeSpan.FromMinutes(5)));
        Assert.Equal("benchmark 40/40, 100 %, about 0 s left", ProgressText.Counted("benchmark", 40, 40, 40, TimeSpan.FromMinutes(5)));
    }
}
