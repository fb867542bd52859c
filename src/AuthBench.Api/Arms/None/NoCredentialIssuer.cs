using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Arms.None;

/// <summary>The baseline: no credential at all.</summary>
public sealed class NoCredentialIssuer : ICredentialIssuer
{
    public Task<IResult> IssueAsync(DemoUser user, HttpContext context) =>
        Task.FromResult<IResult>(TypedResults.Json(new SessionLoginResponse(user.Sub), AppJsonContext.Default.SessionLoginResponse));

    public Task RevokeAsync(HttpContext context) => Task.CompletedTask;

    public Task<(long, string)> RevokeUserAsync(string sub) => Task.FromResult((0L, $"{ArmCatalogue.None.Name} arm: there is nothing to revoke"));
}
