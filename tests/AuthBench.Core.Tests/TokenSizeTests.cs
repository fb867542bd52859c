using AuthBench.Core;
using Xunit.Abstractions;

namespace AuthBench.Core.Tests;

public sealed class ClaimProfileTests(ITestOutputHelper output)
{
    private static readonly DemoUser User = new UserDirectory().Find("user42")!;

    [Theory]
    [InlineData(JwtAlgorithm.HS256)]
    [InlineData(JwtAlgorithm.RS256)]
    [InlineData(JwtAlgorithm.ES256)]
    public void Large_profile_gives_a_token_at_the_top_of_the_debated_range(JwtAlgorithm alg)
    {
        using var keys = JwtKeySet.Generate(alg);
        var sizes = Enum.GetValues<ClaimProfile>().ToDictionary(p => p, p => new JwtTokens(keys, p).Issue(User).Length);
        output.WriteLine($"{alg}: " + string.Join(", ", sizes.Select(s => $"{s.Key}={s.Value} B")));

        Assert.True(sizes[ClaimProfile.Small] < sizes[ClaimProfile.Typical]);
        Assert.True(sizes[ClaimProfile.Typical] < sizes[ClaimProfile.Large]);
        Assert.InRange(sizes[ClaimProfile.Large], 1400, 2100);
    }

    [Fact]
    public void Small_profile_carries_only_the_subject()
    {
        Assert.Equal(["sub"], ClaimProfiles.ForUser(User, ClaimProfile.Small).Keys);
    }

    [Fact]
    public void Typical_profile_carries_about_ten_claims_with_the_registered_ones()
    {
        var count = ClaimProfiles.ForUser(User, ClaimProfile.Typical).Count + 4; // + iss, aud, exp, iat
        Assert.InRange(count, 9, 12);
    }

    [Theory]
    [InlineData("small", ClaimProfile.Small)]
    [InlineData(" Typical ", ClaimProfile.Typical)]
    [InlineData("LARGE", ClaimProfile.Large)]
    public void Profile_names_parse(string text, ClaimProfile expected) => Assert.Equal(expected, ClaimProfiles.Parse(text));

    [Fact]
    public void Unknown_profile_is_refused_with_the_choices() =>
        Assert.Contains("small, typical or large", Assert.Throws<ArgumentException>(() => ClaimProfiles.Parse("huge")).Message, StringComparison.Ordinal);
}
