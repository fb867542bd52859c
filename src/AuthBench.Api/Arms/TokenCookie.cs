using AuthBench.Contracts.Arms;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AuthBench.Api.Arms;

/// <summary>
/// The cookie transport of the token arms: the same JWT, validated by the same JwtBearer handler, carried in an
/// HttpOnly <c>__Host-</c> cookie instead of <c>Authorization: Bearer</c>. The handler reads it from the cookie and
/// never from both: a request in this transport that also carries an <c>Authorization</c> header is refused.
/// </summary>
public static class TokenCookie
{
    /// <summary>What the cookie is set with; its <c>Max-Age</c> is the token's lifetime, so the browser drops both together.</summary>
    public static CookieOptions Options(TimeSpan lifetime) => new()
    {
        Path = "/",
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        IsEssential = true,
        MaxAge = lifetime,
    };

    /// <summary>What the cookie is deleted with: the attributes a <c>__Host-</c> cookie needs, an expiry in the past.</summary>
    private static readonly CookieOptions DeleteOptions = new()
    {
        Path = "/",
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        IsEssential = true,
    };

    /// <summary>
    /// <see cref="JwtBearerEvents.OnMessageReceived"/> for the cookie transport: the token is the value of exactly one
    /// cookie named exactly <paramref name="cookieName"/>. No cookie is an anonymous request (JwtBearer must then not
    /// fall back to the header, so the result is set); two cookies, one in another letter case, or any
    /// <c>Authorization</c> header beside or instead of the cookie fail authentication.
    /// </summary>
    public static Task ReadAsync(MessageReceivedContext context, string cookieName)
    {
        if (context.Request.Headers.Authorization.Count > 0)
        {
            context.Fail("the cookie transport takes no Authorization header");
            return Task.CompletedTask;
        }
        switch (CredentialCookie.Read(context.Request, cookieName, out var token))
        {
            case CredentialCookie.Outcome.Absent:
                context.NoResult();
                break;
            case CredentialCookie.Outcome.Ambiguous:
                context.Fail("several token cookies, or one whose name differs in case");
                break;
            case CredentialCookie.Outcome.Found when string.IsNullOrEmpty(token):
                context.NoResult();
                break;
            case CredentialCookie.Outcome.Found:
                context.Token = token;
                break;
        }
        return Task.CompletedTask;
    }

    /// <summary>Logout's client side in the cookie transport: the browser drops the cookie (what the server keeps is the arm's business).</summary>
    public static void Delete(HttpContext context, ArmDescriptor run)
    {
        if (run.Transport is CredentialTransport.Cookie)
        {
            context.Response.Cookies.Delete(run.CookieName!, DeleteOptions);
        }
    }
}
