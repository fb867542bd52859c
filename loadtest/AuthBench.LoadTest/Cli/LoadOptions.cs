using System.Globalization;

namespace AuthBench.LoadTest.Cli;

/// <summary>A bad command line: the message is printed as one line and the exit code is 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>One authentication arm as the load test runs it: one API process each.</summary>
public sealed record ArmSpec(string Scheme, string? Alg, string Claims)
{
    /// <summary>"none", "session", "jwt-ES256": the column name in summaries and the file-name part.</summary>
    public string Label => Alg is null ? Scheme : $"{Scheme}-{Alg}";

    public bool NeedsStore => Scheme is "session" or "jwt-denylist";

    /// <summary>True for the arms that carry a bearer token and run once per algorithm.</summary>
    public static bool IsJwt(string scheme) => scheme is "jwt" or "jwt-denylist";
}

/// <summary>The store outage of the fault scenario: stopped <see cref="Start"/> into each trial, for <see cref="Length"/>.</summary>
public sealed record FaultSpec(TimeSpan Start, TimeSpan Length)
{
    public const string Kind = "store-outage";

    /// <summary>Parses <c>store-outage@10s:5s</c>.</summary>
    public static FaultSpec Parse(string text)
    {
        var t = text.Trim();
        var prefix = Kind + "@";
        if (!t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--fault '{text}': the only fault is {Kind}@<start>:<length>, e.g. {Kind}@10s:5s");
        }
        var parts = t[prefix.Length..].Split(':');
        if (parts.Length != 2)
        {
            throw new UsageException($"--fault '{text}': expected {Kind}@<start>:<length>, e.g. {Kind}@10s:5s");
        }
        var start = LoadOptions.ParseDuration(parts[0], "--fault start");
        var length = LoadOptions.ParseDuration(parts[1], "--fault length");
        if (length <= TimeSpan.Zero)
        {
            throw new UsageException("--fault length must be positive");
        }
        return new FaultSpec(start, length);
    }

    public override string ToString() => $"{Kind}@{LoadOptions.FormatDuration(Start)}:{LoadOptions.FormatDuration(Length)}";
}

/// <summary>Everything a run needs, validated. Built by <see cref="LoadCommand"/>.</summary>
public sealed record LoadOptions
{
    public static readonly string[] Schemes = ["none", "session", "jwt", "jwt-denylist"];
    public static readonly string[] Algorithms = ["HS256", "RS256", "ES256"];
    public static readonly string[] ClaimProfiles = ["small", "typical", "large"];

    public required IReadOnlyList<ArmSpec> Arms { get; init; }
    public required string Endpoint { get; init; }
    public IReadOnlyList<double> Rates { get; init; } = [];
    public bool FindMax { get; init; }
    public int Connections { get; init; } = 64;
    public int MaxInFlight { get; init; } = 1024;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);
    public int Repeat { get; init; } = 3;
    public int Users { get; init; } = 10_000;
    public string Store { get; init; } = "auto";
    public Uri? Target { get; init; }
    public required string OutputDirectory { get; init; }
    public bool Quick { get; init; }
    public FaultSpec? Fault { get; init; }
    public TimeSpan? Soak { get; init; }
    public string? ApiPath { get; init; }
    public int LoginParallelism { get; init; } = 8;
    public string Password { get; init; } = "authbench-demo";
    public required string CommandLine { get; init; }

    public bool NeedsStore => Target is null && Arms.Any(a => a.NeedsStore);

    public string Mode => FindMax ? "find-max" : Soak is not null ? "soak" : "open-loop";

    /// <summary>Accepts <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, or a plain number of seconds.</summary>
    public static TimeSpan ParseDuration(string text, string option)
    {
        var t = text.Trim().ToLowerInvariant();
        var (number, scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : (t, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || double.IsInfinity(value) || value * scale > 7 * 86400)
        {
            throw new UsageException($"{option} '{text}' is not a duration such as 30s, 500ms, 2m or 1h");
        }
        return TimeSpan.FromSeconds(value * scale);
    }

    public static string FormatDuration(TimeSpan d) =>
        d.TotalSeconds >= 1 && d.TotalSeconds % 1 == 0 ? $"{d.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : $"{d.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";

    public static IReadOnlyList<double> ParseRates(string text)
    {
        var rates = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate <= 0 || double.IsInfinity(rate) || rate > 1_000_000)
            {
                throw new UsageException($"--rates: '{part}' is not a positive rate in requests/s (e.g. --rates 500,1000,2000)");
            }
            rates.Add(rate);
        }
        if (rates.Count == 0)
        {
            throw new UsageException("--rates needs at least one rate, e.g. --rates 500,1000,2000");
        }
        return rates;
    }

    public static IReadOnlyList<ArmSpec> ParseArms(string arms, string algs, string claims)
    {
        var claimProfile = claims.Trim().ToLowerInvariant();
        if (!ClaimProfiles.Contains(claimProfile))
        {
            throw new UsageException($"--claims '{claims}': use small, typical or large");
        }
        var algList = new List<string>();
        foreach (var a in algs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var alg = Algorithms.FirstOrDefault(x => x.Equals(a, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"--alg '{a}': use HS256, RS256 or ES256 (several with commas)");
            if (!algList.Contains(alg))
            {
                algList.Add(alg);
            }
        }
        if (algList.Count == 0)
        {
            throw new UsageException("--alg needs at least one algorithm: HS256, RS256 or ES256");
        }
        var result = new List<ArmSpec>();
        foreach (var a in arms.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var scheme = a.ToLowerInvariant();
            if (!Schemes.Contains(scheme))
            {
                throw new UsageException($"--arms: unknown arm '{a}': use none, session, jwt, jwt-denylist (comma-separated)");
            }
            if (ArmSpec.IsJwt(scheme))
            {
                result.AddRange(algList.Select(alg => new ArmSpec(scheme, alg, claimProfile)));
            }
            else
            {
                result.Add(new ArmSpec(scheme, null, claimProfile));
            }
        }
        if (result.Count == 0)
        {
            throw new UsageException("--arms needs at least one arm: none, session, jwt, jwt-denylist");
        }
        return [.. result.DistinctBy(r => r.Label)];
    }
}
