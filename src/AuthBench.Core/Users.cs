using System.Security.Cryptography;
using System.Text;

namespace AuthBench.Core;

/// <summary>A demo user; every arm answers <c>/api/me</c> with these fields.</summary>
public sealed record DemoUser(string Sub, string Name, string Email, string Role, string Plan, string Tenant);

/// <summary>The demo users <c>user1</c> … <c>userN</c>, all sharing one password.</summary>
public sealed class UserDirectory
{
    public const string DefaultPassword = "authbench-demo";
    public const int DefaultUserCount = 1000;

    private static readonly string[] Roles = ["member", "member", "member", "editor", "admin"];
    private static readonly string[] Plans = ["free", "pro", "team", "enterprise"];

    private readonly byte[] _passwordDigest;
    // Plans change at run time (admin endpoint); everything else is derived from the index.
    private readonly string?[] _planOverrides;

    public UserDirectory(int count = DefaultUserCount, string password = DefaultPassword)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentException.ThrowIfNullOrEmpty(password);
        Count = count;
        _passwordDigest = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        _planOverrides = new string?[count + 1];
    }

    public int Count { get; }

    private int _rotation;

    /// <summary>
    /// The next name of a round robin over user1 … userN: the baseline arm, which has no credential to name a user,
    /// answers for the users in turn, so that its responses have the same sizes as the other arms' (whose clients
    /// rotate over the same users).
    /// </summary>
    public string NextInRotation()
    {
        var n = (uint)Interlocked.Increment(ref _rotation);
        return UserName((int)(((n - 1) % (uint)Count) + 1));
    }

    public static string UserName(int index) => "user" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Finds a user by name; null for unknown names (no exception on the hot path).</summary>
    public DemoUser? Find(string? sub)
    {
        if (!TryParseIndex(sub, out var index))
        {
            return null;
        }
        return Create(index);
    }

    /// <summary>
    /// Checks a login. Unknown users and wrong passwords take the same path: the password is always
    /// hashed and compared in constant time, so the two failures cannot be told apart by timing.
    /// </summary>
    public DemoUser? Authenticate(string? username, string? password)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(password ?? string.Empty));
        var passwordOk = CryptographicOperations.FixedTimeEquals(digest, _passwordDigest);
        var user = Find(username);
        return passwordOk && user is not null ? user : null;
    }

    public void SetPlan(string sub, string plan)
    {
        if (!TryParseIndex(sub, out var index))
        {
            throw new KeyNotFoundException($"unknown user '{sub}'");
        }
        _planOverrides[index] = plan;
    }

    private DemoUser Create(int index)
    {
        var sub = UserName(index);
        return new DemoUser(
            sub,
            $"Demo User {index}",
            $"{sub}@example.test",
            Roles[index % Roles.Length],
            _planOverrides[index] ?? Plans[index % Plans.Length],
            $"tenant-{index % 17}");
    }

    private bool TryParseIndex(string? sub, out int index)
    {
        index = 0;
        if (sub is null || sub.Length < 5 || sub.Length > 14 || !sub.StartsWith("user", StringComparison.Ordinal))
        {
            return false;
        }
        var digits = sub.AsSpan(4);
        if (digits[0] == '0')
        {
            return false; // one canonical name per user: "user01" is not "user1"
        }
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index)
            && index >= 1 && index <= Count;
    }
}
