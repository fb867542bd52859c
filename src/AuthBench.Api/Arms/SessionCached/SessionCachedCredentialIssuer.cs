using AuthBench.Api.Arms.Session;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Arms.SessionCached;

/// <summary>
/// The session arm's issuer, and after each change to the store the near cache's copies dropped on every instance:
/// logout (the sessions the request carried), the admin revoke (every session of the user, ids read from the
/// per-user index first) and a plan change (the same ids, after the session arm updated whatever it keeps).
/// </summary>
public sealed class SessionCachedCredentialIssuer(SessionCredentialIssuer session, RedisSessionStore sessions, SessionNearCache near) : ICredentialIssuer
{
    public async Task<IResult> IssueAsync(DemoUser user, HttpContext context)
    {
        // The session issuer ends whatever session the client brought (no fixation); those go first here, so that no
        // instance keeps serving one after the new cookie is out. (The session issuer's own DEL then finds nothing.)
        var previous = SessionCookie.All(context.Request);
        foreach (var id in previous)
        {
            await sessions.DeleteAsync(id);
        }
        await near.InvalidateAsync(previous);
        return await session.IssueAsync(user, context);
    }

    public async Task RevokeAsync(HttpContext context)
    {
        var ids = SessionCookie.All(context.Request);
        await session.RevokeAsync(context);
        await near.InvalidateAsync(ids);
    }

    public async Task<(long, string)> RevokeUserAsync(string sub)
    {
        var ids = await sessions.UserSessionIdsAsync(sub);
        var (revoked, _) = await session.RevokeUserAsync(sub);
        await near.InvalidateAsync(ids);
        return (revoked, $"{ArmCatalogue.SessionCached.Name} arm: every session of the user is deleted and dropped from every instance's near cache; the next request gets 401");
    }

    public async Task<long> PlanChangedAsync(DemoUser user)
    {
        // The ids first: the session arm's rewrite drops dead ones from the per-user index.
        var ids = await sessions.UserSessionIdsAsync(user.Sub);
        var rewritten = await session.PlanChangedAsync(user);
        await near.InvalidateAsync(ids);
        return rewritten;
    }
}
