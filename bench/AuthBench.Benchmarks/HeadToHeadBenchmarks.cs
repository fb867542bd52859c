using System.Net.Http.Json;
using AuthBench.Api.Arms.JwtDenylistCached;
using AuthBench.Api.Arms.NearCaching;
using AuthBench.Api.Arms.SessionCached;
using AuthBench.Contracts.Arms;
using AuthBench.Core;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Benchmarks;

/// <summary>
/// The central question in one table: per request and per credential-carrying arm of the catalogue, that arm's
/// authentication work without HTTP, typical claims. The session arm's store lookup is the reference the other rows
/// are divided by; the "JWTs/lookup" column says how many of a row's operations cost as much as one lookup.
/// </summary>
[BenchmarkCategory(Categories.HeadToHead)]
public class HeadToHeadBenchmarks
{
    private const ClaimProfile Profile = ClaimProfile.Typical;

    private StoreLease? _lease;
    private RedisSessionStore? _sessions;
    private SessionRing? _sessionRing;
    private TokenRing? _tokens;
    private TokenValidationParameters _parameters = null!;
        private ApiHost? _host;
    private string[]? _cookies;
    private CookieAuthenticationOptions? _cookieOptions;
    private IRevocationList? _revocations;
    private SessionNearCache? _nearSessions;
    private IAsyncDisposable? _nearCache;
    private Func<Task<int>> _authenticate = null!;
    private readonly JsonWebTokenHandler _handler = JwtTokens.CreateHandler();
    private int _next;

    public static IEnumerable<string> Labels => BenchArms.CredentialLabels;

    [ParamsSource(nameof(Labels))]
    public string Label { get; set; } = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var (arm, alg) = BenchArms.Parse(Label);
        _authenticate = arm.Id switch
        {
            ArmId.None => throw new InvalidOperationException("the head-to-head class measures arms that carry a credential"),
            ArmId.Session => await SetupSessionAsync(),
            ArmId.SessionCached => await SetupSessionCachedAsync(arm),
            ArmId.Jwt => await SetupJwtAsync(alg, revocable: false),
            ArmId.JwtDenylist => await SetupJwtAsync(alg, revocable: true),
            ArmId.JwtDenylistCached => await SetupJwtAsync(alg, revocable: true, nearCached: arm),
            // Per request the hybrid arm is the jwt arm: its store work is per refresh, not per request.
            ArmId.Hybrid => await SetupJwtAsync(alg, revocable: false),
            ArmId.AspNetCookie or ArmId.AspNetCookieStore => await SetupCookieTicketAsync(arm),
        };
        // Fail in set-up, not in the measurement, when an arm is not wired as expected.
        await _authenticate();
    }

    private async Task<Func<Task<int>>> SetupSessionAsync()
    {
        _lease = await StoreLease.OpenAsync();
        _sessions = new RedisSessionStore(_lease.Multiplexer);
        _sessionRing = await SessionRing.CreateAsync(_sessions, Profile);
        return LookUpSessionAsync;
    }

    /// <summary>
    /// The session-cached arm in its steady state: every ring session already in the near cache under a live lease,
    /// so a row is the hit path (the miss path is the session row plus one local set).
    /// </summary>
    private async Task<Func<Task<int>>> SetupSessionCachedAsync(ArmDescriptor arm)
    {
        await SetupSessionAsync();
        var cache = NewNearCache<SessionData?>(arm);
        _nearSessions = new SessionNearCache(cache, _sessions!, TimeProvider.System);
        await WarmAsync(cache, async () =>
        {
            foreach (var id in _sessionRing!.Ids)
            {
                await _nearSessions.GetAsync(id);
            }
        });
        return LookUpCachedSessionAsync;
    }

    private NearCache<TValue> NewNearCache<TValue>(ArmDescriptor arm)
    {
        var spec = arm.NearCache!;
        var cache = new NearCache<TValue>(arm.Name, _lease!.Multiplexer, spec, spec.DefaultTtl);
        _nearCache = cache;
        return cache;
    }

    /// <summary>Fills the cache until a pass is all hits: the first heartbeat (the lease) comes back within its interval.</summary>
    private static async Task WarmAsync<TValue>(NearCache<TValue> cache, Func<Task> pass)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var misses = cache.Counters.Misses;
            await pass();
            if (cache.Counters.Misses == misses)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("the near cache never served from memory: no heartbeat came back over the backplane");
            }
            await Task.Delay(50);
        }
    }

    private async Task<Func<Task<int>>> SetupJwtAsync(string? alg, bool revocable, ArmDescriptor? nearCached = null)
    {
        _tokens = await TokenRing.CreateAsync(JwtKeySet.ParseAlgorithm(alg), Profile);
        _parameters = JwtTokens.CreateValidationParameters(_tokens.Keys);
        if (!revocable)
        {
            return VerifyAsync;
        }
        _lease = await StoreLease.OpenAsync();
        var revocations = new RevocationList(_lease.Multiplexer, JwtTokens.DefaultLifetime);
        _revocations = revocations;
        if (nearCached is not null)
        {
            // As the session-cached row: every ring user's marker (none) already in memory.
            var cached = new CachedRevocationList(revocations, NewNearCache<long?>(nearCached));
            _revocations = cached;
            await WarmAsync(cached.Cache, async () =>
            {
                for (var i = 0; i < Ring.Size; i++)
                {
                    await VerifyAndCheckRevocationAsync();
                }
            });
        }
        return VerifyAndCheckRevocationAsync;
    }

    /// <summary>
    /// The stock cookie handler's options as the API configures them (its ticket format over the API's key ring, its
    /// ticket store on the API's store connection), and a ring of cookies from real logins.
    /// </summary>
    private async Task<Func<Task<int>>> SetupCookieTicketAsync(ArmDescriptor arm)
    {
        if (arm.UsesStore)
        {
            _lease = await StoreLease.OpenAsync();
        }
        _host = ApiHost.For(arm, redis: _lease?.ConnectionString);
        using var client = _host.Server.CreateClient();
        _cookies = new string[Ring.Size];
        var i = 0;
        foreach (var user in Ring.Users())
        {
            using var response = await client.PostAsJsonAsync("/auth/login", new { username = user.Sub, password = UserDirectory.DefaultPassword });
            response.EnsureSuccessStatusCode();
            var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(arm.CookieName + "=", StringComparison.Ordinal));
            _cookies[i++] = setCookie[(arm.CookieName!.Length + 1)..setCookie.IndexOf(';', StringComparison.Ordinal)];
        }
        _cookieOptions = _host.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(arm.Name);
        return ReadCookieTicketAsync;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (_nearCache is not null)
        {
            await _nearCache.DisposeAsync();
        }
        if (_lease is not null)
        {
            if (_sessionRing is not null)
            {
                await _sessionRing.DeleteAsync(_lease.Multiplexer.GetDatabase());
            }
            await _lease.DisposeAsync();
        }
        _tokens?.Dispose();
    }

    /// <summary>The session-cached arm per request: the near cache's hit (lease check, memory lookup), the session arm's GETEX only on a miss.</summary>
    private async Task<int> LookUpCachedSessionAsync()
    {
        var session = await _nearSessions!.GetAsync(_sessionRing!.Ids[Next()]) ?? throw new InvalidOperationException("a ring session is missing");
        return session.Subject?.Length ?? 0;
    }

    private int Next()
    {
        var i = _next;
        _next = (i + 1) & Ring.Mask;
        return i;
    }

    /// <summary>One label's per-request authentication: the session lookup, a JWT verification, or a verification and its revocation read.</summary>
    [Benchmark]
    public Task<int> Authenticate() => _authenticate();

    /// <summary>The session arm per request: <see cref="RedisSessionStore.GetAsync"/> (one GETEX, parse into claims).</summary>
    private async Task<int> LookUpSessionAsync()
    {
        var session = await _sessions!.GetAsync(_sessionRing!.Ids[Next()]) ?? throw new InvalidOperationException("a ring session is missing");
        return session.Subject?.Length ?? 0;
    }

    /// <summary>
    /// The jwt arm per request: validation as JwtBearer runs it, the canonical-form policy the API adds, and the ClaimsIdentity it then takes from the result
    /// (built lazily), so both sides end with the user's claims in memory and read the subject.
    /// </summary>
    private async Task<int> VerifyAsync() => (await ValidateAsync()).ClaimsIdentity.Name?.Length ?? 0;

    /// <summary>A revocable bearer arm per request: the verification above, then the per-user revocation read the API does after the signature.</summary>
    private async Task<int> VerifyAndCheckRevocationAsync()
    {
        var result = await ValidateAsync();
        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<string>(ClaimProfiles.Sub, out var sub) || !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var issuedAt)
            || await _revocations!.IsRevokedAsync(sub, issuedAt))
        {
            throw new InvalidOperationException("a ring token lacks sub or iat, or is revoked");
        }
        return result.ClaimsIdentity.Name?.Length ?? 0;
    }

    /// <summary>
    /// A stock cookie arm per request, as <c>CookieAuthenticationHandler</c> reads the cookie: Data Protection's
    /// unprotect (AES-256-CBC + HMACSHA256) and ticket deserialisation, then, with a ticket store, the stored
    /// ticket (one HMGET, deserialised) named by the cookie's session-id claim.
    /// </summary>
    private async Task<int> ReadCookieTicketAsync()
    {
        var options = _cookieOptions!;
        var ticket = options.TicketDataFormat.Unprotect(_cookies![Next()]) ?? throw new InvalidOperationException("a ring cookie does not unprotect");
        if (options.SessionStore is { } store)
        {
            var key = ticket.Principal.FindFirst(CookieSessionIdClaim)?.Value ?? throw new InvalidOperationException("a ring cookie names no stored ticket");
            ticket = await store.RetrieveAsync(key) ?? throw new InvalidOperationException("a ring ticket is missing from the store");
        }
        return ticket.Principal.FindFirst(ClaimProfiles.Sub)?.Value.Length ?? 0;
    }

    /// <summary>The claim the stock handler puts the ticket store's key in (a private constant of <c>CookieAuthenticationHandler</c>).</summary>
    private const string CookieSessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    private async Task<TokenValidationResult> ValidateAsync()
    {
        var result = await _handler.ValidateTokenAsync(_tokens!.Tokens[Next()], _parameters);
        // The API's OnTokenValidated runs JwsPolicy on every valid token: it is part of the arm's per-request cost.
        if (!result.IsValid || JwsPolicy.FindViolation((JsonWebToken)result.SecurityToken) is not null)
        {
            throw result.Exception ?? new InvalidOperationException("JwsPolicy refused a ring token");
        }
        return result;
    }
}
