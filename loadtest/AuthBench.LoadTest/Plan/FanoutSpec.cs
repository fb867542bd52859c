using System.Globalization;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Fanout;

namespace AuthBench.LoadTest.Plan;

/// <summary>
/// One fan-out chain an arm runs as (<c>--fanout</c>): <paramref name="Services"/> API processes of the arm, the edge
/// calling the next on <see cref="FanoutModes.ChainPath"/>, authenticated as <paramref name="Mode"/> says.
/// </summary>
public sealed record FanoutSpec(int Services, FanoutMode Mode)
{
    /// <summary>The longest chain: every process sits on the API's CPU set, so more only measures the scheduler.</summary>
    public const int MaxServices = 8;

    /// <summary>The one algorithm without a public key (its secret both signs and verifies).</summary>
    public const string SharedSecretAlgorithm = "HS256";

    /// <summary>The label part ("fan2", "fan4-edge-token"): a chain of one has no mode (nothing is passed on).</summary>
    public string Tag => Mode switch
    {
        FanoutMode.PerService => $"fan{Services}",
        FanoutMode.EdgeToken => $"fan{Services}-{FanoutModes.Name(Mode)}",
    };

    public string ModeName => FanoutModes.Name(Mode);

    /// <summary><c>--fanout 1,2,4</c>: distinct chain lengths from 1 to <see cref="MaxServices"/>, in order.</summary>
    public static IReadOnlyList<int> ParseCounts(string text)
    {
        var counts = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > MaxServices)
            {
                throw new UsageException($"--fanout: '{part}' is not a number of services from 1 to {MaxServices} (e.g. --fanout 1,2,4)");
            }
            counts.Add(n);
        }
        return counts.Count > 0 ? [.. counts] : throw new UsageException("--fanout needs at least one number of services, e.g. --fanout 1,2,4");
    }

    /// <summary><c>--fanout-mode per-service,edge-token</c>.</summary>
    public static IReadOnlyList<FanoutMode> ParseModes(string text)
    {
        var modes = new List<FanoutMode>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var mode = FanoutModes.Find(part) ?? throw new UsageException($"--fanout-mode: '{part}' is not a mode: use {FanoutModes.NameChoices} (several with commas)");
            if (!modes.Contains(mode))
            {
                modes.Add(mode);
            }
        }
        return modes.Count > 0 ? modes : throw new UsageException($"--fanout-mode needs at least one mode: {FanoutModes.NameChoices}");
    }

    /// <summary>
    /// Every arm as a chain of each length, in each requested mode the arm can fan out in (a chain of one once: with
    /// no downstream service there is nothing to pass on). HS256 is refused: it has no public key to verify with downstream.
    /// </summary>
    public static IReadOnlyList<ArmSpec> Expand(IReadOnlyList<ArmSpec> arms, IReadOnlyList<int> counts, IReadOnlyList<FanoutMode> modes)
    {
        var result = new List<ArmSpec>();
        foreach (var arm in arms)
        {
            if (string.Equals(arm.Alg, SharedSecretAlgorithm, StringComparison.OrdinalIgnoreCase) && counts.Any(n => n > 1))
            {
                throw new UsageException($"--fanout: {arm.Label} refused: HS256 has no public key, so downstream services would need the signing secret; use --alg ES256,RS256");
            }
            var usable = modes.Where(FanoutModes.For(arm.Arm).Contains).ToList();
            if (usable.Count == 0)
            {
                throw new UsageException($"--fanout-mode {string.Join(',', modes.Select(FanoutModes.Name))}: the {arm.Label} arm fans out {string.Join('|', FanoutModes.For(arm.Arm).Select(FanoutModes.Name))} only");
            }
            foreach (var n in counts)
            {
                foreach (var mode in n == 1 ? [FanoutMode.PerService] : usable)
                {
                    result.Add(arm with { Fanout = new FanoutSpec(n, mode) });
                }
            }
        }
        return result;
    }
}
