using AuthBench.Api.Arms.Hybrid;
using AuthBench.Contracts.Arms;

namespace AuthBench.Api.Arms;

/// <summary>
/// The CSRF defence of every run with a credential in a cookie (a browser attaches cookies by itself; a bearer
/// header it never does): the API credential, or a refresh token. Two layers: the cookies are <c>SameSite=Strict</c>, so a browser does not send them
/// on a cross-site request at all; and a state-changing request (any method but GET, HEAD, OPTIONS, TRACE) that a
/// browser marks as cross-origin is refused with 403 before authentication. The check is the Fetch Metadata one of
/// Go 1.25's <c>http.CrossOriginProtection</c> (and of the middleware ASP.NET Core ships from .NET 11; .NET 10 has
/// none, so it is written here): <c>Sec-Fetch-Site</c> when present (only <c>same-origin</c> and <c>none</c> pass),
/// else <c>Origin</c> against <c>Host</c>; a request with neither header is not from a browser that supports either,
/// and passes (the load tool, curl; SameSite still covers browsers). A bearer run with a refresh cookie (hybrid) is
/// guarded where that cookie goes, under <see cref="RefreshCookie.Path"/>: refresh and logout act on it.
/// </summary>
public static class CrossOriginGuard
{
    public const string SecFetchSite = "Sec-Fetch-Site";

    /// <summary>
    /// Adds the guard where a browser would attach a cookie of the run by itself: every path when the credential is
    /// a cookie, the refresh cookie's path when the run has one; a bearer or credential-free run without one gets nothing.
    /// </summary>
    public static WebApplication UseCrossOriginGuard(this WebApplication app, ArmDescriptor run)
    {
        if (GuardedPath(run) is { } guarded)
        {
            app.Use(next => context => !context.Request.Path.StartsWithSegments(guarded) || IsAllowed(context.Request) ? next(context) : RejectAsync(context));
        }
        return app;
    }

    /// <summary>The paths a run's cookies reach (<see cref="PathString.Empty"/>: all of them), or null when it sets none.</summary>
    public static PathString? GuardedPath(ArmDescriptor run) => run.Transport switch
    {
        CredentialTransport.Cookie => PathString.Empty,
        CredentialTransport.BearerHeader or CredentialTransport.None => run.Lifecycle switch
        {
            CredentialLifecycle.RefreshedThroughStore => new PathString(RefreshCookie.Path),
            // Typed: a bare null would become an empty PathString through its conversion from string, and guard every path.
            CredentialLifecycle.None or CredentialLifecycle.LoginOnceSelfContained or CredentialLifecycle.LoginOnceHeldByStore => (PathString?)null,
        },
    };

    /// <summary>Whether a request may proceed: safe methods always; others unless a browser says they are cross-origin.</summary>
    public static bool IsAllowed(HttpRequest request)
    {
        var method = request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return true;
        }
        var site = request.Headers[SecFetchSite];
        if (site.Count > 0)
        {
            // same-site is refused too: a sibling subdomain is another origin, and SameSite does not separate it.
            return site.Count == 1 && site[0] is "same-origin" or "none";
        }
        var origin = request.Headers.Origin;
        if (origin.Count == 0)
        {
            return true;
        }
        // "null" (a sandboxed or privacy-sensitive context) and anything unparsable are refused.
        return origin.Count == 1
            && Uri.TryCreate(origin[0], UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && request.Host.HasValue
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static Task RejectAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status403Forbidden;
        response.Headers.CacheControl = "no-store";
        return response.WriteAsJsonAsync(new ErrorResponse("cross_origin_request"), AppJsonContext.Default.ErrorResponse);
    }
}
