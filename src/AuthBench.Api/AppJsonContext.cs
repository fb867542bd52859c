using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthBench.Api;

public sealed record LoginRequest(string? Username, string? Password);

public sealed record SessionLoginResponse(string Sub);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

/// <summary>The login response of a token arm in the cookie transport: the token is in the cookie only.</summary>
public sealed record CookieTokenResponse(
    string Sub,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

public sealed record MeResponse(string Sub, string Name, string Email, string Role, string Plan);

public sealed record Item(int Id, string Sku, string Name, string Category, decimal Price, string Currency, int Stock, string[] Tags);

public sealed record ErrorResponse(string Error);

/// <summary><c>GET /health</c>: the arm's name and the transport its credential travels in ("cookie", "bearer", "none").</summary>
public sealed record HealthResponse(string Status, string Scheme, string Transport);

public sealed record PlanRequest(string? Plan);

public sealed record RevokeResponse(string Sub, long RevokedSessions, string Note);

/// <summary>The answer to a plan change: how many stored credentials were rewritten, and what existing ones show now.</summary>
public sealed record PlanResponse(string Sub, string Plan, long UpdatedCredentials, string Note);

/// <summary>Source-generated JSON for every body the API reads or writes (no reflection on the hot path).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(SessionLoginResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(CookieTokenResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(Item[]))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(PlanRequest))]
[JsonSerializable(typeof(RevokeResponse))]
[JsonSerializable(typeof(PlanResponse))]
[JsonSerializable(typeof(AuthBench.Api.Fanout.ChainResponse))]
[JsonSerializable(typeof(AuthBench.Api.Fanout.JwksDocument))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
