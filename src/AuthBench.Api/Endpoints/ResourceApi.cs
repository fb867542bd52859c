using System.Security.Claims;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Endpoints;

/// <summary>The protected resources: <c>/api/me</c> and <c>/api/items</c>. Authorization is set once on the group.</summary>
public static class ResourceApi
{
    private static readonly Item[] Items = CreateItems();

    public static RouteGroupBuilder MapResourceApi(this IEndpointRouteBuilder routes, AuthBenchOptions options)
    {
        var group = routes.MapGroup("/api");
        if (options.Arm.Transport is not CredentialTransport.None)
        {
            group.RequireAuthorization();
        }
        group.MapGet("/me", Me);
        group.MapGet("/items", () => TypedResults.Json(Items, AppJsonContext.Default.ItemArray));
        return group;
    }

    /// <summary>
    /// The same body in every arm. Fields the credential carries come from it (so a JWT shows the plan it was
    /// minted with); the rest come from the in-memory directory, and the baseline arm, which has no credential, answers for the
    /// directory's users in turn (<see cref="UserDirectory.NextInRotation"/>).
    /// </summary>
    private static IResult Me(ClaimsPrincipal principal, UserDirectory users)
    {
        var authenticated = principal.Identity?.IsAuthenticated == true;
        var sub = authenticated ? principal.FindFirstValue(ClaimProfiles.Sub) : users.NextInRotation();
        var user = users.Find(sub);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }
        return TypedResults.Json(
            new MeResponse(
                user.Sub,
                principal.FindFirstValue(ClaimProfiles.Name) ?? user.Name,
                principal.FindFirstValue(ClaimProfiles.Email) ?? user.Email,
                principal.FindFirstValue(ClaimProfiles.Role) ?? user.Role,
                principal.FindFirstValue(ClaimProfiles.Plan) ?? user.Plan),
            AppJsonContext.Default.MeResponse);
    }

    // A typical small catalogue page: eight items, about 1 KB of JSON.
    private static Item[] CreateItems()
    {
        string[] categories = ["books", "tools", "garden", "kitchen"];
        return [.. Enumerable.Range(1, 8).Select(i => new Item(
            i,
            $"SKU-{1000 + i}",
            $"Sample item {i}",
            categories[i % categories.Length],
            9.99m + i,
            "EUR",
            i * 7,
            ["new", categories[i % categories.Length]]))];
    }
}
