namespace AuthBench.Store.Tests;

public class RedisInfoTests
{
    private static string Captured(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));

    [Fact]
    public void Redis_info_all_is_parsed_into_fields_and_stats()
    {
        var fields = RedisInfo.Parse(Captured("redis-7.0.15-info-all.txt"));
        var stats = RedisInfo.ToStats(fields);

        Assert.Equal("7.0.15", fields["redis_version"]);
        Assert.Equal("standalone", fields["redis_mode"]);
        Assert.Equal(9, stats.TotalCommands);
        Assert.Equal(238, stats.NetInputBytes);
        Assert.Equal(46, stats.NetOutputBytes);
        Assert.Equal(1, stats.KeyspaceHits);
        Assert.Equal(1, stats.KeyspaceMisses);
        Assert.Equal(0.009191, stats.UsedCpuUser, 6);
        Assert.Equal(0.0, stats.UsedCpuSys, 6);
        Assert.Equal((2L, 3L), stats.CommandStats["get"]);
        Assert.Equal((1L, 6L), stats.CommandStats["set"]);
        Assert.Equal((5L, 17L), stats.CommandStats["auth"]);
        Assert.Equal(3 + 4 + 6 + 17, stats.CommandUsec);
    }

    [Fact]
    public void Garnet_info_uses_found_and_notfound_for_hits_and_misses()
    {
        var fields = RedisInfo.Parse(Captured("garnet-2.2.8-info-all.txt"));
        var stats = RedisInfo.ToStats(fields);

        Assert.Equal("2.2.8", fields["garnet_version"]);
        Assert.Equal(long.Parse(fields["total_commands_processed"], System.Globalization.CultureInfo.InvariantCulture), stats.TotalCommands);
        Assert.Equal(long.Parse(fields["total_found"], System.Globalization.CultureInfo.InvariantCulture), stats.KeyspaceHits);
    }

    [Fact]
    public void Section_headers_blank_lines_and_crlf_are_ignored()
    {
        var fields = RedisInfo.Parse("# Server\r\nredis_version:7.2.4\r\n\r\n# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=0\r\nnot a field\r\n");

        Assert.Equal(2, fields.Count);
        Assert.Equal("keys=3,expires=1,avg_ttl=0", fields["db0"]);
    }

    [Fact]
    public void Minus_gives_the_work_done_between_two_snapshots()
    {
        var earlier = RedisInfo.ToStats(RedisInfo.Parse(
            "total_commands_processed:10\r\nused_cpu_user:1.5\r\nused_cpu_sys:0.5\r\ntotal_net_input_bytes:100\r\ntotal_net_output_bytes:50\r\nkeyspace_hits:4\r\nkeyspace_misses:1\r\ncmdstat_get:calls=4,usec=40,usec_per_call=10.00\r\n"));
        var later = RedisInfo.ToStats(RedisInfo.Parse(
            "total_commands_processed:25\r\nused_cpu_user:2.0\r\nused_cpu_sys:0.75\r\ntotal_net_input_bytes:400\r\ntotal_net_output_bytes:150\r\nkeyspace_hits:14\r\nkeyspace_misses:2\r\ncmdstat_get:calls=14,usec=140,usec_per_call=10.00\r\ncmdstat_expire:calls=5,usec=25,usec_per_call=5.00\r\n"));

        var delta = later.Minus(earlier);

        Assert.Equal(15, delta.TotalCommands);
        Assert.Equal(0.5, delta.UsedCpuUser, 9);
        Assert.Equal(0.25, delta.UsedCpuSys, 9);
        Assert.Equal(300, delta.NetInputBytes);
        Assert.Equal(100, delta.NetOutputBytes);
        Assert.Equal(10, delta.KeyspaceHits);
        Assert.Equal(1, delta.KeyspaceMisses);
        Assert.Equal((10L, 100L), delta.CommandStats["get"]);
        Assert.Equal((5L, 25L), delta.CommandStats["expire"]);
        Assert.Equal(125, delta.CommandUsec);
    }
}
