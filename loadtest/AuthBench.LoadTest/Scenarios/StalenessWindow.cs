using AuthBench.Contracts.Results;

namespace AuthBench.LoadTest.Scenarios;

/// <summary>
/// The bookkeeping of a staleness window, apart from the HTTP calls (so that a fake clock tests it): per changed user,
/// the probes sent after the API answered the plan change, and the first that showed the new plan. Thread-safe.
/// </summary>
public sealed class StalenessWindow(IReadOnlyList<int> users, TimeSpan probeInterval, long ticksPerSecond)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, UserState> _users = users.ToDictionary(u => u, _ => new UserState());

    /// <summary>The plan change of <paramref name="user"/> to <paramref name="newPlan"/> was sent at <paramref name="sentTicks"/> and answered at <paramref name="answeredTicks"/>.</summary>
    public void MarkChanged(int user, string newPlan, long sentTicks, long answeredTicks, bool acknowledged)
    {
        lock (_gate)
        {
            var state = _users[user];
            state.NewPlan = newPlan;
            state.CallTicks = answeredTicks - sentTicks;
            state.Acknowledged = acknowledged;
            state.ChangedAt = answeredTicks;
        }
    }

    /// <summary>Whether probing <paramref name="user"/> is still needed: changed, and the new plan not yet seen.</summary>
    public bool Waiting(int user)
    {
        lock (_gate)
        {
            var state = _users[user];
            return state.ChangedAt is not null && state.FirstNew is null;
        }
    }

    /// <summary>A probe of <paramref name="user"/> sent at <paramref name="sendTicks"/> ended with <paramref name="status"/> (0: no answer), showing <paramref name="plan"/> (null: no plan in the body).</summary>
    public void ObserveProbe(int user, long sendTicks, int status, string? plan)
    {
        lock (_gate)
        {
            var state = _users[user];
            if (state.ChangedAt is not { } changed || sendTicks <= changed)
            {
                return;
            }
            state.Probes++;
            state.LastProbe = Math.Max(state.LastProbe ?? long.MinValue, sendTicks);
            if (status is < 200 or >= 300 || plan is null)
            {
                state.Errors++;
            }
            else if (plan == state.NewPlan)
            {
                state.FirstNew = Math.Min(state.FirstNew ?? long.MaxValue, sendTicks);
            }
            else
            {
                state.LastOld = Math.Max(state.LastOld ?? long.MinValue, sendTicks);
            }
        }
    }

    public StalenessResult Result(double? lifetimeS)
    {
        lock (_gate)
        {
            var states = _users.Values.ToList();
            double Ms(long ticks) => Math.Round(ticks * 1000.0 / ticksPerSecond, 1);
            double? visible = states.Count > 0 && states.All(s => s.FirstNew is not null && s.ChangedAt is not null)
                ? states.Max(s => Ms(s.FirstNew!.Value - s.ChangedAt!.Value))
                : null;
            var stale = states.Where(s => s.LastOld is not null && s.ChangedAt is not null).Select(s => Ms(s.LastOld!.Value - s.ChangedAt!.Value)).ToList();
            var observed = states.Where(s => s.ChangedAt is not null && (s.FirstNew ?? s.LastProbe) is not null)
                .Select(s => Ms((s.FirstNew ?? s.LastProbe)!.Value - s.ChangedAt!.Value)).ToList();
            var calls = states.Where(s => s.CallTicks is not null).Select(s => Ms(s.CallTicks!.Value)).ToList();
            return new StalenessResult(states.Count, states.Count(s => s.Acknowledged), calls.Count > 0 ? calls.Max() : null,
                probeInterval.TotalMilliseconds, states.Sum(s => s.Probes), states.Sum(s => s.Errors), states.Count(s => s.FirstNew is not null),
                visible, stale.Count > 0 ? stale.Max() : null,
                visible is { } v && lifetimeS is > 0 ? Math.Round(v / (lifetimeS.Value * 1000), 4) : null,
                observed.Count > 0 ? observed.Max() : null);
        }
    }

    private sealed class UserState
    {
        public string? NewPlan;
        public long? ChangedAt;
        public long? CallTicks;
        public bool Acknowledged;
        public long Probes;
        public long Errors;
        public long? FirstNew;
        public long? LastOld;
        public long? LastProbe;
    }
}
