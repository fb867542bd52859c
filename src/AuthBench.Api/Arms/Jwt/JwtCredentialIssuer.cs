using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Arms.Jwt;

/// <summary>
/// JWT arm: a signed access token, in the run's transport (<c>Authorization: Bearer</c>, or a cookie for the cookie
/// variant); nothing is kept server-side, so logout cannot end it before <c>exp</c>.
/// </summary>
public sealed class JwtCredentialIssuer(JwtTokens tokens, ArmDescriptor run) : ICredentialIssuer
{
    public Task<IResult> IssueAsync(DemoUser user, HttpContext context) => BearerTokens.IssueAsync(tokens, user, context, run);

    /// <summary>Nothing server-side; in the cookie transport the browser is told to drop the cookie.</summary>
    public Task RevokeAsync(HttpContext context)
    {
        TokenCookie.Delete(context, run);
        return Task.CompletedTask;
    }

    public Task<(long, string)> RevokeUserAsync(string sub) =>
        Task.FromResult((0L, $"{ArmCatalogue.Jwt.Name} arm: tokens cannot be revoked and stay valid until exp (up to {tokens.Lifetime.TotalSeconds:0} s)"));
}
