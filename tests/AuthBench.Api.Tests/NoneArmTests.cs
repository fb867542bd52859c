using System.Net;

namespace AuthBench.Api.Tests;

public sealed class NoneArmTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = ApiFactory.None();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("/api/me")]
    [InlineData("/api/items")]
    [InlineData("/health")]
    public async Task Every_endpoint_is_anonymous_in_the_baseline(string path)
    {
        using var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Me_has_the_same_shape_as_in_the_other_arms()
    {
        using var response = await _client.GetAsync("/api/me");
        var body = await response.JsonAsync();
        Assert.Equal(["sub", "name", "email", "role", "plan"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Login_checks_the_password_but_issues_no_credential()
    {
        using var ok = await _client.LoginAsync("user1");
        using var bad = await _client.LoginAsync("user1", "wrong");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.False(ok.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [Fact]
    public async Task Admin_endpoints_do_not_exist_without_an_admin_key()
    {
        using var response = await _client.PostAsync("/admin/users/user1/revoke", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
