using AuthBench.Api.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Endpoints;

/// <summary><c>/auth/login</c> and <c>/auth/logout</c>: the same endpoints for every arm; the arm's issuer does the rest.</summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/auth").AllowAnonymous();
        group.MapPost("/login", LoginAsync);
        group.MapPost("/logout", LogoutAsync);
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
}
