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
    /// After <c>POST /admin/users/{sub}/plan</c> has changed the directory: brings the credentials issued before it up
    /// to date where the arm keeps them server-side; returns how many it rewrote. The default does nothing, which is
    /// right for a self-contained credential (it keeps the plan it was minted with until it expires); an arm whose
    /// catalogue entry says <see cref="AuthBench.Contracts.Arms.PlanChangeEffect.SeenOnNextRequest"/> while its
    /// credential carries the plan overrides it, and the arm contract tests which one holds.
    /// </summary>
    Task<long> PlanChangedAsync(DemoUser user) => Task.FromResult(0L);
}

/// <summary>
/// An issuer whose credential is renewed through <c>POST /auth/refresh</c> (arms with
/// <see cref="AuthBench.Contracts.Arms.CredentialLifecycle.RefreshedThroughStore"/>); for the others that endpoint answers 404.
/// </summary>
public interface IRefreshingCredentialIssuer : ICredentialIssuer
{
    /// <summary>Exchanges the refresh token the request carries for new credentials; 401 for anything else.</summary>
    Task<IResult> RefreshAsync(HttpContext context);
}
