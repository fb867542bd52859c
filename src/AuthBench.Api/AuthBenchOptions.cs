using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api;

/// <summary>The API's run-time choices. Read from configuration (command line <c>--scheme jwt</c> is key <c>scheme</c>).</summary>
public sealed class AuthBenchOptions
{
    /// <summary>Every option the command line accepts, besides ASP.NET Core's own <c>--urls</c>.</summary>
    public static readonly string[] Keys =
        ["scheme", "alg", "claims", "users", "user-password", "redis", "store", "key-file", "token-lifetime", "admin-key", "near-cache-ttl"];

    /// <summary>The longest <c>--near-cache-ttl</c>: well below the session's idle timeout, which only a store read slides.</summary>
    public static readonly TimeSpan MaxNearCacheTtl = TimeSpan.FromMinutes(10);

    /// <summary>The arm this process serves, from the catalogue.</summary>
    public required ArmDescriptor Arm { get; init; }
    public JwtAlgorithm Algorithm { get; init; } = JwtAlgorithm.HS256;
    public ClaimProfile Claims { get; init; } = ClaimProfile.Typical;
    public int Users { get; init; } = UserDirectory.DefaultUserCount;
    public string UserPassword { get; init; } = UserDirectory.DefaultPassword;
    /// <summary>Explicit store connection string (<c>--redis</c> or <c>AUTHBENCH_REDIS</c>).</summary>
    public string? Redis { get; init; }
    /// <summary>Store provisioning mode when no connection string is given: auto, redis-server, docker, docker-host, garnet.</summary>
    public string Store { get; init; } = "auto";
    public string? KeyFile { get; init; }
    public TimeSpan TokenLifetime { get; init; } = JwtTokens.DefaultLifetime;
    /// <summary>Shared secret for the admin endpoints; they answer 404 when none is set.</summary>
    public string? AdminKey { get; init; }

    /// <summary>
    /// How long a near-cached arm keeps an entry in process memory (<c>--near-cache-ttl</c>); the arm's catalogue
    /// default when not given, null for an arm without a near cache.
    /// </summary>
    public TimeSpan? NearCacheTtl { get; init; }

    /// <summary>Whether the arm reads or writes the store at all, so the API connects one at start-up.</summary>
    public bool NeedsStore => Arm.UsesStore || Arm.LoginNeedsStore;

    /// <summary>Reads and validates the options; throws <see cref="ArgumentException"/> with a message that says what to set.</summary>
    public static AuthBenchOptions FromConfiguration(IConfiguration config)
    {
        var schemeText = config["scheme"];
        if (string.IsNullOrWhiteSpace(schemeText))
        {
            throw new ArgumentException($"--scheme is required: {ArmCatalogue.NameList}");
        }
        var arm = ArmCatalogue.Find(schemeText)
            ?? throw new ArgumentException($"unknown --scheme '{schemeText}': use {ArmCatalogue.NameList}");
        var users = ParseInt(config["users"], "users", UserDirectory.DefaultUserCount);
        if (users is < 1 or > 10_000_000)
        {
            throw new ArgumentException($"--users must be between 1 and 10000000, got {users}");
        }
        var password = config["user-password"] ?? UserDirectory.DefaultPassword;
        if (password.Length == 0)
        {
            throw new ArgumentException("--user-password must not be empty");
        }
        var lifetime = ParseDuration(config["token-lifetime"], "token-lifetime", JwtTokens.DefaultLifetime);
        if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(1))
        {
            throw new ArgumentException("--token-lifetime must be between 1s and 24h");
        }
        var nearCacheTtl = ParseDuration(config["near-cache-ttl"], "near-cache-ttl", arm.NearCache?.DefaultTtl ?? TimeSpan.Zero);
        if (config["near-cache-ttl"] is not null && (nearCacheTtl <= TimeSpan.Zero || nearCacheTtl > MaxNearCacheTtl))
        {
            throw new ArgumentException($"--near-cache-ttl must be between 1ms and {MaxNearCacheTtl.TotalMinutes:0}m, got '{config["near-cache-ttl"]}'");
        }
        var redis = config["redis"];
        if (string.IsNullOrWhiteSpace(redis))
        {
            redis = Environment.GetEnvironmentVariable("AUTHBENCH_REDIS");
        }
        return new AuthBenchOptions
        {
            Arm = arm,
            Algorithm = config["alg"] is { } alg ? JwtKeySet.ParseAlgorithm(alg) : JwtAlgorithm.HS256,
            Claims = config["claims"] is { } claims ? ClaimProfiles.Parse(claims) : ClaimProfile.Typical,
            Users = users,
            UserPassword = password,
            Redis = string.IsNullOrWhiteSpace(redis) ? null : redis,
            Store = string.IsNullOrWhiteSpace(config["store"]) ? "auto" : config["store"]!,
            KeyFile = string.IsNullOrWhiteSpace(config["key-file"]) ? null : config["key-file"],
            TokenLifetime = lifetime,
            AdminKey = string.IsNullOrEmpty(config["admin-key"]) ? null : config["admin-key"],
            NearCacheTtl = arm.NearCache is null ? null : nearCacheTtl,
        };
    }

    private static int ParseInt(string? text, string name, int fallback) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : throw new ArgumentException($"--{name} must be a whole number, got '{text}'");

    /// <summary>The one duration syntax of every AuthBench command line (<see cref="Durations"/>): <c>900</c> (seconds), <c>900s</c>, <c>15m</c>, <c>2h</c>.</summary>
    private static TimeSpan ParseDuration(string? text, string name, TimeSpan fallback) =>
        text is null ? fallback
        : Durations.TryParse(text, out var value) ? value
        : throw new ArgumentException($"--{name} must be a duration such as 900s, 15m or 2h, got '{text}'");
}
