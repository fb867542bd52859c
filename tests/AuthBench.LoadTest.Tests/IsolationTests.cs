using AuthBench.Common;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Tests;

public class IsolationTests
{
    private static readonly CpuSet Two = CpuSet.Parse("0-1");
    private static readonly CpuSet Four = CpuSet.Parse("0-3");

    [Fact]
    public void By_default_the_api_gets_the_last_online_cpu_and_the_rest_go_to_the_generator_and_store()
    {
        var isolation = Isolation.Resolve(null, null, target: false, Two);

        Assert.True(isolation.Enabled);
        Assert.False(isolation.Explicit);
        Assert.Equal("1", isolation.Api!.ToString());
        Assert.Equal("0", isolation.Loadgen!.ToString());
        Assert.Equal("0-2", Isolation.Resolve(null, null, false, Four).Loadgen!.ToString());
    }

    [Fact]
    public void Default_is_off_with_a_note_on_one_cpu_and_in_target_mode()
    {
        var one = Isolation.Resolve(null, null, target: false, CpuSet.Parse("0"));
        Assert.False(one.Enabled);
        Assert.Contains("only CPU 0", one.Note, StringComparison.Ordinal);

        var target = Isolation.Resolve(null, null, target: true, Two);
        Assert.False(target.Enabled);
        Assert.Contains("--target", target.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void One_side_given_the_other_gets_the_remaining_online_cpus()
    {
        Assert.Equal("0-1,3", Isolation.Resolve("2", null, false, Four).Loadgen!.ToString());
        Assert.Equal("2-3", Isolation.Resolve(null, "0-1", false, Four).Api!.ToString());
        Assert.True(Isolation.Resolve("0,2", "1", false, Four).Explicit);
    }

    [Theory]
    [InlineData("off", null)]
    [InlineData(null, "OFF")]
    [InlineData("off", "0")]
    public void Off_turns_it_off(string? api, string? loadgen)
    {
        Assert.False(Isolation.Resolve(api, loadgen, false, Two).Enabled);
    }

    [Theory]
    [InlineData("7", null, "not online")]
    [InlineData("0", "0", "overlap")]
    [InlineData("0-1", null, "no CPU")]
    [InlineData("1-0", null, "not a CPU")]
    [InlineData("one", null, "not a CPU")]
    public void Impossible_sets_are_usage_errors(string? api, string? loadgen, string why)
    {
        var e = Assert.Throws<UsageException>(() => Isolation.Resolve(api, loadgen, false, Two));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_sets_in_target_mode_are_a_usage_error()
    {
        Assert.Throws<UsageException>(() => Isolation.Resolve("1", null, target: true, Two));
    }
}
