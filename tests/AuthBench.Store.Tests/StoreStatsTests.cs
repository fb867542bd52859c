namespace AuthBench.Store.Tests;

public class StoreStatsTests
{
    [Fact]
    public void Plus_sums_two_servers_counters_and_commands_by_name()
    {
        var a = new StoreStats(10, 100, 1.5, 2.5, 1000, 2000, 7, 1, new Dictionary<string, (long, long)> { ["get"] = (5, 50), ["set"] = (1, 10) });
        var b = new StoreStats(20, 200, 0.5, 0.5, 10, 20, 3, 2, new Dictionary<string, (long, long)> { ["get"] = (2, 20), ["del"] = (4, 40) });

        var sum = a.Plus(b);

        Assert.Equal(new StoreStats(30, 300, 2.0, 3.0, 1010, 2020, 10, 3, sum.CommandStats), sum);
        Assert.Equal((7L, 70L), sum.CommandStats["get"]);
        Assert.Equal((1L, 10L), sum.CommandStats["set"]);
        Assert.Equal((4L, 40L), sum.CommandStats["del"]);
    }
}
