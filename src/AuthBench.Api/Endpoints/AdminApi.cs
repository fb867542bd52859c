using System.Security.Cryptography;
using System.Text;
using AuthBench.Api.Arms;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Endpoints;

/// <summary>
/// Admin endpoints the revocation and staleness scenarios drive: revoke a user, change a user's plan.
/// They exist only when <c>--admin-key</c> is set, and require it in <c>X-Admin-Key</c>.
/// </summary>
public static class AdminApi
{
    public const string KeyHeader = "X-Admin-Key";

    private static readonly SemaphoreSlim PlanChanges = new(1, 1);

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

    /// <summary>
    /// Changes a user's plan: first in the directory (new logins get it), then in whatever credentials the arm keeps
    /// server-side (the session arm's stored sessions). 200 means both are done, so the next request of an arm whose
    /// catalogue entry says <see cref="PlanChangeEffect.SeenOnNextRequest"/> shows the new plan; 503 means the store did
    /// not answer and existing sessions may keep the old plan (the call is idempotent: retry it). Changes are applied
    /// one at a time per process, so two concurrent changes of one user cannot leave its sessions on the older one.
    /// </summary>
    private static async Task<IResult> SetPlanAsync(string sub, PlanRequest? body, UserDirectory users, ICredentialIssuer issuer, AuthBenchOptions options)
    {
        if (users.Find(sub) is null)
        {
            return TypedResults.NotFound();
        }
        if (string.IsNullOrWhiteSpace(body?.Plan) || body.Plan.Length > 32)
        {
            return TypedResults.BadRequest(new ErrorResponse("plan must be a non-empty string of at most 32 characters"));
        }
        await PlanChanges.WaitAsync();
        try
        {
            users.SetPlan(sub, body.Plan);
            var updated = await issuer.PlanChangedAsync(users.Find(sub)!);
            var note = options.Arm.PlanChange switch
            {
                PlanChangeEffect.SeenOnNextRequest => "the next request of every existing credential shows the new plan",
                PlanChangeEffect.KeptUntilExpiry => "existing credentials keep the plan they carry until they expire; new logins get the new plan",
            };
            return TypedResults.Json(new PlanResponse(sub, body.Plan, updated, $"{options.Arm.Name} arm: {note}"), AppJsonContext.Default.PlanResponse);
        }
        catch (StoreUnavailableException)
        {
            return StoreOutage.Result();
        }
        finally
        {
            PlanChanges.Release();
        }
    }
}
