using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthBench.Api;

public sealed record LoginRequest(string? Username, string? Password);

public sealed record SessionLoginResponse(string Sub);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

public sealed record MeResponse(string Sub, string Name, string Email, string Role, string Plan);

public sealed record Item(int Id, string Sku, string Name, string Category, decimal Price, string Currency, int Stock, string[] Tags);

public sealed record ErrorResponse(string Error);

public sealed record HealthResponse(string Status, string Scheme);

public sealed record PlanRequest(string? Plan);

public sealed record RevokeResponse(string Sub, long RevokedSessions, string Note);

/// <summary>Source-generated JSON for every body the API reads or writes (no reflection on the hot path).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(SessionLoginResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(Item[]))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(PlanRequest))]
[JsonSerializable(typeof(RevokeResponse))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
