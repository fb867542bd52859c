using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Fanout;
using AuthBench.Core;

namespace AuthBench.Api;

/// <summary>The API's run-time choices. Read from configuration (command line <c>--scheme jwt</c> is key <c>scheme</c>).</summary>
public sealed class AuthBenchOptions
{
    /// <summary>Every option the command line accepts, besides ASP.NET Core's own <c>--urls</c>.</summary>
    public static readonly string[] Keys =
        ["scheme", "transport", "alg", "claims", "users", "user-password", "redis", "store", "key-file", "token-lifetime", "refresh-lifetime", "admin-key", "dp-keys", "near-cache-ttl", "downstream", "jwks-from", "fanout-mode", "h2c-port", "metrics", "store-connections"];

    /// <summary>The longest <c>--near-cache-ttl</c>: well below the session's idle timeout, which only a store read slides.</summary>
    public static readonly TimeSpan MaxNearCacheTtl = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The arm this process serves, from the catalogue: the catalogued arm, or its transport variant when
    /// <c>--transport</c> names another transport than the arm's own (<c>--scheme jwt --transport cookie</c>).
    /// </summary>
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
    /// <summary>A refresh token family's absolute lifetime from login (arms with a refresh endpoint; <c>--refresh-lifetime</c>, default 30d).</summary>
    public TimeSpan RefreshLifetime { get; init; } = RefreshTokenStore.DefaultLifetime;
    /// <summary>Shared secret for the admin endpoints; they answer 404 when none is set.</summary>
    public string? AdminKey { get; init; }
    /// <summary>
    /// Folder of the Data Protection key ring the cookie arms protect their tickets with (<c>--dp-keys</c>): APIs
    /// given the same folder accept each other's cookies. Null: a key ring in memory, created at start, gone at exit.
    /// </summary>
    public string? DataProtectionKeys { get; init; }

    /// <summary>
    /// How long a near-cached arm keeps an entry in process memory (<c>--near-cache-ttl</c>); the arm's catalogue
    /// default when not given, null for an arm without a near cache.
    /// </summary>
    public TimeSpan? NearCacheTtl { get; init; }

    /// <summary>The next service of a fan-out chain (<c>--downstream</c>), which <c>/api/chain</c> calls; null at the end of the chain.</summary>
    public Uri? Downstream { get; init; }

    /// <summary>
    /// The edge's key set (<c>--jwks-from</c>), fetched once at start: a downstream service verifies tokens with these
    /// public keys only, never with a key of its own. Null for the edge.
    /// </summary>
    public Uri? JwksFrom { get; init; }

    /// <summary>How the services of a fan-out chain authenticate the user (<c>--fanout-mode</c>, default per-service).</summary>
    public FanoutMode FanoutMode { get; init; } = FanoutMode.PerService;

    /// <summary>Whether this process verifies tokens minted by another process (a downstream service).</summary>
    public bool IsDownstream => JwksFrom is not null;

    /// <summary>
    /// A second listener on 127.0.0.1 that speaks HTTP/2 only, cleartext with prior knowledge (<c>--h2c-port</c>);
    /// null (the default): none.
    /// </summary>
    public int? H2cPort { get; init; }

    /// <summary>
    /// <c>--metrics on</c>: <c>GET /metrics</c> (Prometheus text: process CPU, requests per endpoint and status class,
    /// the arm) on the API's own listener, and a request counter in the pipeline; off (the default): neither.
    /// </summary>
    public bool Metrics { get; init; }

    /// <summary>The most store multiplexers one API opens (<c>--store-connections</c>).</summary>
    public const int MaxStoreConnections = 64;

    /// <summary>
    /// How many StackExchange.Redis multiplexers the API opens to the store (<c>--store-connections</c>, 1 to
    /// <see cref="MaxStoreConnections"/>, default 1): the arms' own store commands take them in turn.
    /// </summary>
    public int StoreConnections { get; init; } = 1;

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
        arm = InTransport(arm, config["transport"]);
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
        var refreshLifetime = ParseDays(config["refresh-lifetime"], "refresh-lifetime", RefreshTokenStore.DefaultLifetime);
        if (refreshLifetime < TimeSpan.FromMinutes(1) || refreshLifetime > TimeSpan.FromDays(365))
        {
            throw new ArgumentException("--refresh-lifetime must be between 1m and 365d");
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
        var dpKeys = string.IsNullOrWhiteSpace(config["dp-keys"]) ? null : Path.GetFullPath(config["dp-keys"]!);
        if (dpKeys is not null && File.Exists(dpKeys))
        {
            throw new ArgumentException($"--dp-keys must name a folder (it is created when missing), got the file '{dpKeys}'");
        }
        var algorithm = config["alg"] is { } alg ? JwtKeySet.ParseAlgorithm(alg) : JwtAlgorithm.HS256;
        var downstream = ParseUrl(config["downstream"], "downstream");
        var jwksFrom = ParseUrl(config["jwks-from"], "jwks-from");
        var fanoutMode = ParseFanoutMode(arm, config["fanout-mode"]);
        if (arm.HasAlgorithm && algorithm is JwtAlgorithm.HS256 && (downstream ?? jwksFrom) is not null)
        {
            throw new ArgumentException(
                "fan-out refused for HS256: it has no public key, so every downstream service would hold the signing secret and could mint tokens; use --alg ES256 or RS256");
        }
        if (jwksFrom is not null && !arm.HasAlgorithm && fanoutMode is not FanoutMode.EdgeToken)
        {
            throw new ArgumentException($"--jwks-from: the {arm.Name} arm verifies no token in {FanoutModes.Name(fanoutMode)} mode (each service authenticates the credential itself); use --fanout-mode {FanoutModes.Name(FanoutMode.EdgeToken)} or drop --jwks-from");
        }
        var h2cPort = ParseH2cPort(config["h2c-port"]);
        var storeConnections = ParseInt(config["store-connections"], "store-connections", 1);
        if (storeConnections is < 1 or > MaxStoreConnections)
        {
            throw new ArgumentException($"--store-connections must be between 1 and {MaxStoreConnections}, got {storeConnections}");
        }
        var metrics = ParseOnOff(config["metrics"], "metrics");
        return new AuthBenchOptions
        {
            Metrics = metrics,
            StoreConnections = storeConnections,
            Arm = arm,
            H2cPort = h2cPort,
            Algorithm = algorithm,
            Claims = config["claims"] is { } claims ? ClaimProfiles.Parse(claims) : ClaimProfile.Typical,
            Users = users,
            UserPassword = password,
            Redis = string.IsNullOrWhiteSpace(redis) ? null : redis,
            Store = string.IsNullOrWhiteSpace(config["store"]) ? "auto" : config["store"]!,
            KeyFile = string.IsNullOrWhiteSpace(config["key-file"]) ? null : config["key-file"],
            TokenLifetime = lifetime,
            RefreshLifetime = refreshLifetime,
            AdminKey = string.IsNullOrEmpty(config["admin-key"]) ? null : config["admin-key"],
            DataProtectionKeys = dpKeys,
            NearCacheTtl = arm.NearCache is null ? null : nearCacheTtl,
            Downstream = downstream,
            JwksFrom = jwksFrom,
            FanoutMode = fanoutMode,
        };
    }

    /// <summary>An absolute http(s) address, or null when the option is not given.</summary>
    private static Uri? ParseUrl(string? text, string name) =>
        string.IsNullOrWhiteSpace(text) ? null
        : Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri
        : throw new ArgumentException($"--{name} must be an absolute http(s) address such as http://127.0.0.1:5081, got '{text}'");

    private static FanoutMode ParseFanoutMode(ArmDescriptor arm, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return FanoutMode.PerService;
        }
        var mode = FanoutModes.Find(text)
            ?? throw new ArgumentException($"unknown --fanout-mode '{text}': use {FanoutModes.NameChoices}");
        var allowed = FanoutModes.For(arm);
        return allowed.Contains(mode)
            ? mode
            : throw new ArgumentException($"--fanout-mode {FanoutModes.Name(mode)}: the {arm.Name} arm fans out {string.Join('|', allowed.Select(FanoutModes.Name))} only (a signed token is verified in every service)");
    }

    /// <summary>The arm in the transport <c>--transport</c> names (default: the arm's own).</summary>
    private static ArmDescriptor InTransport(ArmDescriptor arm, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return arm;
        }
        var choices = string.Join("|", arm.Transports.Select(ArmCatalogue.TransportName));
        var transport = ArmCatalogue.FindTransport(text)
            ?? throw new ArgumentException($"unknown --transport '{text}': the {arm.Name} arm takes {choices}");
        if (!arm.Transports.Contains(transport))
        {
            var withVariants = string.Join(", ", ArmCatalogue.All.Where(a => a.TransportVariants.Count > 0).Select(a => a.Name));
            throw new ArgumentException($"--transport {ArmCatalogue.TransportName(transport)}: the {arm.Name} arm takes {choices} (other transports: {withVariants})");
        }
        return arm.InTransport(transport);
    }

    /// <summary>A duration as <see cref="ParseDuration"/> reads it, or a number of days (<c>30d</c>): refresh lifetimes exceed the 7-day limit of <see cref="Durations"/>.</summary>
    private static TimeSpan ParseDays(string? text, string name, TimeSpan fallback) =>
        text?.Trim() is { Length: > 1 } t && t.EndsWith('d')
            ? double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var days) && days is >= 0 and <= 36500
                ? TimeSpan.FromDays(days)
                : throw new ArgumentException($"--{name} must be a duration such as 30d, 12h or 15m, got '{text}'")
            : ParseDuration(text, name, fallback);

    /// <summary>Reads <c>--h2c-port</c>: a port from 1 to 65535, or null when not given.</summary>
    public static int? ParseH2cPort(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port
        : throw new ArgumentException($"--h2c-port must be a port from 1 to 65535, got '{text}'");

    /// <summary>Reads an on|off switch (true|false too); off when not given.</summary>
    private static bool ParseOnOff(string? text, string name) => text?.Trim().ToLowerInvariant() switch
    {
        null or "off" or "false" => false,
        "on" or "true" => true,
        _ => throw new ArgumentException($"--{name} takes on or off, got '{text}'"),
    };

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
