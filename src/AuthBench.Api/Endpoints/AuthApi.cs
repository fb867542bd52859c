using AuthBench.Api.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Endpoints;

/// <summary>
/// <c>/auth/login</c>, <c>/auth/logout</c> and <c>/auth/refresh</c>: the same endpoints for every arm; the arm's issuer
/// does the rest (refresh answers 404 for an arm without a refresh token).
/// </summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/auth").AllowAnonymous();
        group.MapPost("/login", LoginAsync);
        group.MapPost("/logout", LogoutAsync);
        group.MapPost("/refresh", RefreshAsync);
        return group;
    }

    private static async Task<IResult> LoginAsync(LoginRequest? body, UserDirectory users, ICredentialIssuer issuer, HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        var user = users.Authenticate(body?.Username, body?.Password);
        if (user is null)
        {
            return TypedResults.Json(new ErrorResponse("invalid_credentials"), AppJsonContext.Default.ErrorResponse,
                statusCode: StatusCodes.Status401Unauthorized);
        }
        try
        {
            return await issuer.IssueAsync(user, context);
        }
        catch (StoreUnavailableException)
        {
            return StoreOutage.Result();
        }
    }

    private static async Task<IResult> LogoutAsync(ICredentialIssuer issuer, HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        try
        {
            await issuer.RevokeAsync(context);
        }
        catch (StoreUnavailableException)
        {
            return StoreOutage.Result();
        }
        return TypedResults.NoContent();
    }

    private static async Task<IResult> RefreshAsync(ICredentialIssuer issuer, HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (issuer is not IRefreshingCredentialIssuer refreshing)
        {
            return TypedResults.NotFound();
        }
        try
        {
            return await refreshing.RefreshAsync(context);
        }
        catch (StoreUnavailableException)
        {
            return StoreOutage.Result();
        }
    }
}
