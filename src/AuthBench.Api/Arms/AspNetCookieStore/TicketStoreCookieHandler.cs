using System.Text.Encodings.Web;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace AuthBench.Api.Arms.AspNetCookieStore;

/// <summary>
/// The stock <see cref="CookieAuthenticationHandler"/>, failing closed. The stock handler lets an exception of its
/// <see cref="ITicketStore"/> escape from authentication, so a store outage would reach the exception handler (a 503,
/// but with its own cache headers, and on every request that carries the cookie, <c>/health</c> included). Here it
/// becomes a failed authentication and the challenge answers 503 + Retry-After, as in the session arm. Nothing else
/// of the handler changes.
/// </summary>
public sealed class TicketStoreCookieHandler(IOptionsMonitor<CookieAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : CookieAuthenticationHandler(options, logger, encoder)
{
    /// <summary>Set by the login when it signed in on a handler of its own (<see cref="AspNetCookieStoreCredentialIssuer"/>).</summary>
    internal static readonly object SignedInElsewhereItem = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        try
        {
            return await base.HandleAuthenticateAsync();
        }
        catch (StoreUnavailableException e)
        {
            return AuthenticateResult.Fail(e);
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is StoreUnavailableException)
        {
            await StoreOutage.WriteAsync(Context);
            return;
        }
        await base.HandleChallengeAsync(properties);
    }

    /// <summary>
    /// The sliding renewal runs as the response starts, after the request was authenticated by a successful read.
    /// A store that fails in between leaves the stored ticket with its old expiry rather than turning a served
    /// response into a 500. After a login replaced the presented ticket there is nothing to renew.
    /// </summary>
    protected override async Task FinishResponseAsync()
    {
        if (Context.Items.ContainsKey(SignedInElsewhereItem))
        {
            return;
        }
        try
        {
            await base.FinishResponseAsync();
        }
        catch (StoreUnavailableException)
        {
            // Fail closed on the next request, which reads the store again.
        }
    }
}
