namespace AuthBench.Api.Arms;

/// <summary>
/// Reads a credential cookie from the raw <c>Cookie</c> header, for every arm that carries its credential in a cookie
/// (the session id, a JWT in the cookie transport). <c>Request.Cookies</c> matches names case-insensitively and
/// silently picks one of several cookies with the same name; for a credential both are unsafe: a cookie an attacker
/// could plant (<c>__HOST-sid</c>, which older browsers did not treat as <c>__Host-</c>) must not be read as ours,
/// and a request carrying two candidate credentials is refused rather than guessed.
/// </summary>
public static class CredentialCookie
{
    public enum Outcome
    {
        /// <summary>No cookie of that name in any letter case: the request is anonymous.</summary>
        Absent,
        /// <summary>Exactly one, with exactly the cookie's name.</summary>
        Found,
        /// <summary>Several, or one whose name differs in letter case: refused.</summary>
        Ambiguous,
    }

    public static Outcome Read(HttpRequest request, string cookieName, out string? value)
    {
        value = null;
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
                if (!name.Equals(cookieName, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                candidates++;
                exact = name.SequenceEqual(cookieName);
                value = eq < 0 ? "" : pair[(eq + 1)..].Trim(' ').ToString();
            }
        }
        if (candidates == 0)
        {
            return Outcome.Absent;
        }
        if (candidates > 1 || !exact)
        {
            value = null;
            return Outcome.Ambiguous;
        }
        return Outcome.Found;
    }

    /// <summary>Every value sent under <paramref name="cookieName"/> in any letter case (login and logout end them all).</summary>
    public static List<string> All(HttpRequest request, string cookieName)
    {
        var values = new List<string>();
        foreach (var header in request.Headers.Cookie)
        {
            foreach (var pair in (header ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && pair[..eq].Trim().Equals(cookieName, StringComparison.OrdinalIgnoreCase))
                {
                    values.Add(pair[(eq + 1)..].Trim());
                }
            }
        }
        return values;
    }
}
