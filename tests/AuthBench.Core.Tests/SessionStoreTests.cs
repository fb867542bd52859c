using System.Text;
using AuthBench.Core;

namespace AuthBench.Core.Tests;

public sealed class SessionStoreTests
{
    private static readonly DemoUser User = new UserDirectory().Find("user42")!;

    [Fact]
    public void Ids_are_256_bit_base64url_and_well_formed()
    {
        var id = RedisSessionStore.NewId();
        Assert.Equal(43, id.Length);
        Assert.True(RedisSessionStore.IsWellFormedId(id));
        Assert.Equal(32, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(id).Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA;")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_ids_are_refused_before_any_lookup(string? id) => Assert.False(RedisSessionStore.IsWellFormedId(id));

    [Theory]
    [InlineData(ClaimProfile.Small)]
    [InlineData(ClaimProfile.Typical)]
    [InlineData(ClaimProfile.Large)]
    public void Stored_value_round_trips_every_claim(ClaimProfile profile)
    {
        var claims = ClaimProfiles.ForUser(User, profile);
        var created = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var bytes = RedisSessionStore.Serialize(claims, created, created.AddHours(8));

        var session = RedisSessionStore.Deserialize("id", bytes)!;

        Assert.Equal("user42", session.Subject);
        Assert.Equal(created, session.Created);
        Assert.Equal(created.AddHours(8), session.AbsoluteExpiry);
        var expected = claims.Sum(c => c.Value is string[] list ? list.Length : 1);
        Assert.Equal(expected, session.Claims.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"iat\":1}")]
    [InlineData("{\"iat\":1,\"abs\":2,\"c\":{}}")]
    [InlineData("{\"iat\":\"x\",\"abs\":2,\"c\":{\"sub\":\"a\"}}")]
    [InlineData("{\"iat\":1,\"abs\":2,\"c\":[1]}")]
    public void Value_that_is_not_a_session_reads_as_no_session(string json) =>
        Assert.Null(RedisSessionStore.Deserialize("id", Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_plan_change_rewrites_only_that_claim()
    {
        var created = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var claims = ClaimProfiles.ForUser(User, ClaimProfile.Large);
        var bytes = RedisSessionStore.Serialize(claims, created, created.AddHours(8));

        var rewritten = RedisSessionStore.WithClaim(bytes, ClaimProfiles.Plan, "gold")!;

        claims[ClaimProfiles.Plan] = "gold";
        Assert.Equal(RedisSessionStore.Serialize(claims, created, created.AddHours(8)), rewritten);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("{\"iat\":1,\"abs\":2,\"c\":{\"sub\":\"a\"}}")]
    public void A_value_without_the_claim_is_not_rewritten(string json) =>
        Assert.Null(RedisSessionStore.WithClaim(Encoding.UTF8.GetBytes(json), ClaimProfiles.Plan, "gold"));
}
