using System.Diagnostics;

namespace AuthBench.Common.Tests;

public class CpuSetTests
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData("0-1", "0-1")]
    [InlineData("0,2", "0,2")]
    [InlineData(" 3, 0-1 ,2", "0-3")]
    [InlineData("0-1,1", "0-1")]
    [InlineData("0-2,5,7-8\n", "0-2,5,7-8")]
    public void Parses_the_kernel_list_format_and_prints_it_canonically(string text, string canonical)
    {
        Assert.Equal(canonical, CpuSet.Parse(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("1-")]
    [InlineData("2-1")]
    [InlineData("-1")]
    [InlineData("0,,1")]
    [InlineData("1024")]
    [InlineData("none")]
    public void Refuses_anything_else(string text)
    {
        Assert.False(CpuSet.TryParse(text, out _, out var why));
        Assert.NotEmpty(why);
        Assert.Throws<FormatException>(() => CpuSet.Parse(text));
    }

    [Fact]
    public void Set_operations()
    {
        var online = CpuSet.Parse("0-3");
        var api = CpuSet.Parse("3");

        Assert.Equal("0-2", online.Except(api).ToString());
        Assert.True(api.IsSubsetOf(online));
        Assert.False(CpuSet.Parse("4").IsSubsetOf(online));
        Assert.True(online.Overlaps(api));
        Assert.False(CpuSet.Parse("0-2").Overlaps(api));
        Assert.Equal(online, CpuSet.Parse("0-2").Union(api));
    }

    [Fact]
    public void The_online_cpus_are_readable_on_linux()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var online = CpuSet.ReadOnline();

        Assert.NotNull(online);
        Assert.False(online.IsEmpty);
    }
}

public class ProcStatCpuTests
{
    private const string Before = """
        cpu  426397 0 47027 191682 820 0 997 1277 0 0
        cpu0 208856 0 22985 100963 161 0 420 643 0 0
        cpu1 217540 0 24042 90719 659 0 576 634 0 0
        intr 1 2 3
        ctxt 5
        """;

    private const string After = """
        cpu  426597 0 47127 191882 820 0 997 1277 0 0
        cpu0 208886 5 22995 101003 161 1 424 653 7 0
        cpu1 217710 0 24112 90719 659 0 576 634 0 0
        intr 1 2 3
        """;

    [Fact]
    public void Reads_the_per_cpu_lines_only()
    {
        var cpus = ProcStat.ParseCpuLines(Before);

        Assert.Equal([0, 1], cpus.Keys);
        Assert.Equal(new CpuTimes(208856, 0, 22985, 100963, 161, 0, 420, 643), cpus[0]);
    }

    [Fact]
    public void Busy_is_everything_but_idle_and_iowait_and_steal_is_its_own_share()
    {
        var before = ProcStat.ParseCpuLines(Before);
        var after = ProcStat.ParseCpuLines(After);

        // cpu0: user 30 + nice 5 + system 10 + irq 1 + softirq 4 + steal 10 = 60 busy, idle 40: total 100 (guest 7 is inside user).
        var cpu0 = after[0] - before[0];
        Assert.Equal(60, cpu0.Busy);
        Assert.Equal(100, cpu0.Total);
        Assert.Equal(0.6, cpu0.BusyFraction);
        Assert.Equal(0.1, cpu0.StealFraction);
        // cpu1 was never idle over the interval.
        Assert.Equal(1.0, (after[1] - before[1]).BusyFraction);
        Assert.Null((before[1] - before[1]).BusyFraction);
    }

    [Fact]
    public void A_kernel_with_fewer_columns_reads_the_missing_ones_as_zero()
    {
        var cpus = ProcStat.ParseCpuLines("cpu0 1 2 3 4\n");

        Assert.Equal(new CpuTimes(1, 2, 3, 4, 0, 0, 0, 0), cpus[0]);
    }

    [Fact]
    public void Reads_status_fields_and_the_state_letter()
    {
        const string status = "Name:\tdotnet\nState:\tT (stopped)\nCpus_allowed:\t2\nCpus_allowed_list:\t1\n";

        Assert.Equal("1", ProcStat.ParseStatusField(status, "Cpus_allowed_list"));
        Assert.Equal("2", ProcStat.ParseStatusField(status, "Cpus_allowed"));
        Assert.Null(ProcStat.ParseStatusField(status, "Cpus"));
        Assert.Equal('T', ProcStat.ParseStatState("1234 (my proc) T 1 2 3"));
        Assert.Equal('S', ProcStat.ParseStatState("1234 (a) b) S 1 2 3"));
    }
}

public class CpuAffinityTests
{
    [Fact]
    public void Pins_every_thread_of_a_child_process_and_reads_it_back()
    {
        if (!OperatingSystem.IsLinux() || CpuSet.ReadOnline() is not { } online)
        {
            return;
        }
        var one = CpuSet.Of(online.Cpus[^1]);
        using var child = Process.Start(new ProcessStartInfo("sleep", "10") { UseShellExecute = false })!;
        try
        {
            Assert.Null(CpuAffinity.PinProcess(child.Id, one));

            var readBack = ProcStat.ReadCpusAllowed(child.Id);
            Assert.NotEmpty(readBack);
            Assert.All(readBack.Values, list => Assert.Equal(one.ToString(), list));
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    [Fact]
    public void Stop_and_continue_show_in_the_process_state()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var child = Process.Start(new ProcessStartInfo("sleep", "10") { UseShellExecute = false })!;
        try
        {
            Assert.True(Signals.Send(child.Id, Signals.SigStop));
            Assert.True(WaitForState(child.Id, 'T'));
            Assert.True(Signals.Send(child.Id, Signals.SigCont));
            Assert.True(WaitForState(child.Id, 'S'));
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    [Fact]
    public void A_process_that_does_not_exist_is_a_reason_not_an_exception()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        Assert.NotNull(CpuAffinity.PinProcess(int.MaxValue, CpuSet.Parse("0")));
    }

    private static bool WaitForState(int pid, char state)
    {
        for (var i = 0; i < 100; i++)
        {
            if (ProcStat.ReadState(pid) == state)
            {
                return true;
            }
            Thread.Sleep(20);
        }
        return false;
    }
}
