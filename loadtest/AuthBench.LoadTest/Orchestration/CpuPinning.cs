using AuthBench.Common;
using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Plan;
using AuthBench.Store;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>
/// Applies the run's <see cref="Plan.Isolation"/>: pins the load tool, each API and the store (again after a restart)
/// with <see cref="CpuAffinity"/>, reads every thread's Cpus_allowed_list back, and records it all in
/// <see cref="Info"/> (results.json environment.isolation).
/// </summary>
public sealed class CpuPinning
{
    public const string RoleApi = "api";
    public const string RoleLoadgen = "loadgen";
    public const string RoleStore = "store";
    public const string RoleBalancer = "balancer";

    private readonly Isolation _isolation;
    private readonly Progress _progress;
    private readonly Lock _gate = new();

    public CpuPinning(Isolation isolation, Progress progress)
    {
        _isolation = isolation;
        _progress = progress;
        Info = new IsolationInfo
        {
            Enabled = isolation.Enabled,
            Explicit = isolation.Explicit,
            Note = isolation.Note,
            Method = isolation.Enabled
                ? "sched_setaffinity(2) on every thread of /proc/<pid>/task; each API is also started from a thread pinned to the API set, "
                    + "so that its runtime sizes itself (processor count, GC heaps, thread pool) for that set; read back from /proc/<pid>/task/*/status"
                : null,
            OnlineCpus = CpuSet.ReadOnline()?.ToString(),
            ApiCpus = isolation.Api?.ToString(),
            LoadgenCpus = isolation.Loadgen?.ToString(),
            StoreCpus = isolation.Loadgen?.ToString(),
        };
    }

    public IsolationInfo Info { get; }

    public CpuSet? ApiCpus => _isolation.Api;

    public CpuSet? LoadgenCpus => _isolation.Loadgen;

    /// <summary>The load tool itself, at start: every thread it has so far (the ones it creates later inherit).</summary>
    public void PinSelf() => Pin(RoleLoadgen, "AuthBench.LoadTest", Environment.ProcessId, _isolation.Loadgen);

    /// <summary>What the runtime names a server GC thread (one per heap); none under workstation GC.</summary>
    public const string ServerGcThreadName = ".NET Server GC";

    public void PinApi(string label, int pid)
    {
        Pin(RoleApi, label, pid, _isolation.Api);
        if (!_isolation.Enabled)
        {
            return;
        }
        var gcThreads = ProcStat.ReadThreadNames(pid).Count(n => n == ServerGcThreadName);
        lock (_gate)
        {
            var at = Info.Processes.FindLastIndex(p => p.Role == RoleApi && p.Pid == pid);
            Info.Processes[at] = Info.Processes[at] with { ServerGcThreads = gcThreads };
            var apis = Info.Processes.Where(p => p.Role == RoleApi).Select(p => p.ServerGcThreads ?? 0).Distinct().Order().ToList();
            Info.ApiGcEffective = string.Join("; ", apis.Select(n => n == 0
                ? $"workstation (no '{ServerGcThreadName}' thread: the runtime, started on CPU {_isolation.Api}, sized itself for {_isolation.Api!.Count} CPU(s))"
                : $"server, {n} heap(s) ('{ServerGcThreadName}' threads)"));
        }
    }

    /// <summary>The store, when it is a local process; <paramref name="when"/> says which start this is.</summary>
    public void PinStore(IProvisionedStore store, string when)
    {
        if (!_isolation.Enabled)
        {
            return;
        }
        var name = $"{store.Kind.ToKindName()} ({when})";
        if (store.ProcessId is not { } pid)
        {
            Record(new PinnedProcess(RoleStore, name, null, _isolation.Loadgen!.ToString(), false, [], 0,
                $"not pinned: the {store.Kind.ToKindName()} store has no local process of ours (docker or external)", DateTimeOffset.UtcNow));
            return;
        }
        if (store.Nodes.Count <= 1)
        {
            Pin(RoleStore, name, pid, _isolation.Loadgen);
            return;
        }
        // A replicated or clustered store: every node of it on the generator's set, as the one standalone process would be.
        foreach (var node in store.Nodes)
        {
            if (node.ProcessId is { } nodePid)
            {
                Pin(RoleStore, $"{name} {node.Role} {node.Endpoint}", nodePid, _isolation.Loadgen);
            }
        }
    }

    /// <summary>The load balancer of --instances: on the generator's (and store's) CPU set, never on the API's.</summary>
    public void PinBalancer(int pid) => Pin(RoleBalancer, "haproxy", pid, _isolation.Loadgen);

    /// <summary>
    /// Runs <paramref name="start"/> (which starts a child process) on a thread pinned to the API set, so that the
    /// child inherits that mask from its first instruction (fork copies the calling thread's affinity).
    /// </summary>
    public T StartUnderApiSet<T>(Func<T> start)
    {
        if (_isolation.Api is not { } api)
        {
            return start();
        }
        var before = CpuAffinity.CurrentThread();
        if (CpuAffinity.SetThread(0, api) is { } errno)
        {
            Fail($"sched_setaffinity(calling thread, {api}) failed with errno {errno}");
            return start();
        }
        try
        {
            return start();
        }
        finally
        {
            // Back to what the thread had (the generator's set once PinSelf ran): a load-tool thread must not stay on the API's CPU.
            _ = CpuAffinity.SetThread(0, before ?? _isolation.Loadgen!);
        }
    }

    private void Pin(string role, string name, int pid, CpuSet? cpus)
    {
        if (cpus is null)
        {
            return;
        }
        var error = CpuAffinity.PinProcess(pid, cpus);
        var readBack = ProcStat.ReadCpusAllowed(pid);
        var values = readBack.Values.Distinct().Order(StringComparer.Ordinal).ToList();
        var pinned = error is null && values.Count == 1 && CpuSet.TryParse(values[0], out var got, out _) && got.Equals(cpus);
        Record(new PinnedProcess(role, name, pid, cpus.ToString(), pinned, values, readBack.Count, error, DateTimeOffset.UtcNow));
        if (!pinned)
        {
            Fail($"{role} {name} (pid {pid}) is not pinned to CPU {cpus}: {error ?? $"its threads allow {string.Join(" / ", values)}"}");
        }
        else
        {
            _progress.Line($"  pinned {role} {name} (pid {pid}, {readBack.Count} threads) to CPU {cpus}");
        }
    }

    private void Record(PinnedProcess process)
    {
        lock (_gate)
        {
            Info.Processes.Add(process);
        }
    }

    /// <summary>Asked for explicitly: an error. The default: a note, and the run goes on.</summary>
    private void Fail(string message)
    {
        if (_isolation.Explicit)
        {
            throw new InvalidOperationException(message);
        }
        lock (_gate)
        {
            Info.Note = Info.Note is null ? message : Info.Note + "; " + message;
        }
        _progress.Line("  warning: " + message);
    }
}
