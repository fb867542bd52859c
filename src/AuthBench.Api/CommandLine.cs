using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Fanout;

namespace AuthBench.Api;

/// <summary>Rejects misspelt options up front: configuration would silently ignore <c>--sheme jwt</c>.</summary>
public static class CommandLine
{
    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "environment", "contentRoot", "applicationName",
    };

    public static readonly string Usage = $"""
        AuthBench API: one minimal API host, one authentication arm per process.

        Usage: AuthBench.Api --scheme {ArmCatalogue.NameChoices} [options]
          --urls URL               where Kestrel listens (e.g. http://127.0.0.1:5080)
          --transport bearer|cookie  where the token travels ({ArmsWhere(a => a.TransportVariants.Count > 0)} arms; default bearer):
                                   cookie = an HttpOnly, SameSite=Strict {ArmCatalogue.TokenCookieName} cookie
          --alg {string.Join('|', ArmCatalogue.Algorithms)}  JWT algorithm ({ArmsWhere(a => a.HasAlgorithm)} arms; default HS256)
          --claims small|typical|large   claims each credential carries (default typical)
          --users N                demo users user1..userN (default 1000)
          --user-password P        their password (default authbench-demo)
          --redis CONNSTR          store connection string, {ArmsWhere(a => a.UsesStore || a.LoginNeedsStore)} arms (or AUTHBENCH_REDIS)
          --store MODE             without --redis: auto|redis-server|docker|docker-host|garnet|redis-replica|redis-cluster (default auto)
          --store-connections N    store multiplexers (client connections) the arm's store commands take in turn, 1..64 (default 1);
                                   (FusionCache near caches use the first)
          --key-file PATH          JWT key: HS256 base64 secret, RS256/ES256 PEM private key (default: generated)
          --token-lifetime T       access token lifetime, e.g. 15m (default 15m)
          --refresh-lifetime T     refresh token family lifetime, {ArmsWhere(a => a.Lifecycle is CredentialLifecycle.RefreshedThroughStore)} arm, e.g. 30d (default 30d)
          --admin-key KEY          enables /admin/* with header X-Admin-Key
          --dp-keys DIR            Data Protection key ring folder, {ArmCatalogue.AspNetCookie.Name} and {ArmCatalogue.AspNetCookieStore.Name} arms
                                   (APIs sharing it accept each other's cookies; default: a new key ring in memory)
          --h2c-port N             also listen on 127.0.0.1:N for HTTP/2 only (cleartext, prior knowledge); default: off
          --metrics on|off         GET /metrics (Prometheus text: process CPU, requests per endpoint and status class,
                                   the arm) on the same listener, and a request counter in the pipeline (default off)
          --near-cache-ttl T       how long {ArmsWhere(a => a.NearCache is not null)} keep an entry in memory (default {NearCacheDefaultTtl()})
          --downstream URL         fan-out: {FanoutModes.ChainPath} calls the next service at URL, passing the credential on
          --jwks-from URL          fan-out, downstream services: verify tokens only with the keys of the edge's
                                   {FanoutModes.JwksPath} (fetched at start; RS256/ES256, HS256 refused)
          --fanout-mode MODE       {FanoutModes.NameChoices} (default per-service): per-service = each service authenticates
                                   the credential itself; edge-token = the edge looks it up once and passes a
                                   {FanoutModes.EdgeTokenLifetime.TotalSeconds:0} s ES256 token on (arms without a signed token)
        """;

    private static string NearCacheDefaultTtl() =>
        string.Join(", ", ArmCatalogue.All.Where(a => a.NearCache is not null).Select(a => $"{a.NearCache!.DefaultTtl.TotalSeconds:0}s").Distinct());

    private static string ArmsWhere(Func<ArmDescriptor, bool> predicate) =>
        string.Join(" and ", ArmCatalogue.All.Where(predicate).Select(a => a.Name));

    /// <summary>
    /// Answers <c>--help</c> (exit code 0) and a misspelt option (one line on stderr, exit code 2) before the host
    /// starts; null when the API should start.
    /// </summary>
    public static int? Handle(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args.Length > 0 && args[^1] is { } last && last.StartsWith("--", StringComparison.Ordinal) && !last.Contains('=', StringComparison.Ordinal)
            && AuthBenchOptions.Keys.Contains(last[2..], StringComparer.OrdinalIgnoreCase))
        {
            // Configuration would silently drop an option without its value: "--metrics" alone would leave them off.
            Console.Error.WriteLine($"error: {last} needs a value");
            return 2;
        }
        if (FindUnknownOption(args) is { } unknown)
        {
            Console.Error.WriteLine($"error: {unknown}");
            return 2;
        }
        return null;
    }

    public static string? FindUnknownOption(string[] args)
    {
        foreach (var arg in args)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }
            var key = arg[2..];
            var eq = key.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                key = key[..eq];
            }
            if (!AuthBenchOptions.Keys.Contains(key, StringComparer.OrdinalIgnoreCase) && !HostKeys.Contains(key))
            {
                return $"unknown option '{arg}'. Options: --scheme {ArmCatalogue.NameChoices}, --transport, --urls, --alg, --claims, --users, "
                    + "--user-password, --redis, --store, --key-file, --token-lifetime, --refresh-lifetime, --admin-key, --dp-keys, --near-cache-ttl, --downstream, --jwks-from, --fanout-mode, --h2c-port, --metrics, --store-connections";
            }
        }
        return null;
    }
}
