using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AuthBench.Api.Arms.AspNetCookie;

/// <summary>
/// aspnet-cookie arm: <c>SignInAsync</c> writes the ticket into the cookie. Nothing is kept server-side, so logout
/// only asks the client to drop the cookie: a copy of it stays valid until the ticket expires, as a JWT does.
/// </summary>
public sealed class AspNetCookieCredentialIssuer(AuthBenchOptions options, string authenticationScheme) : ICredentialIssuer
{
    public async Task<IResult> IssueAsync(DemoUser user, HttpContext context)
    {
        await context.SignInAsync(authenticationScheme, StockCookies.Principal(user, options.Claims, authenticationScheme));
        return StockCookies.LoginResponse(user);
    }

    public Task RevokeAsync(HttpContext context) => context.SignOutAsync(authenticationScheme);

    public Task<(long, string)> RevokeUserAsync(string sub) =>
        Task.FromResult((0L, $"{ArmCatalogue.AspNetCookie.Name} arm: a self-contained ticket cannot be revoked and stays valid until it expires "
            + $"({new CookieAuthenticationOptions().ExpireTimeSpan.TotalDays:0} days after issue or its last sliding renewal)"));
}
