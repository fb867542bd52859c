using AuthBench.Contracts.Arms;

namespace AuthBench.Api.Arms.Hybrid;

/// <summary>
/// The refresh token's transport: an HttpOnly, Secure, SameSite=Strict cookie on <c>Path=/auth</c>, so a browser sends
/// it to <c>/auth/refresh</c> and <c>/auth/logout</c> and never to <c>/api</c>, and script cannot read it. Read by
/// <see cref="CredentialCookie"/>, the strict reader every cookie arm shares: a name in another letter case or two candidates are refused, not guessed.
/// </summary>
public static class RefreshCookie
{
    public const string Path = "/auth";

    private static readonly CookieOptions Options = new()
    {
        Path = Path,
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        IsEssential = true,
    };

    public static void Set(HttpResponse response, string token, TimeSpan maxAge) =>
        response.Cookies.Append(ArmCatalogue.RefreshCookieName, token, new CookieOptions(Options) { MaxAge = maxAge });

    public static void Clear(HttpResponse response) => response.Cookies.Delete(ArmCatalogue.RefreshCookieName, Options);

    /// <summary>The one refresh token the request carries, or null when there is none, or several, or one under a differently cased name.</summary>
    public static string? ReadSingle(HttpRequest request) =>
        CredentialCookie.Read(request, ArmCatalogue.RefreshCookieName, out var value) is CredentialCookie.Outcome.Found ? value : null;

    /// <summary>Every value sent under the refresh cookie's name in any letter case (logout ends them all).</summary>
    public static List<string> All(HttpRequest request) => CredentialCookie.All(request, ArmCatalogue.RefreshCookieName);
}
