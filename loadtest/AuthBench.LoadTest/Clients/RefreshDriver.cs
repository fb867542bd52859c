using System.Collections.Concurrent;
using System.Text;
using AuthBench.Contracts.Arms;
using AuthBench.LoadTest.Engine;

namespace AuthBench.LoadTest.Clients;

/// <summary>
/// A refresh-only run's requests: each is <c>POST /auth/refresh</c> with one user's current refresh token, and the
/// rotated token its answer sets replaces it, so the engine prices a refresh with the same schedule, byte counter and
/// probes as an API request. A user has at most one refresh in flight (presenting a token twice is reuse, and the
/// server would end the family): request i takes the next user whose last refresh has ended, round-robin.
/// </summary>
/// <remarks>
/// A 503 or a request that never reached the server (connection refused) leaves the token as it was; any other
/// failure (401, no answer: the server may have rotated the token) drops the user for the rest of the run, counted.
/// When every user with a token has a refresh in flight, the request goes without a cookie (the server answers 401),
/// counted as <see cref="RefreshStats.NoFreeUser"/>: give more users than rate × refresh latency.
/// </remarks>
public sealed class RefreshDriver : IRequestTracker
{
    private static readonly byte[] CookiePrefix = Encoding.ASCII.GetBytes(ArmCatalogue.RefreshCookieName + "=");
    private readonly string?[] _tokens;
    private readonly ConcurrentQueue<int> _free = new();
    private readonly ConcurrentDictionary<long, InFlight> _inFlight = new();
    private readonly string _authority;
    private readonly byte[] _withoutToken;
    private int _withToken;

    /// <summary>Takes over the users' refresh tokens (index: user; null: a user without one, never sent).</summary>
    public RefreshDriver(IReadOnlyList<string?> tokens, string authority)
    {
        _tokens = [.. tokens];
        _authority = authority;
        _withoutToken = Format(authority, null);
        for (var user = 0; user < _tokens.Length; user++)
        {
            if (_tokens[user] is not null)
            {
                _free.Enqueue(user);
                _withToken++;
            }
        }
    }

    /// <summary>Every refresh the driver sent, counted as the client saw it.</summary>
    public RefreshStats Stats { get; } = new();

    /// <summary>Users that still hold a refresh token.</summary>
    public int UsersWithToken => Volatile.Read(ref _withToken);

    /// <summary>The request the engine sends as request <paramref name="index"/>: the next free user's refresh.</summary>
    public ReadOnlyMemory<byte> RequestFor(long index)
    {
        if (!_free.TryDequeue(out var user))
        {
            _inFlight[index] = new InFlight(-1);
            Stats.NoFreeUser();
            return _withoutToken;
        }
        _inFlight[index] = new InFlight(user);
        return Format(_authority, _tokens[user]);
    }

    public void OnHead(long index, int status, ReadOnlySpan<byte> head)
    {
        if (status == 200 && _inFlight.TryGetValue(index, out var request) && request.User >= 0)
        {
            request.Rotated = SetCookieValue(head);
        }
    }

    public void OnEnded(long index, int status, string? error, TimeSpan serviceTime)
    {
        if (!_inFlight.TryRemove(index, out var request))
        {
            return;
        }
        switch (status)
        {
            case 200 when request.Rotated is not null:
                Stats.Succeeded(serviceTime);
                break;
            case 401:
                Stats.Rejected(serviceTime);
                break;
            case 503:
                Stats.Unavailable(serviceTime);
                break;
            default:
                Stats.Error();
                break;
        }
        if (request.User < 0)
        {
            return;
        }
        if (request.Rotated is { } rotated)
        {
            // The server rotated the token and said so: whatever happened to the body, this is the user's token now.
            _tokens[request.User] = rotated;
            _free.Enqueue(request.User);
        }
        else if (status == 503 || (status == 0 && error == "connection_refused"))
        {
            _free.Enqueue(request.User);
        }
        else
        {
            _tokens[request.User] = null;
            Interlocked.Decrement(ref _withToken);
            Stats.UserLost();
        }
    }

    /// <summary>The bytes of one refresh, as the credential source's HttpClient sends it: no body, <c>Content-Length: 0</c>.</summary>
    public static byte[] Format(string authority, string? token)
    {
        var sb = new StringBuilder(256);
        sb.Append("POST ").Append(RefreshTokenCredentialSource.RefreshPath).Append(" HTTP/1.1\r\n");
        sb.Append("Host: ").Append(authority).Append("\r\n");
        if (token is not null)
        {
            sb.Append("Cookie: ").Append(ArmCatalogue.RefreshCookieName).Append('=').Append(token).Append("\r\n");
        }
        sb.Append("Content-Length: 0\r\n\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>The value of the refresh cookie a response head sets (null when it sets none, or clears it).</summary>
    public static string? SetCookieValue(ReadOnlySpan<byte> head)
    {
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !Ascii.EqualsIgnoreCase(line[..colon], "Set-Cookie"u8))
            {
                continue;
            }
            var value = line[(colon + 1)..].TrimStart((byte)' ');
            if (!value.StartsWith(CookiePrefix))
            {
                continue;
            }
            value = value[CookiePrefix.Length..];
            var end = value.IndexOf((byte)';');
            var token = end < 0 ? value : value[..end];
            return token.IsEmpty ? null : Encoding.ASCII.GetString(token);
        }
        return null;
    }

    private sealed class InFlight(int user)
    {
        public int User { get; } = user;

        public string? Rotated { get; set; }
    }
}
