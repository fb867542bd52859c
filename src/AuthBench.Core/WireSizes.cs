using System.Text;
using AuthBench.Contracts.Arms;

namespace AuthBench.Core;

/// <summary>Exact bytes a credential costs on the wire, per HTTP/1.1 request (the header line and its CRLF).</summary>
public static class WireSizes
{
    /// <summary><c>Authorization: Bearer &lt;token&gt;\r\n</c></summary>
    public static int BearerHeaderLine(string token) => Encoding.ASCII.GetByteCount("Authorization: Bearer ") + Encoding.ASCII.GetByteCount(token) + 2;

    /// <summary><c>Cookie: __Host-sid=&lt;id&gt;\r\n</c></summary>
    public static int CookieHeaderLine(string sessionId) => Encoding.ASCII.GetByteCount("Cookie: " + ArmCatalogue.SessionCookieName + "=") + Encoding.ASCII.GetByteCount(sessionId) + 2;

    /// <summary><c>Cookie: __Host-jwt=&lt;token&gt;\r\n</c>: the same token in the token arms' cookie transport.</summary>
    public static int TokenCookieHeaderLine(string token) =>
        Encoding.ASCII.GetByteCount("Cookie: " + ArmCatalogue.TokenCookieName + "=") + Encoding.ASCII.GetByteCount(token) + 2;
}
