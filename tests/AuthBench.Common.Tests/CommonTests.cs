using System.Diagnostics;

namespace AuthBench.Common.Tests;

public class DurationsTests
{
    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData(" 15M ", 900)]
    [InlineData("2h", 7200)]
    [InlineData("90", 90)]
    [InlineData("1.5s", 1.5)]
    [InlineData("0", 0)]
    public void Accepts_the_documented_forms(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("10d")]
    [InlineData("NaN")]
    [InlineData("1e9h")]
    [InlineData("8d")]
    public void Refuses_anything_else(string? text)
    {
        Assert.False(Durations.TryParse(text, out _));
        var e = Assert.Throws<FormatException>(() => Durations.Parse(text, "--duration"));
        Assert.StartsWith("--duration '", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30, "30s")]
    [InlineData(1.5, "1500ms")]
    [InlineData(0.25, "250ms")]
    public void Format_reads_back(double seconds, string text)
    {
        var d = TimeSpan.FromSeconds(seconds);
        Assert.Equal(text, Durations.Format(d));
        Assert.Equal(d, Durations.Parse(Durations.Format(d), "x"));
    }
}

public class StatisticsTests
{
    [Fact]
    public void Median_of_odd_and_even_counts_ignoring_NaN()
    {
        Assert.Equal(2, Statistics.Median([3, 1, 2]));
        Assert.Equal(2.5, Statistics.Median([4, 1, double.NaN, 3, 2]));
        Assert.True(double.IsNaN(Statistics.Median([])));
        Assert.True(double.IsNaN(Statistics.Median([double.NaN])));
    }
}

public class ProcStatTests
{
    [Fact]
    public void Cpu_fields_follow_the_last_parenthesis_even_when_the_name_holds_spaces_and_parentheses()
    {
        // Fields 14 and 15 (utime, stime) are 250 and 50 ticks of 1/100 s.
        const string stat = "4242 (dotnet (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 30 0 100 200 300";

        var cpu = ProcStat.ParseStatCpu(stat);

        Assert.Equal(TimeSpan.FromSeconds(2.5), cpu!.Value.User);
        Assert.Equal(TimeSpan.FromSeconds(0.5), cpu.Value.System);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 (x) S 1 2")]
    [InlineData("4242 x S 1 2 3 4 5 6 7 8 9 10 11 12 13 14")]
    public void A_truncated_stat_line_is_no_reading(string stat) => Assert.Null(ProcStat.ParseStatCpu(stat));

    [Fact]
    public void The_own_process_can_be_read()
    {
        var cpu = ProcStat.ReadCpu(Environment.ProcessId);
        Assert.NotNull(cpu);
        Assert.True(cpu.Value.User + cpu.Value.System > TimeSpan.Zero);
        Assert.Null(ProcStat.ReadCpu(int.MaxValue));
    }

    [Fact]
    public void Status_fields_are_read_in_kB() =>
        Assert.Equal(123456, ProcStat.ParseStatusKb("Name:\tdotnet\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n", "VmHWM:"));
}

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("authbench-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Replaces_the_file_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_dir, "sub", "results.json");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second ü");

        Assert.Equal("second ü", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
        Assert.NotEqual(0xEF, File.ReadAllBytes(path)[0]); // no byte-order mark
    }

    [Fact]
    public void A_writer_that_fails_keeps_the_old_content_and_no_temporary_file()
    {
        var path = Path.Combine(_dir, "chart.png");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, temp =>
        {
            File.WriteAllText(temp, "half");
            throw new InvalidOperationException("the chart library failed");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }
}

public sealed class GitProvenanceTests : IDisposable
{
    private readonly string _repo = Directory.CreateTempSubdirectory("authbench-git-").FullName;

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    [Fact]
    public void Dirty_means_a_change_outside_results_tracked_or_not()
    {
        Assert.True(Git("init", "-q"), "git is needed to build and test AuthBench from its repository");
        Git("config", "user.email", "t@example.invalid");
        Git("config", "user.name", "t");
        Directory.CreateDirectory(Path.Combine(_repo, "results"));
        File.WriteAllText(Path.Combine(_repo, "a.cs"), "class A {}");
        File.WriteAllText(Path.Combine(_repo, "results", "run.json"), "{}");
        Git("add", "-A");
        Git("commit", "-qm", "first");

        var clean = GitProvenance.Read(_repo)!;
        Assert.False(clean.Dirty);
        Assert.Matches("^[0-9a-f]{40}$", clean.ToString());

        // What a run writes does not count ...
        File.WriteAllText(Path.Combine(_repo, "results", "run.json"), "{\"new\":1}");
        File.WriteAllText(Path.Combine(_repo, "results", "new.md"), "x");
        Assert.False(GitProvenance.Read(_repo)!.Dirty);

        // ... an untracked source file does (the build compiles it), and so does a tracked change.
        File.WriteAllText(Path.Combine(_repo, "b.cs"), "class B {}");
        Assert.True(GitProvenance.Read(_repo)!.Dirty);
        File.Delete(Path.Combine(_repo, "b.cs"));
        File.WriteAllText(Path.Combine(_repo, "a.cs"), "class A { }");
        var dirty = GitProvenance.Read(_repo)!;
        Assert.True(dirty.Dirty);
        Assert.Equal(clean.Commit + "-dirty", dirty.ToString());
    }

    [Fact]
    public void Outside_a_repository_there_is_no_provenance() => Assert.Null(GitProvenance.Read(_repo));

    private bool Git(params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo("git") { WorkingDirectory = _repo, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }
            using var p = Process.Start(info)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

public class LocalPortsTests
{
    [Fact]
    public void A_free_port_can_be_bound_on_loopback()
    {
        var port = LocalPorts.FindFree();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start();
        Assert.InRange(port, 1024, 65535);
    }
}
