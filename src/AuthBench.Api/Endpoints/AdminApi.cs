using System.Security.Cryptography;
using System.Text;
using AuthBench.Api.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Endpoints;

/// <summary>
/// Admin endpoints the revocation and staleness scenarios drive: revoke a user, change a user's plan.
/// They exist only when <c>--admin-key</c> is set, and require it in <c>X-Admin-Key</c>.
/// </summary>
public static class AdminApi
{
    public const string KeyHeader = "X-Admin-Key";

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes, AuthBenchOptions options)
    {
        var group = routes.MapGroup("/admin").AllowAnonymous();
        if (options.AdminKey is null)
        {
            return group;
        }
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.AdminKey));
        group.AddEndpointFilter(async (context, next) =>
        {
            var given = context.HttpContext.Request.Headers[KeyHeader].ToString();
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
            return CryptographicOperations.FixedTimeEquals(digest, expected) ? await next(context) : TypedResults.Unauthorized();
        });
        group.MapPost("/users/{sub}/revoke", RevokeAsync);
        group.MapPost("/users/{sub}/plan", SetPlanAsync);
        return group;
    }

    private static async Task<IResult> RevokeAsync(string sub, UserDirectory users, ICredentialIssuer issuer)
    {
        if (users.Find(sub) is null)
        {
            return TypedResults.NotFound();
        }
        try
        {
            var (revoked, note) = await issuer.RevokeUserAsync(sub);
            return TypedResults.Json(new RevokeResponse(sub, revoked, note), AppJsonContext.Default.RevokeResponse);
        }
        catch (StoreUnavailableException)
        {
            return StoreOutage.Result();
        }
    }

    private static async Task<IResult> SetPlanAsync(string sub, PlanRequest? body, UserDirectory users, ICredentialIssuer issuer)
    {
        if (users.Find(sub) is null)
        {
            return TypedResults.NotFound();
        }
        if (string.IsNullOrWhiteSpace(body?.Plan) || body.Plan.Length > 32)
        {
            return TypedResults.BadRequest(new ErrorResponse("plan must be a non-empty string of at most 32 characters"));
        }
        users.SetPlan(sub, body.Plan);
        try
        {
            await issuer.UserChangedAsync(sub);
        }
        catch (StoreUnavailableException)
        {
            return StoreOutage.Result();
        }
        return TypedResults.NoContent();
    }
}
