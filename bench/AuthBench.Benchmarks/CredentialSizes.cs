using System.Collections.Concurrent;
using AuthBench.Core;

namespace AuthBench.Benchmarks;

/// <summary>
/// Credentials minted exactly as the API mints them (<see cref="JwtTokens"/>, <see cref="RedisSessionStore.NewId"/>),
/// measured in bytes with <see cref="WireSizes"/>. A token's length depends on the user's claims (name, e-mail, role,
/// plan, tenant), never on key material or time (exp/iat stay 10-digit numbers): one representative user gives one
/// exact number, and the range over every user shows the spread.
/// </summary>
public static class CredentialSizes
{
    /// <summary>The representative user: user500 of the default 1000 (a 3-digit index, as most of the directory has).</summary>
    public const int RepresentativeUser = 500;

    private static readonly ConcurrentDictionary<JwtAlgorithm, JwtKeySet> KeySets = new();
    private static readonly UserDirectory Directory = new();

    public static DemoUser User(int index = RepresentativeUser) => Directory.Find(UserDirectory.UserName(index))!;

    public static string Token(JwtAlgorithm algorithm, ClaimProfile profile, int user = RepresentativeUser) =>
        new JwtTokens(KeySets.GetOrAdd(algorithm, JwtKeySet.Generate), profile).Issue(User(user));

    public static int BearerLine(JwtAlgorithm algorithm, ClaimProfile profile) => WireSizes.BearerHeaderLine(Token(algorithm, profile));

    /// <summary>Every session id has the same length: 32 CSPRNG bytes in base64url, 43 characters.</summary>
    public static int CookieLine() => WireSizes.CookieHeaderLine(RedisSessionStore.NewId());

    /// <summary>Shortest and longest bearer line over all users of the default directory.</summary>
    public static (int Min, int Max) BearerLineRange(JwtAlgorithm algorithm, ClaimProfile profile)
    {
        var minter = new JwtTokens(KeySets.GetOrAdd(algorithm, JwtKeySet.Generate), profile);
        var min = int.MaxValue;
        var max = 0;
        for (var index = 1; index <= UserDirectory.DefaultUserCount; index++)
        {
            var length = WireSizes.BearerHeaderLine(minter.Issue(User(index)));
            min = Math.Min(min, length);
            max = Math.Max(max, length);
        }
        return (min, max);
    }

    /// <summary>Bytes of the session value in the store (what GETEX returns), for the representative user.</summary>
    public static int StoredSessionValue(ClaimProfile profile)
    {
        var now = DateTimeOffset.UtcNow;
        return RedisSessionStore.Serialize(ClaimProfiles.ForUser(User(), profile), now, now + RedisSessionStore.DefaultAbsoluteLifetime).Length;
    }
}
