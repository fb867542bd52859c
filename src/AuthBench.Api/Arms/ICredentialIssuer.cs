using AuthBench.Core;

namespace AuthBench.Api.Arms;

/// <summary>What an arm hands out at login and takes back at logout; the endpoints are the same for every arm.</summary>
public interface ICredentialIssuer
{
    Task<IResult> IssueAsync(DemoUser user, HttpContext context);

    Task RevokeAsync(HttpContext context);

    /// <summary>Revokes every credential of a user that the arm can revoke; returns how many it revoked.</summary>
    Task<(long Revoked, string Note)> RevokeUserAsync(string sub);
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
