using System.Security.Claims;
using System.Text.Encodings.Web;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AuthBench.Api.Arms.Session;

/// <summary>
/// The session arm's handler: the id comes only from the <c>__Host-sid</c> cookie, one <c>GETEX</c> per request
/// reads the claims and slides the idle expiry. A store that does not answer fails closed with 503 + Retry-After.
/// Open for the arms that look the session up elsewhere first (<see cref="GetSessionAsync"/>).
/// </summary>
public class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    RedisSessionStore sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        switch (SessionCookie.Read(Request, out var id))
        {
            case CredentialCookie.Outcome.Absent:
                return AuthenticateResult.NoResult();
            case CredentialCookie.Outcome.Ambiguous:
                return AuthenticateResult.Fail("several session cookies, or one whose name differs in case");
        }
        if (string.IsNullOrEmpty(id))
        {
            return AuthenticateResult.NoResult();
        }
        if (!RedisSessionStore.IsWellFormedId(id))
        {
            return AuthenticateResult.Fail("malformed session id");
        }
        SessionData? session;
        try
        {
            session = await GetSessionAsync(id);
        }
        catch (StoreUnavailableException e)
        {
            return AuthenticateResult.Fail(e);
        }
        if (session is null)
        {
            return AuthenticateResult.Fail("unknown or expired session");
        }
        var identity = new ClaimsIdentity(session.Claims, Scheme.Name, ClaimProfiles.Sub, ClaimProfiles.Role);
        identity.AddClaim(new Claim(SessionClaims.SessionId, id));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    /// <summary>The session behind a well-formed id, or null; throws <see cref="StoreUnavailableException"/> when the store does not answer.</summary>
    protected virtual ValueTask<SessionData?> GetSessionAsync(string id) => new(sessions.GetAsync(id));

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is StoreUnavailableException)
        {
            await StoreOutage.WriteAsync(Context);
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
    }
}

/// <summary>Claim types the session arm adds to its principal.</summary>
public static class SessionClaims
{
    /// <summary>The id of the session that authenticated the request (for logout).</summary>
    public const string SessionId = "authbench:sid";
}
