using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Arms.Session;

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
        context.Response.Cookies.Append(ArmCatalogue.SessionCookieName, id, CookieOptions);
        return TypedResults.Json(new SessionLoginResponse(user.Sub), AppJsonContext.Default.SessionLoginResponse);
    }

    public async Task RevokeAsync(HttpContext context)
    {
        foreach (var id in SessionCookie.All(context.Request))
        {
            await sessions.DeleteAsync(id);
        }
        context.Response.Cookies.Delete(ArmCatalogue.SessionCookieName, CookieOptions);
    }

    /// <summary>
    /// The session holds the claims it was created with, so a plan change rewrites them in every session of the user
    /// (<see cref="RedisSessionStore.SetClaimInUserSessionsAsync"/>: three round trips per change, none added per request).
    /// </summary>
    public Task<long> PlanChangedAsync(DemoUser user) => sessions.SetClaimInUserSessionsAsync(user.Sub, ClaimProfiles.Plan, user.Plan);

    public async Task<(long, string)> RevokeUserAsync(string sub) =>
        (await sessions.DeleteUserSessionsAsync(sub), $"{ArmCatalogue.Session.Name} arm: every session of the user is deleted; the next request gets 401");
}
