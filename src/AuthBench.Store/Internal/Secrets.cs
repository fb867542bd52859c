using System.Security.Cryptography;

namespace AuthBench.Store.Internal;

internal static class Secrets
{
    /// <summary>32 random bytes as lower-case hex: safe on a command line and in a connection string.</summary>
    public static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
