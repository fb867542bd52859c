using System.Text.Json;
using System.Text.Json.Serialization;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Arms.Hybrid;

/// <summary>The hybrid arm's login and refresh response: the access token (RFC 6749 §5.1 names) and both expiries; the refresh token itself travels in <see cref="RefreshCookie"/>.</summary>
public sealed record HybridTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_expires_in")] long RefreshExpiresIn);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HybridTokenResponse))]
internal sealed partial class HybridJsonContext : JsonSerializerContext;

/// <summary>
/// hybrid arm: the jwt arm's access token (short, self-contained: no store per request) plus a rotating refresh token
/// held by <see cref="RefreshTokenStore"/>. Login starts a refresh family; <c>POST /auth/refresh</c> rotates it (a used
/// token presented again deletes the family); logout ends the family of the refresh cookie it carries; the admin revoke
/// ends every family of the user. Access tokens already issued live until <c>exp</c>: that is the arm's revocation window.
/// </summary>
public sealed class HybridCredentialIssuer(JwtTokens tokens, RefreshTokenStore refreshTokens, UserDirectory users, TimeProvider time)
    : IRefreshingCredentialIssuer
{
    public async Task<IResult> IssueAsync(DemoUser user, HttpContext context)
    {
        // A login never continues a family the client brought (it may be an attacker's planted cookie): end it.
        foreach (var previous in RefreshCookie.All(context.Request))
        {
            await refreshTokens.EndFamilyAsync(previous);
        }
        var refresh = await refreshTokens.IssueAsync(user.Sub);
        return Respond(context, user, refresh.Token, refresh.ExpiresAt);
    }

    public async Task<IResult> RefreshAsync(HttpContext context)
    {
        // No cookie, two cookies, a JWT or anything else that is not a refresh token: 401 before any store round trip.
        var presented = RefreshCookie.ReadSingle(context.Request);
        if (!RefreshTokenStore.IsWellFormed(presented))
        {
            return Refused(context, clearCookie: RefreshCookie.All(context.Request).Count > 0);
        }
        var result = await refreshTokens.RotateAsync(presented);
        return result.Outcome switch
        {
            RefreshOutcome.Rotated => await RotatedAsync(context, result),
            RefreshOutcome.Unknown or RefreshOutcome.Reused or RefreshOutcome.Expired => Refused(context, clearCookie: true),
        };
    }

    public async Task RevokeAsync(HttpContext context)
    {
        // Logout is anonymous in every arm: the refresh cookie names the family. Without one nothing is ended and
        // the store is not asked; the access token stays valid until exp either way.
        var presented = RefreshCookie.All(context.Request);
        if (presented.Count == 0)
        {
            return;
        }
        foreach (var token in presented)
        {
            await refreshTokens.EndFamilyAsync(token);
        }
        RefreshCookie.Clear(context.Response);
    }

    public async Task<(long, string)> RevokeUserAsync(string sub)
    {
        var families = await refreshTokens.RevokeUserAsync(sub);
        return (families, $"{ArmCatalogue.Hybrid.Name} arm: every refresh token family of the user is deleted; access tokens already issued stay valid until exp (up to {tokens.Lifetime.TotalSeconds:0} s)");
    }

    private async Task<IResult> RotatedAsync(HttpContext context, RefreshResult result)
    {
        // The new access token is minted from the directory now, so a plan change reaches the client at its next refresh.
        if (users.Find(result.Subject ?? "") is not { } user)
        {
            await refreshTokens.EndFamilyAsync(result.Token);
            return Refused(context, clearCookie: true);
        }
        return Respond(context, user, result.Token!, result.ExpiresAt!.Value);
    }

    private IResult Respond(HttpContext context, DemoUser user, string refreshToken, DateTimeOffset refreshExpiresAt)
    {
        var remaining = refreshExpiresAt - time.GetUtcNow();
        RefreshCookie.Set(context.Response, refreshToken, remaining);
        var response = new HybridTokenResponse(tokens.Issue(user), "Bearer", (int)tokens.Lifetime.TotalSeconds, (long)remaining.TotalSeconds);
        return TypedResults.Json(response, HybridJsonContext.Default.HybridTokenResponse);
    }

    private static IResult Refused(HttpContext context, bool clearCookie)
    {
        if (clearCookie)
        {
            // A dead refresh token is of no further use to the client: remove it.
            RefreshCookie.Clear(context.Response);
        }
        return TypedResults.Json(new ErrorResponse("invalid_grant"), AppJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status401Unauthorized);
    }
}
