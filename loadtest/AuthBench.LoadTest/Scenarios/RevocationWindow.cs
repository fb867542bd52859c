using AuthBench.Contracts.Results;

namespace AuthBench.LoadTest.Scenarios;

/// <summary>
/// The bookkeeping of a revocation window, apart from the HTTP calls (so that a fake clock tests it): per revoked user,
/// which of its requests count (sent after the API answered its revocation), how they ended, and the delays.
/// Thread-safe: the engine reports from many threads.
/// </summary>
public sealed class RevocationWindow
{
    public const string LogoutMethod = "logout";
    public const string AdminMethod = "admin";

    private readonly Lock _gate = new();
    private readonly long _ticksPerSecond;
    private readonly Dictionary<int, UserState> _users = [];
    private readonly (string Method, int[] Users)[] _methods;

    /// <param name="logoutUsers">Pool indices of the users revoked by their own logout.</param>
    /// <param name="adminUsers">Pool indices of the users revoked by the admin endpoint.</param>
    public RevocationWindow(IReadOnlyList<int> logoutUsers, IReadOnlyList<int> adminUsers, long ticksPerSecond)
    {
        _ticksPerSecond = ticksPerSecond;
        _methods = [(LogoutMethod, [.. logoutUsers]), (AdminMethod, [.. adminUsers])];
        foreach (var user in logoutUsers.Concat(adminUsers))
        {
            _users.Add(user, new UserState());
        }
    }

    public bool Tracks(int user) => _users.ContainsKey(user);

    /// <summary>The revocation of <paramref name="user"/> was sent at <paramref name="sentTicks"/> and answered at <paramref name="answeredTicks"/> (<paramref name="acknowledged"/>: with a 2xx).</summary>
    public void MarkRevoked(int user, long sentTicks, long answeredTicks, bool acknowledged)
    {
        lock (_gate)
        {
            var state = _users[user];
            state.CallTicks = answeredTicks - sentTicks;
            state.Acknowledged = acknowledged;
            state.RevokedAt = answeredTicks;
        }
    }

    /// <summary>One request of <paramref name="user"/> ended; only those sent after its revocation was answered count.</summary>
    public void Observe(int user, long sendTicks, int status, bool transportError)
    {
        if (!_users.TryGetValue(user, out var state))
        {
            return;
        }
        lock (_gate)
        {
            if (state.RevokedAt is not { } revoked || sendTicks <= revoked)
            {
                return;
            }
            state.SentAfter++;
            var accepted = !transportError && status is >= 200 and < 300;
            if (accepted)
            {
                state.Accepted++;
                state.LastAccepted = Math.Max(state.LastAccepted ?? long.MinValue, sendTicks);
            }
            else if (!transportError && status is 401 or 403)
            {
                state.Rejected++;
                state.FirstRejected = Math.Min(state.FirstRejected ?? long.MaxValue, sendTicks);
            }
            else
            {
                state.Other++;
            }
            // Responses arrive out of order across connections: the last one by send time decides.
            if (sendTicks >= state.LastSend)
            {
                state.LastSend = sendTicks;
                state.LastWasAccepted = accepted;
            }
        }
    }

    /// <summary>Per method, logout then admin; delays also in units of <paramref name="lifetimeS"/> when given.</summary>
    public IReadOnlyList<RevocationMethodResult> Result(double? lifetimeS)
    {
        lock (_gate)
        {
            return [.. _methods.Select(m => Summarise(m.Method, m.Users, lifetimeS))];
        }
    }

    private RevocationMethodResult Summarise(string method, int[] users, double? lifetimeS)
    {
        var states = users.Select(u => _users[u]).ToList();
        double Ms(long ticks) => Math.Round(ticks * 1000.0 / _ticksPerSecond, 1);
        double? Lifetimes(double? ms) => ms is { } v && lifetimeS is > 0 ? Math.Round(v / (lifetimeS.Value * 1000), 4) : null;
        var accepted = states.Where(s => s.LastAccepted is not null && s.RevokedAt is not null).Select(s => Ms(s.LastAccepted!.Value - s.RevokedAt!.Value)).ToList();
        var longest = accepted.Count > 0 ? accepted.Max() : (double?)null;
        double? firstRejection = states.Count > 0 && states.All(s => s.FirstRejected is not null && s.RevokedAt is not null)
            ? states.Max(s => Ms(s.FirstRejected!.Value - s.RevokedAt!.Value))
            : null;
        var calls = states.Where(s => s.CallTicks is not null).Select(s => Ms(s.CallTicks!.Value)).ToList();
        return new RevocationMethodResult(method, states.Count, states.Count(s => s.Acknowledged), calls.Count > 0 ? calls.Max() : null,
            states.Sum(s => s.SentAfter), states.Sum(s => s.Accepted), states.Sum(s => s.Rejected), states.Sum(s => s.Other),
            longest, firstRejection, states.Count(s => s.SentAfter > 0 && s.LastWasAccepted), Lifetimes(longest), Lifetimes(firstRejection));
    }

    private sealed class UserState
    {
        public long? RevokedAt;
        public long? CallTicks;
        public bool Acknowledged;
        public long SentAfter;
        public long Accepted;
        public long Rejected;
        public long Other;
        public long? LastAccepted;
        public long? FirstRejected;
        public long LastSend = long.MinValue;
        public bool LastWasAccepted;
    }
}
