using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;

namespace AuthBench.Api.Arms.JwtDenylist;

/// <summary>
/// jwt-denylist arm: the jwt arm's token, plus a per-user revocation marker in the store. Logout and the admin
/// revoke end every token of the user issued so far (the tokens carry no <c>jti</c>, so revocation is per user).
/// The token travels in the run's transport (<c>Authorization: Bearer</c>, or a cookie for the cookie variant).
/// Shared by the revocable bearer arms, each with its own revocation list and catalogue entry.
/// </summary>
public sealed class JwtDenylistCredentialIssuer(JwtTokens tokens, IRevocationList revocations, string authenticationScheme, ArmDescriptor run)
    : ICredentialIssuer
{
    public Task<IResult> IssueAsync(DemoUser user, HttpContext context) => BearerTokens.IssueAsync(tokens, user, context, run);

    public async Task RevokeAsync(HttpContext context)
    {
        // Logout is anonymous in every arm; only a token that still authenticates names a user to revoke.
        var result = await context.AuthenticateAsync(authenticationScheme);
        if (result.Failure is StoreUnavailableException failure)
        {
            throw failure;
        }
        if (result.Principal?.FindFirst(ClaimProfiles.Sub)?.Value is { Length: > 0 } sub)
        {
            await revocations.RevokeUserAsync(sub);
        }
        // Only after the store has answered: a logout that failed with 503 leaves the cookie in place.
        TokenCookie.Delete(context, run);
    }

    public async Task<(long, string)> RevokeUserAsync(string sub)
    {
        await revocations.RevokeUserAsync(sub);
        return (1, $"{run.Name} arm: every token of the user issued so far is rejected from the next request on");
    }
}
