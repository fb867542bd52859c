using AuthBench.Core;

namespace AuthBench.Core.Tests;

public sealed class UserDirectoryTests
{
    private readonly UserDirectory _users = new(100, "secret-pw");

    [Theory]
    [InlineData("user1")]
    [InlineData("user100")]
    public void Known_users_are_found(string sub) => Assert.Equal(sub, _users.Find(sub)?.Sub);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("user0")]
    [InlineData("user01")]
    [InlineData("user101")]
    [InlineData("user-1")]
    [InlineData("User1")]
    [InlineData("user1 ")]
    [InlineData("user99999999999")]
    public void Unknown_or_non_canonical_names_are_not_found(string? sub) => Assert.Null(_users.Find(sub));

    [Fact]
    public void Correct_password_authenticates() => Assert.Equal("user7", _users.Authenticate("user7", "secret-pw")?.Sub);

    [Theory]
    [InlineData("user7", "wrong")]
    [InlineData("user7", "")]
    [InlineData("user7", null)]
    [InlineData("nobody", "secret-pw")]
    public void Wrong_password_or_unknown_user_fails(string user, string? password) => Assert.Null(_users.Authenticate(user, password));

    [Fact]
    public void Plan_change_shows_in_the_directory()
    {
        _users.SetPlan("user3", "gold");
        Assert.Equal("gold", _users.Find("user3")!.Plan);
    }

    [Fact]
    public void Every_user_has_the_fields_me_returns()
    {
        var u = _users.Find("user42")!;
        Assert.All(new[] { u.Name, u.Email, u.Role, u.Plan }, v => Assert.False(string.IsNullOrWhiteSpace(v)));
    }

    [Fact]
    public void The_rotation_visits_every_user_in_turn_and_wraps()
    {
        var users = new UserDirectory(3);
        Assert.Equal(["user1", "user2", "user3", "user1"], Enumerable.Range(0, 4).Select(_ => users.NextInRotation()));
    }
}
