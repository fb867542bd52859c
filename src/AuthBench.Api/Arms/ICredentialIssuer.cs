using AuthBench.Core;

namespace AuthBench.Api.Arms;

/// <summary>What an arm hands out at login and takes back at logout; the endpoints are the same for every arm.</summary>
public interface ICredentialIssuer
{
    Task<IResult> IssueAsync(DemoUser user, HttpContext context);

    Task RevokeAsync(HttpContext context);

    /// <summary>Revokes every credential of a user that the arm can revoke; returns how many it revoked.</summary>
    Task<(long Revoked, string Note)> RevokeUserAsync(string sub);

    /// <summary>
    /// Called after a user's profile changed (the admin plan change), so that an arm holding a copy of it can drop or
    /// update that copy. Nothing by default: most arms keep no copy they could change.
    /// </summary>
    Task UserChangedAsync(string sub) => Task.CompletedTask;
}
