using System.Globalization;
using System.Net;
using System.Text;

namespace AuthBench.LoadTest.Clients;

/// <summary>
/// The virtual users of one arm: every user logged in through its <see cref="ICredentialSource"/>, and one
/// preformatted request per user, so that request i carries user (i mod N)'s credential. A credential that would
/// expire during the run is renewed in the background and its request swapped before it expires; after a store
/// outage that forgot the credentials every user logs in again.
/// </summary>
public sealed class CredentialPool : IAsyncDisposable
{
    // The loop re-checks at least this often: a wait computed before the clock moved (a fake clock in tests, a
    // suspended machine) must not oversleep a renewal. One check is a scan of the pool's expiries: microseconds.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);
    private readonly ICredentialSource _source;
    private readonly Uri _baseUri;
    private readonly string _path;
    private readonly string _label;
    private readonly int _parallelism;
    private readonly TimeProvider _time;
    private readonly Action<string>? _log;
    private readonly UserLogin[] _users;
    private readonly Credential[] _credentials;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[][] _requests;
    private readonly bool[] _held;
    private Task _renewal = Task.CompletedTask;

    private CredentialPool(ICredentialSource source, string label, Uri baseUri, string path, UserLogin[] users, int parallelism, TimeProvider time, Action<string>? log)
    {
        _source = source;
        _label = label;
        _baseUri = baseUri;
        _path = path;
        _users = users;
        _parallelism = parallelism;
        _time = time;
        _log = log;
        var nothing = new Credential(null, time.GetUtcNow(), null);
        _credentials = [.. users.Select(_ => nothing)];
        _held = new bool[users.Length];
        var anonymous = FormatRequest("GET", path, baseUri.Authority, null);
        // An arm without credentials sends one request for everyone; the others one per user, filled in by the logins.
        _requests = source.NeedsLogin ? [.. users.Select(_ => anonymous)] : [anonymous];
    }

    public ICredentialSource Source => _source;

    /// <summary>Credentials renewed so far (not counting the first logins and the logins after an outage).</summary>
    public long Renewals { get; private set; }

    /// <summary>The request the engine sends as request number <paramref name="index"/>; swapped in place when a credential is renewed.</summary>
    public ReadOnlyMemory<byte> RequestFor(long index) => Volatile.Read(ref _requests[(int)(index % _requests.Length)]);

    /// <summary>The credential header line per user, without CRLF (empty for an arm without credentials).</summary>
    public IReadOnlyList<string> Headers => _source.NeedsLogin ? [.. _credentials.Select(c => c.HeaderLine ?? "")] : [];

    /// <summary>Average credential header size in bytes, CRLF included (what the size table predicts).</summary>
    public double MeanCredentialHeaderBytes => _source.NeedsLogin && _credentials.Length > 0
        ? _credentials.Average(c => c.HeaderLine is null ? 0 : Encoding.ASCII.GetByteCount(c.HeaderLine) + 2.0)
        : 0;

    /// <summary>The earliest renewal due (held users excepted); null when no credential expires.</summary>
    public DateTimeOffset? NextRenewal => _source.NeedsLogin ? Enumerable.Range(0, _users.Length).Where(i => !Volatile.Read(ref _held[i])).Min(i => _credentials[i].RenewAt) : null;

    /// <summary>Users in the pool (one request for everyone when the arm has no credential).</summary>
    public int Count => _users.Length;

    /// <summary>The user whose credential request number <paramref name="index"/> carries; -1 for an arm without credentials (every request is everyone's).</summary>
    public int UserOf(long index) => _source.NeedsLogin && index >= 0 ? (int)(index % _requests.Length) : -1;

    /// <summary>Who user <paramref name="user"/> (0-based) is: its name is its <c>sub</c>.</summary>
    public UserLogin User(int user) => _users[user];

    /// <summary>The credential user <paramref name="user"/> holds now (swapped when it is renewed).</summary>
    public Credential CredentialOf(int user) => Volatile.Read(ref _credentials[user]);

    /// <summary>
    /// Stops renewing <paramref name="users"/>: their requests keep the credential they hold now, as a stolen
    /// credential would (the revocation window). Waits for a renewal in progress, so that none swaps a credential after this returns.
    /// </summary>
    public async Task HoldAsync(IEnumerable<int> users, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            foreach (var user in users)
            {
                Volatile.Write(ref _held[user], true);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Logs held <paramref name="users"/> in again and renews them from then on (after a revocation window, before the next trial).</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<int> users, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var client = CreateClient();
            foreach (var user in users)
            {
                Set(user, await _source.LoginAsync(client, _users[user], ct).ConfigureAwait(false));
                Volatile.Write(ref _held[user], false);
            }
        }
        finally
        {
            _gate.Release();
        }
        if (_source.NeedsLogin && _renewal.IsCompleted && !_stop.IsCancellationRequested)
        {
            StartRenewal();
        }
    }

    /// <summary>Logs users 1..<paramref name="users"/> in (bounded parallelism), builds their requests for <paramref name="path"/> and starts renewing.</summary>
    public static async Task<CredentialPool> LoginAllAsync(ICredentialSource source, string label, Uri baseUri, string path, int users, string password,
        int parallelism, TimeProvider time, Action<string>? log, CancellationToken ct)
    {
        var logins = Enumerable.Range(1, users).Select(i => new UserLogin("user" + i.ToString(CultureInfo.InvariantCulture), password)).ToArray();
        var pool = new CredentialPool(source, label, baseUri, path, logins, parallelism, time, log);
        if (source.NeedsLogin)
        {
            await pool.LogInEveryoneAsync(ct).ConfigureAwait(false);
            pool.StartRenewal();
        }
        return pool;
    }

    /// <summary>
    /// After a store restart: when the arm's credentials lived in the store (<see cref="CredentialSources.LostWithTheStore"/>),
    /// every user logs in again. Returns whether they did.
    /// </summary>
    public async Task<bool> AfterStoreOutageAsync(CancellationToken ct)
    {
        if (!_source.NeedsLogin || !CredentialSources.LostWithTheStore(_source.Arm.Lifecycle))
        {
            return false;
        }
        _log?.Invoke($"  {_label}: the store lost its credentials in the outage; logging the users in again");
        await LogInEveryoneAsync(ct).ConfigureAwait(false);
        if (_renewal.IsCompleted)
        {
            StartRenewal();
        }
        return true;
    }

    /// <summary>
    /// Stops renewing and hands every user's refresh token over (null for a user without one), for a client that
    /// rotates them itself from now on (a refresh-only run): two clients rotating one token would present a used one,
    /// and the server would end its family.
    /// </summary>
    public async Task<IReadOnlyList<string?>> HandOverRefreshTokensAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _renewal.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return [.. _credentials.Select(c => c.RefreshToken)];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Renews every credential whose renewal time has come and swaps its request; returns how many.</summary>
    public async Task<int> RenewDueAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            var due = Enumerable.Range(0, _users.Length).Where(i => !Volatile.Read(ref _held[i]) && _credentials[i].RenewAt <= now).ToArray();
            if (due.Length == 0)
            {
                return 0;
            }
            using var client = CreateClient();
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = ct }, async (i, token) =>
            {
                Set(i, await _source.RenewAsync(client, _users[i], _credentials[i], token).ConfigureAwait(false));
            }).ConfigureAwait(false);
            Renewals += due.Length;
            return due.Length;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Until disposed: sleeps until the next renewal is due, then renews. Ends when no credential expires.</summary>
    private void StartRenewal() => _renewal = Task.Run(() => RenewLoopAsync(_stop.Token), CancellationToken.None);

    private async Task RenewLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && NextRenewal is { } next)
        {
            try
            {
                var wait = next - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait < MaxWait ? wait : MaxWait, _time, ct).ConfigureAwait(false);
                }
                var renewed = await RenewDueAsync(ct).ConfigureAwait(false);
                if (renewed > 0)
                {
                    _log?.Invoke($"  {_label}: {renewed} credential(s) renewed before they expire");
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                // The old credential stays until it expires (its requests then count as 401s); try again shortly.
                _log?.Invoke($"  {_label}: renewal failed ({e.Message}); retrying in 1 s");
                await Task.Delay(TimeSpan.FromSeconds(1), _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task LogInEveryoneAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var client = CreateClient();
            var done = 0;
            var started = DateTime.UtcNow;
            await Parallel.ForEachAsync(Enumerable.Range(0, _users.Length), new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = ct }, async (i, token) =>
            {
                Set(i, await _source.LoginAsync(client, _users[i], token).ConfigureAwait(false));
                var n = Interlocked.Increment(ref done);
                if (n % 5000 == 0)
                {
                    _log?.Invoke($"  {_label}: {n}/{_users.Length} users logged in");
                }
            }).ConfigureAwait(false);
            _log?.Invoke($"  {_label}: {_users.Length} users logged in through POST {LoginEndpoint.Path} in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Set(int user, Credential credential)
    {
        Volatile.Write(ref _credentials[user], credential);
        // A reference swap: the engine sends either the old request or the new one, never a mix.
        Volatile.Write(ref _requests[user], FormatRequest("GET", _path, _baseUri.Authority, credential.HeaderLine));
    }

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = _parallelism,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = _baseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The exact bytes the engine sends (and wrk's Lua script reproduces): request line, Host, credential.</summary>
    public static byte[] FormatRequest(string method, string path, string hostHeader, string? credentialHeader)
    {
        var sb = new StringBuilder(256);
        sb.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n");
        sb.Append("Host: ").Append(hostHeader).Append("\r\n");
        if (!string.IsNullOrEmpty(credentialHeader))
        {
            sb.Append(credentialHeader).Append("\r\n");
        }
        sb.Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _renewal.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _gate.Dispose();
    }
}
