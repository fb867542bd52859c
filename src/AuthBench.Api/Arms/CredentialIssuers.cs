using AuthBench.Api.Hosting;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;

namespace AuthBench.Api.Arms;

/// <summary>What an arm hands out at login and takes back at logout; the endpoints are the same for every arm.</summary>
public interface ICredentialIssuer
{
    Task<IResult> IssueAsync(DemoUser user, HttpContext context);

    Task RevokeAsync(HttpContext context);

    /// <summary>Revokes every credential of a user that the arm can revoke; returns how many it revoked.</summary>
    Task<(long Revoked, string Note)> RevokeUserAsync(string sub);
}

/// <summary>The baseline: no credential at all.</summary>
public sealed class NoCredentialIssuer : ICredentialIssuer
{
    public Task<IResult> IssueAsync(DemoUser user, HttpContext context) =>
        Task.FromResult<IResult>(TypedResults.Json(new SessionLoginResponse(user.Sub), AppJsonContext.Default.SessionLoginResponse));

    public Task RevokeAsync(HttpContext context) => Task.CompletedTask;

    public Task<(long, string)> RevokeUserAsync(string sub) => Task.FromResult((0L, "none arm: there is nothing to revoke"));
}

/// <summary>Session arm: a fresh id per login in a <c>__Host-</c> cookie; logout deletes the server-side session.</summary>
public sealed class SessionCredentialIssuer(RedisSessionStore sessions, AuthBenchOptions options) : ICredentialIssuer
{
    private static readonly CookieOptions CookieOptions = new()
    {
        Path = "/",
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        IsEssential = true,
    };

    public async Task<IResult> IssueAsync(DemoUser user, HttpContext context)
    {
        // No fixation: whatever session the client brought is ended, and the new one gets a new id.
        foreach (var previous in SessionCookie.All(context.Request))
        {
            await sessions.DeleteAsync(previous);
        }
        var id = await sessions.CreateAsync(ClaimProfiles.ForUser(user, options.Claims));
        context.Response.Cookies.Append(WireSizes.SessionCookieName, id, CookieOptions);
        return TypedResults.Json(new SessionLoginResponse(user.Sub), AppJsonContext.Default.SessionLoginResponse);
    }

    public async Task RevokeAsync(HttpContext context)
    {
        foreach (var id in SessionCookie.All(context.Request))
        {
            await sessions.DeleteAsync(id);
        }
        context.Response.Cookies.Delete(WireSizes.SessionCookieName, CookieOptions);
    }

    public async Task<(long, string)> RevokeUserAsync(string sub) =>
        (await sessions.DeleteUserSessionsAsync(sub), "session arm: every session of the user is deleted; the next request gets 401");
}

/// <summary>
/// jwt-denylist arm: the jwt arm's token, plus a per-user revocation marker in the store. Logout and the admin
/// revoke end every token of the user issued so far (the tokens carry no <c>jti</c>, so revocation is per user).
/// </summary>
public sealed class JwtDenylistCredentialIssuer(JwtTokens tokens, RevocationList revocations) : ICredentialIssuer
{
    private readonly JwtCredentialIssuer _issuer = new(tokens);

    public Task<IResult> IssueAsync(DemoUser user, HttpContext context) => _issuer.IssueAsync(user, context);

    public async Task RevokeAsync(HttpContext context)
    {
        // Logout is anonymous in every arm; only a token that still authenticates names a user to revoke.
        var result = await context.AuthenticateAsync(SchemeNames.JwtDenylist);
        if (result.Failure is StoreUnavailableException failure)
        {
            throw failure;
        }
        if (result.Principal?.FindFirst(ClaimProfiles.Sub)?.Value is { Length: > 0 } sub)
        {
            await revocations.RevokeUserAsync(sub);
        }
    }

    public async Task<(long, string)> RevokeUserAsync(string sub)
    {
        await revocations.RevokeUserAsync(sub);
        return (1, "jwt-denylist arm: every token of the user issued so far is rejected from the next request on");
    }
}

/// <summary>JWT arm: a signed access token; nothing is kept server-side, so logout cannot end it before <c>exp</c>.</summary>
public sealed class JwtCredentialIssuer(JwtTokens tokens) : ICredentialIssuer
{
    public Task<IResult> IssueAsync(DemoUser user, HttpContext context)
    {
        var token = tokens.Issue(user);
        var response = new TokenResponse(token, "Bearer", (int)tokens.Lifetime.TotalSeconds);
        return Task.FromResult<IResult>(TypedResults.Json(response, AppJsonContext.Default.TokenResponse));
    }

    public Task RevokeAsync(HttpContext context) => Task.CompletedTask;

    public Task<(long, string)> RevokeUserAsync(string sub) =>
        Task.FromResult((0L, $"jwt arm: tokens cannot be revoked and stay valid until exp (up to {tokens.Lifetime.TotalSeconds:0} s)"));
}
