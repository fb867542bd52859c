using AuthBench.Contracts.Arms;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;

namespace AuthBench.Api.Arms.AspNetCookieStore;

/// <summary>
/// aspnet-cookie-store arm: <c>SignInAsync</c> stores the ticket and the cookie carries a protected ticket that
/// holds only its key; logout signs out (the handler deletes the stored ticket); the admin revoke deletes every
/// ticket of the user through the per-user index.
/// </summary>
public sealed class AspNetCookieStoreCredentialIssuer(
    RedisTicketStore tickets, AuthBenchOptions options, IServiceScopeFactory scopes, string authenticationScheme) : ICredentialIssuer
{
    /// <summary>
    /// No fixation. The stock handler, signing in on a request that carries a valid ticket key, stores the new
    /// ticket under that same key (aspnetcore#22135), so a key planted before the login would survive it. Here the
    /// presented ticket is deleted and the sign-in runs on a handler of its own, which finds no ticket and stores
    /// the new one under a fresh key.
    /// </summary>
    public async Task<IResult> IssueAsync(DemoUser user, HttpContext context)
    {
        var principal = StockCookies.Principal(user, options.Claims, authenticationScheme);
        if (context.Items[RedisTicketStore.PresentedKeyItem] is not string presented)
        {
            await context.SignInAsync(authenticationScheme, principal);
            return StockCookies.LoginResponse(user);
        }
        await tickets.RemoveAsync(presented);
        context.Items[TicketStoreCookieHandler.SignedInElsewhereItem] = true;
        var requestServices = context.RequestServices;
        await using var scope = scopes.CreateAsyncScope();
        context.RequestServices = scope.ServiceProvider;
        try
        {
            await context.SignInAsync(authenticationScheme, principal);
        }
        finally
        {
            context.RequestServices = requestServices;
        }
        return StockCookies.LoginResponse(user);
    }

    public Task RevokeAsync(HttpContext context) => context.SignOutAsync(authenticationScheme);

    public async Task<(long, string)> RevokeUserAsync(string sub) =>
        (await tickets.RevokeUserAsync(sub), $"{ArmCatalogue.AspNetCookieStore.Name} arm: every stored ticket of the user is deleted; the next request gets 401");
}
