using System.Text.Encodings.Web;
using AuthBench.Api.Arms.Session;
using AuthBench.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AuthBench.Api.Arms.SessionCached;

/// <summary>The session arm's handler (cookie rules, outcomes, 503 on a store failure), looking the session up in the near cache first.</summary>
public sealed class SessionCachedAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    RedisSessionStore sessions,
    SessionNearCache near)
    : SessionAuthenticationHandler(options, logger, encoder, sessions)
{
    protected override ValueTask<SessionData?> GetSessionAsync(string id) => near.GetAsync(id);
}
