using AuthBench.Contracts.Arms;

namespace AuthBench.Api.Arms.Session;

/// <summary>
/// Reads the session id from the raw <c>Cookie</c> header. <c>Request.Cookies</c> matches names case-insensitively
/// and silently picks one of several cookies with the same name; for a session id both are unsafe: a cookie an
/// attacker could plant (<c>__HOST-sid</c>, which older browsers did not treat as <c>__Host-</c>) must not be read as ours,
/// and a request carrying two candidate ids is refused rather than guessed.
/// </summary>
public static class SessionCookie
{
    public enum Outcome
    {
        /// <summary>No cookie of that name in any letter case: the request is anonymous.</summary>
        Absent,
        /// <summary>Exactly one, with exactly the session cookie's name.</summary>
        Found,
        /// <summary>Several, or one whose name differs in letter case: refused.</summary>
        Ambiguous,
    }

    public static Outcome Read(HttpRequest request, out string? id)
    {
        id = null;
        var candidates = 0;
        var exact = false;
        foreach (var header in request.Headers.Cookie)
        {
            var rest = header.AsSpan();
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf(';');
                var pair = (end < 0 ? rest : rest[..end]).Trim(' ');
                rest = end < 0 ? [] : rest[(end + 1)..];
                var eq = pair.IndexOf('=');
                var name = (eq < 0 ? pair : pair[..eq]).Trim(' ');
                if (!name.Equals(ArmCatalogue.SessionCookieName, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                candidates++;
                exact = name.SequenceEqual(ArmCatalogue.SessionCookieName);
                id = eq < 0 ? "" : pair[(eq + 1)..].Trim(' ').ToString();
            }
        }
        if (candidates == 0)
        {
            return Outcome.Absent;
        }
        if (candidates > 1 || !exact)
        {
            id = null;
            return Outcome.Ambiguous;
        }
        return Outcome.Found;
    }

    /// <summary>Every value sent under the session cookie's name in any letter case (login and logout end them all).</summary>
    public static List<string> All(HttpRequest request)
    {
        var values = new List<string>();
        foreach (var header in request.Headers.Cookie)
        {
            foreach (var pair in (header ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && pair[..eq].Trim().Equals(ArmCatalogue.SessionCookieName, StringComparison.OrdinalIgnoreCase))
                {
                    values.Add(pair[(eq + 1)..].Trim());
                }
            }
        }
        return values;
    }
}
