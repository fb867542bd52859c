using AuthBench.Contracts.Arms;

namespace AuthBench.Api.Arms.Session;

/// <summary>The session id from the <c>__Host-sid</c> cookie, read strictly (<see cref="CredentialCookie"/>: exact name, exactly one).</summary>
public static class SessionCookie
{
    public static CredentialCookie.Outcome Read(HttpRequest request, out string? id) =>
        CredentialCookie.Read(request, ArmCatalogue.SessionCookieName, out id);

    /// <summary>Every value sent under the session cookie's name in any letter case (login and logout end them all).</summary>
    public static List<string> All(HttpRequest request) => CredentialCookie.All(request, ArmCatalogue.SessionCookieName);
}
