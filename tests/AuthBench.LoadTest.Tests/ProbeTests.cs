using AuthBench.Common;
using AuthBench.LoadTest.Probes;
using AuthBench.Store;

namespace AuthBench.LoadTest.Tests;

public class ProbeTests
{
    private static StoreStats Stats(string info) => RedisInfo.ToStats(RedisInfo.Parse(info));

    [Fact]
    public void Store_cost_per_request_comes_from_the_INFO_delta_without_housekeeping()
    {
        var before = Stats("""
            # Stats
            total_commands_processed:100
            total_net_input_bytes:1000
            total_net_output_bytes:5000
            keyspace_hits:10
            # CPU
            used_cpu_sys:1.000000
            used_cpu_user:2.000000
            # Commandstats
            cmdstat_get:calls=40,usec=200,usec_per_call=5.00,rejected_calls=0,failed_calls=0
            cmdstat_info:calls=5,usec=500,usec_per_call=100.00,rejected_calls=0,failed_calls=0
            """);
        var after = Stats("""
            # Stats
            total_commands_processed:1302
            total_net_input_bytes:61000
            total_net_output_bytes:105000
            keyspace_hits:1010
            # CPU
            used_cpu_sys:1.010000
            used_cpu_user:2.040000
            # Commandstats
            cmdstat_get:calls=1040,usec=4200,usec_per_call=4.04,rejected_calls=0,failed_calls=0
            cmdstat_expire:calls=100,usec=100,usec_per_call=1.00,rejected_calls=0,failed_calls=0
            cmdstat_info:calls=6,usec=600,usec_per_call=100.00,rejected_calls=0,failed_calls=0
            cmdstat_ping:calls=1,usec=1,usec_per_call=1.00,rejected_calls=0,failed_calls=0
            """);

        var cost = StoreProbe.Cost(before, after, requests: 1000, infoReplyBytes: 10_000);

        Assert.Equal(1.1, cost.CommandsPerRequest, 6);          // 1000 GET + 100 EXPIRE; INFO and PING left out
        Assert.Equal(4.1, cost.UsecPerRequest, 6);              // (4000 + 100) µs
        Assert.Equal(50, cost.CpuUsPerRequest, 6);              // 0.05 s of CPU over 1000 requests
        Assert.Equal(150, cost.BytesPerRequest, 6);             // 60 000 in + 100 000 out - 10 000 of our INFO reply
        Assert.Equal(1.0, cost.Commands["get"], 6);
        Assert.False(cost.Commands.ContainsKey("info"));
    }

    [Fact]
    public void Pub_sub_traffic_is_counted_as_the_arms_work_and_only_subscribing_is_housekeeping()
    {
        // A near-cached arm: 100 lookups that missed (GETEX), 40 PUBLISHes (invalidations and heartbeats), the
        // subscription re-made once after a reconnect; the pushed messages show up only as network bytes.
        var before = Stats("""
            total_net_input_bytes:1000
            total_net_output_bytes:1000
            cmdstat_getex:calls=0,usec=0
            cmdstat_publish:calls=10,usec=20
            cmdstat_subscribe:calls=2,usec=4
            """);
        var after = Stats("""
            total_net_input_bytes:21000
            total_net_output_bytes:31000
            cmdstat_getex:calls=100,usec=300
            cmdstat_publish:calls=50,usec=220
            cmdstat_spublish:calls=10,usec=20
            cmdstat_subscribe:calls=3,usec=6
            cmdstat_ping:calls=4,usec=4
            """);

        var cost = StoreProbe.Cost(before, after, requests: 1000);

        Assert.Equal(0.15, cost.CommandsPerRequest, 6);        // 100 GETEX + 40 PUBLISH + 10 SPUBLISH
        Assert.Equal(0.52, cost.UsecPerRequest, 6);            // 300 + 200 + 20 µs
        Assert.Equal(0.04, cost.Commands["publish"], 6);
        Assert.Equal(0.01, cost.Commands["spublish"], 6);
        Assert.False(cost.Commands.ContainsKey("subscribe"));
        Assert.Equal(50, cost.BytesPerRequest, 6);             // the subscribers' pushed messages included
    }

    [Fact]
    public void A_run_without_store_work_shows_no_commands()
    {
        var same = Stats("total_commands_processed:5\ncmdstat_info:calls=5,usec=50\n");
        var later = Stats("total_commands_processed:6\ncmdstat_info:calls=6,usec=60\n");

        var cost = StoreProbe.Cost(same, later, requests: 500);

        Assert.Equal(0, cost.CommandsPerRequest);
        Assert.Empty(cost.Commands);
    }

    [Fact]
    public void Process_cpu_is_read_from_stat_even_when_the_name_has_spaces()
    {
        // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        var stat = "4242 (dotnet (worker) 1) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 100 1000 200";
        Assert.Equal((TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(0.5)), ProcStat.ParseStatCpu(stat));
    }

    [Fact]
    public void Peak_rss_is_read_from_status()
    {
        var status = "Name:\tdotnet\nVmPeak:\t  300000 kB\nVmHWM:\t  102400 kB\nVmRSS:\t   51200 kB\n";
        Assert.Equal(102400, ProcStat.ParseStatusKb(status, "VmHWM:"));
        Assert.Equal(51200, ProcStat.ParseStatusKb(status, "VmRSS:"));
        Assert.Null(ProcStat.ParseStatusKb(status, "VmSwap:"));
    }

    [Fact]
    public void Own_process_can_be_probed()
    {
        var probe = new ProcessProbe(Environment.ProcessId);
        Assert.NotNull(probe.ReadCpu());
        Assert.True(probe.ReadPeakRssMb() > 0);
    }
}
