using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace AuthBench.LoadTest.Clients;

/// <summary><c>POST /auth/login</c>, as every credential source calls it.</summary>
public static class LoginEndpoint
{
    public const string Path = "/auth/login";

    /// <summary>The 200 response of a login of <paramref name="user"/>; a 503 (store on its way back) is retried for about 5 s.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string label, UserLogin user, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await client.PostAsJsonAsync(Path, new LoginBody(user.User, user.Password), LoginJson.Default.LoginBody, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 20)
            {
                // The store may be on its way back (fault scenario): Retry-After says 1 s.
                response.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                using (response)
                {
                    throw new InvalidOperationException($"login of {user.User} on the {label} API failed: {(int)response.StatusCode} {response.ReasonPhrase}");
                }
            }
            return response;
        }
    }
}

public sealed record LoginBody(string Username, string Password);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LoginBody))]
internal sealed partial class LoginJson : JsonSerializerContext;
