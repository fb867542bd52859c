using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.TestSupport;

/// <summary>Small HTTP helpers: credentials are set by hand, exactly as the load engine sends them.</summary>
public static class Http
{
    public const string Password = UserDirectory.DefaultPassword;

    public static Task<HttpResponseMessage> LoginAsync(this HttpClient client, string user, string password = Password) =>
        client.PostAsJsonAsync("/auth/login", new { username = user, password });

    public static async Task<string> LoginSessionAsync(this HttpClient client, string user)
    {
        using var response = await client.LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return SessionIdFrom(response) ?? throw new InvalidOperationException("no session cookie");
    }

    public static string? SessionIdFrom(HttpResponseMessage response) => CookieFrom(response, ArmCatalogue.SessionCookieName);

    /// <summary>The value of the cookie <paramref name="name"/> that the response sets, or null.</summary>
    public static string? CookieFrom(HttpResponseMessage response, string name)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            return null;
        }
        var cookie = cookies.Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));
        var end = cookie.IndexOf(';', StringComparison.Ordinal);
        return cookie[(name.Length + 1)..(end < 0 ? cookie.Length : end)];
    }

    public static async Task<string> LoginTokenAsync(this HttpClient client, string user)
    {
        using var response = await client.LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", body.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(900, body.RootElement.GetProperty("expires_in").GetInt32());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    public static Task<HttpResponseMessage> GetWithCookieAsync(this HttpClient client, string path, string sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{ArmCatalogue.SessionCookieName}={sessionId}");
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostWithCookieAsync(this HttpClient client, string path, string sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Cookie", $"{ArmCatalogue.SessionCookieName}={sessionId}");
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetWithAuthorizationAsync(this HttpClient client, string path, string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }
}
