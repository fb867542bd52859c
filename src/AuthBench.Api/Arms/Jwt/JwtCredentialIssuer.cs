using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Arms.Jwt;

/// <summary>JWT arm: a signed access token; nothing is kept server-side, so logout cannot end it before <c>exp</c>.</summary>
public sealed class JwtCredentialIssuer(JwtTokens tokens) : ICredentialIssuer
{
    public Task<IResult> IssueAsync(DemoUser user, HttpContext context) => BearerTokens.IssueAsync(tokens, user);

    public Task RevokeAsync(HttpContext context) => Task.CompletedTask;

    public Task<(long, string)> RevokeUserAsync(string sub) =>
        Task.FromResult((0L, $"{ArmCatalogue.Jwt.Name} arm: tokens cannot be revoked and stay valid until exp (up to {tokens.Lifetime.TotalSeconds:0} s)"));
}
