using System.Diagnostics;
using AuthBench.Common;
using AuthBench.LoadTest.Orchestration;
using AuthBench.LoadTest.Plan;
using AuthBench.Store;

namespace AuthBench.LoadTest.Tests;

public class CpuPinningTests
{
    [Fact]
    public void A_child_started_under_the_api_set_has_it_from_exec_and_the_calling_thread_gets_its_own_back()
    {
        if (!OperatingSystem.IsLinux() || CpuSet.ReadOnline() is not { Count: >= 2 } online)
        {
            return;
        }
        var isolation = Isolation.Resolve(null, null, target: false, online);
        var pinning = new CpuPinning(isolation, new Progress(TextWriter.Null));
        var before = CpuAffinity.CurrentThread();

        using var child = pinning.StartUnderApiSet(() => Process.Start(new ProcessStartInfo("sleep", "10") { UseShellExecute = false })!);
        try
        {
            // Read before any pinning: what the child inherited at fork.
            Assert.All(ProcStat.ReadCpusAllowed(child.Id).Values, list => Assert.Equal(isolation.Api!.ToString(), list));
            Assert.Equal(before, CpuAffinity.CurrentThread());

            pinning.PinApi("sleep", child.Id);
            var recorded = Assert.Single(pinning.Info.Processes);
            Assert.True(recorded.Pinned);
            Assert.Equal([isolation.Api!.ToString()], recorded.CpusAllowedList);
            Assert.Equal(0, recorded.ServerGcThreads);
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    [Fact]
    public void A_store_without_a_local_process_is_recorded_as_not_pinned_with_the_reason()
    {
        if (!OperatingSystem.IsLinux() || CpuSet.ReadOnline() is not { Count: >= 2 } online)
        {
            return;
        }
        var pinning = new CpuPinning(Isolation.Resolve(null, null, false, online), new Progress(TextWriter.Null));
        var store = new ExternalStore();

        pinning.PinStore(store, "start");

        var recorded = Assert.Single(pinning.Info.Processes);
        Assert.False(recorded.Pinned);
        Assert.Null(recorded.Pid);
        Assert.Contains("not pinned", recorded.Note, StringComparison.Ordinal);
    }
}

/// <summary>A store that is not ours (no local process), as docker and external stores are.</summary>
internal sealed class ExternalStore : IProvisionedStore
{
    public StoreKind Kind => StoreKind.External;
    public string Version => "redis 7";
    public string Topology => "standalone";
    public string Endpoint => "127.0.0.1:1";
    public string ConnectionString => "127.0.0.1:1";
    public int? ProcessId => null;
    public bool CanRestart => false;
    public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
