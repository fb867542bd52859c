using System.Security.Claims;
using System.Xml.Linq;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthBench.Api.Arms;

/// <summary>
/// What the two arms built on ASP.NET Core's stock cookie handler share: the Data Protection key ring, the cookie's
/// attributes, API answers (401/403) instead of the handler's redirects, a cookie manager that refuses ambiguous
/// cookies, and the claims a login puts into the ticket. Lifetime and sliding expiration stay as shipped.
/// </summary>
public static class StockCookies
{
    /// <summary>The Data Protection application name: APIs sharing a <c>--dp-keys</c> folder read each other's tickets.</summary>
    public const string ApplicationName = "AuthBench";

    /// <summary>
    /// The key ring, once per process: in memory and created at start, or the folder of <c>--dp-keys</c> (created
    /// when missing; the keys are stored unencrypted, as Data Protection does on Linux without a key encryptor).
    /// </summary>
    public static IServiceCollection AddTicketKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KeyManagementOptions>, KeyRingLocation>());
        return services;
    }

    /// <summary>The options both arms set on <see cref="CookieAuthenticationOptions"/>; everything else is the stock default.</summary>
    public static void Configure(CookieAuthenticationOptions cookie, string cookieName)
    {
        // A __Host- cookie: Secure, Path=/, no Domain (RFC 6265bis §4.1.3.2), so no subdomain can plant or read it.
        cookie.Cookie.Name = cookieName;
        cookie.Cookie.Path = "/";
        cookie.Cookie.Domain = null;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.IsEssential = true;
        cookie.CookieManager = new StrictCookieManager();
        // The stock handler redirects to /Account/Login and /Account/AccessDenied; an API answers with a status.
        cookie.Events = new CookieAuthenticationEvents
        {
            OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            },
            OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            },
            OnRedirectToLogout = _ => Task.CompletedTask,
            OnRedirectToReturnUrl = _ => Task.CompletedTask,
        };
    }

    /// <summary>The principal a login signs in: the user's claims under the configured profile, as the other arms carry them.</summary>
    public static ClaimsPrincipal Principal(DemoUser user, ClaimProfile profile, string authenticationType)
    {
        var claims = new List<Claim>(64);
        foreach (var (name, value) in ClaimProfiles.ForUser(user, profile))
        {
            switch (value)
            {
                case string s:
                    claims.Add(new Claim(name, s));
                    break;
                case bool b:
                    claims.Add(new Claim(name, b ? "true" : "false", ClaimValueTypes.Boolean));
                    break;
                case IEnumerable<string> list:
                    claims.AddRange(list.Select(item => new Claim(name, item)));
                    break;
                default:
                    throw new ArgumentException($"claim '{name}' has an unsupported value type {value?.GetType().Name}");
            }
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimProfiles.Sub, ClaimProfiles.Role));
    }

    /// <summary>The login response body: the same as the session arm's (the credential travels in <c>Set-Cookie</c>).</summary>
    public static IResult LoginResponse(DemoUser user) =>
        TypedResults.Json(new SessionLoginResponse(user.Sub), AppJsonContext.Default.SessionLoginResponse);

    /// <summary>Points Data Protection at the key ring the options name; the process's other Data Protection settings are the defaults.</summary>
    private sealed class KeyRingLocation(AuthBenchOptions options, ILoggerFactory loggers) : IConfigureOptions<KeyManagementOptions>
    {
        public void Configure(KeyManagementOptions keys) =>
            keys.XmlRepository = options.DataProtectionKeys is { } folder
                ? new FileSystemXmlRepository(new DirectoryInfo(folder), loggers)
                : new InMemoryXmlRepository();
    }

    /// <summary>
    /// A key ring that lives as long as the process (hand-written: Data Protection's own in-memory repository is
    /// internal). Without it the default on Linux is <c>~/.aspnet/DataProtection-Keys</c>, shared by every process of
    /// the user and kept across runs.
    /// </summary>
    private sealed class InMemoryXmlRepository : IXmlRepository
    {
        private readonly Lock _lock = new();
        private readonly List<XElement> _elements = [];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (_lock)
            {
                return [.. _elements.Select(e => new XElement(e))];
            }
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (_lock)
            {
                _elements.Add(new XElement(element));
            }
        }
    }
}

/// <summary>
/// The stock <see cref="ChunkingCookieManager"/>, except that a request carrying the cookie (or one of its chunks)
/// twice, or under a name that differs in letter case, is treated as carrying none: <c>Request.Cookies</c> would
/// silently pick one of them, and a cookie a subdomain could plant must not be read as ours. Hand-written, for the
/// same reason as the session arm's <c>SessionCookie</c>.
/// </summary>
public sealed class StrictCookieManager : ICookieManager
{
    private readonly ChunkingCookieManager _inner = new();

    public string? GetRequestCookie(HttpContext context, string key) =>
        IsAmbiguous(context.Request, key) ? null : _inner.GetRequestCookie(context, key);

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
        _inner.AppendResponseCookie(context, key, value, options);

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) => _inner.DeleteCookie(context, key, options);

    /// <summary>Whether the cookie or a chunk (<c>keyC1</c>, <c>keyC2</c>, …) comes twice, or once with other letter case.</summary>
    public static bool IsAmbiguous(HttpRequest request, string key)
    {
        HashSet<string>? seen = null;
        foreach (var header in request.Headers.Cookie)
        {
            foreach (var pair in (header ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = (eq < 0 ? pair : pair[..eq]).Trim();
                if (!IsCookieOrChunk(name, key))
                {
                    continue;
                }
                seen ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                if (!seen.Add(name) || !name.StartsWith(key, StringComparison.Ordinal) || (name.Length > key.Length && name[key.Length] != 'C'))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool IsCookieOrChunk(string name, string key)
    {
        if (!name.StartsWith(key, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (name.Length == key.Length)
        {
            return true;
        }
        var rest = name.AsSpan(key.Length);
        return rest.Length > 1 && (rest[0] is 'C' or 'c') && rest[1..].IndexOfAnyExceptInRange('0', '9') < 0;
    }
}
