using System.Net;

namespace AuthBench.Api.Tests;

/// <summary>The admin endpoints exist only with <c>--admin-key</c> (their behaviour per arm is in the arm contract).</summary>
public sealed class AdminApiTests
{
    [Fact]
    public async Task Admin_endpoints_do_not_exist_without_an_admin_key()
    {
        await using var factory = ApiFactory.None();
        using var revoke = await factory.CreateClient().PostAsync("/admin/users/user1/revoke", null);
        using var plan = await factory.CreateClient().PostAsync("/admin/users/user1/plan", null);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, plan.StatusCode);
    }
}
