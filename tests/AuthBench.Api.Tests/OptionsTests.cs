using AuthBench.Contracts.Arms;
using Microsoft.Extensions.Configuration;

namespace AuthBench.Api.Tests;

public sealed class OptionsTests
{
    private static AuthBenchOptions Read(params (string Key, string Value)[] settings) =>
        AuthBenchOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Theory]
    [InlineData("scheme", "bogus", "unknown --scheme 'bogus'")]
    [InlineData("alg", "HS512", "unknown algorithm 'HS512'")]
    [InlineData("claims", "huge", "unknown claim profile 'huge'")]
    [InlineData("users", "-5", "--users must be between")]
    [InlineData("users", "many", "--users must be a whole number")]
    [InlineData("token-lifetime", "soon", "--token-lifetime must be a duration")]
    public void Bad_option_gets_a_message_that_names_it(string key, string value, string message)
    {
        var settings = new List<(string, string)> { ("scheme", "jwt") };
        settings.RemoveAll(s => s.Item1 == key);
        settings.Add((key, value));
        var e = Assert.Throws<ArgumentException>(() => Read([.. settings]));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_scheme_says_what_to_set()
    {
        var e = Assert.Throws<ArgumentException>(() => Read());
        Assert.Contains("--scheme is required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_match_the_documented_ones()
    {
        var o = Read(("scheme", "session"));
        Assert.Same(ArmCatalogue.Session, o.Arm);
        Assert.Equal(AuthBench.Core.ClaimProfile.Typical, o.Claims);
        Assert.Equal(1000, o.Users);
        Assert.Equal(TimeSpan.FromMinutes(15), o.TokenLifetime);
    }

    [Theory]
    [InlineData("none", ArmId.None, false)]
    [InlineData("session", ArmId.Session, true)]
    [InlineData("jwt", ArmId.Jwt, false)]
    [InlineData("JWT-Denylist", ArmId.JwtDenylist, true)]
    [InlineData(" jwt-denylist ", ArmId.JwtDenylist, true)]
    public void Each_scheme_parses_and_says_whether_it_needs_the_store(string text, ArmId arm, bool needsStore)
    {
        var o = Read(("scheme", text));
        Assert.Equal(arm, o.Arm.Id);
        Assert.Equal(needsStore, o.NeedsStore);
        Assert.Equal(text.Trim().ToLowerInvariant(), o.Arm.Name);
    }

    [Fact]
    public void Near_cache_ttl_defaults_to_the_catalogue_and_exists_only_for_near_cached_arms()
    {
        foreach (var arm in ArmCatalogue.All)
        {
            var o = Read(("scheme", arm.Name));
            Assert.Equal(arm.NearCache?.DefaultTtl, o.NearCacheTtl);
        }
        Assert.Equal(TimeSpan.FromMilliseconds(500), Read(("scheme", ArmCatalogue.SessionCached.Name), ("near-cache-ttl", "500ms")).NearCacheTtl);
        Assert.Equal(TimeSpan.FromMinutes(2), Read(("scheme", ArmCatalogue.JwtDenylistCached.Name), ("near-cache-ttl", "2m")).NearCacheTtl);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("11m")]
    [InlineData("soon")]
    public void Near_cache_ttl_outside_1ms_to_10m_is_refused(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Read(("scheme", ArmCatalogue.SessionCached.Name), ("near-cache-ttl", text)));
        Assert.Contains("--near-cache-ttl must be", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_scheme_lists_every_arm_of_the_catalogue()
    {
        var e = Assert.Throws<ArgumentException>(() => Read(("scheme", "cookie")));
        Assert.All(ArmCatalogue.All, arm => Assert.Contains(arm.Name, e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("900s", 900)]
    [InlineData("15m", 900)]
    [InlineData("2h", 7200)]
    [InlineData("24h", 86400)]
    public void Token_lifetime_accepts_the_common_duration_syntax(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Read(("scheme", "jwt"), ("token-lifetime", text)).TokenLifetime);

    [Theory]
    [InlineData("0s")]
    [InlineData("25h")]
    [InlineData("-5m")]
    public void Token_lifetime_outside_1s_to_24h_is_refused(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Read(("scheme", "jwt"), ("token-lifetime", text)));
        Assert.StartsWith("--token-lifetime must be", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 30 * 86400)]
    [InlineData("30d", 30 * 86400)]
    [InlineData("1.5d", 36 * 3600)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("90m", 90 * 60)]
    public void Refresh_lifetime_accepts_days_and_the_common_duration_syntax(string? text, int seconds)
    {
        var settings = text is null ? new[] { ("scheme", "hybrid") } : [("scheme", "hybrid"), ("refresh-lifetime", text)];
        Assert.Equal(TimeSpan.FromSeconds(seconds), Read(settings).RefreshLifetime);
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("366d")]
    [InlineData("xd")]
    [InlineData("soon")]
    public void Refresh_lifetime_outside_1m_to_365d_or_malformed_is_refused(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Read(("scheme", "hybrid"), ("refresh-lifetime", text)));
        Assert.StartsWith("--refresh-lifetime must be", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refresh_lifetime_is_a_known_command_line_option() =>
        Assert.Null(CommandLine.FindUnknownOption(["--scheme", "hybrid", "--refresh-lifetime", "30d"]));

    [Fact]
    public void Usage_names_every_arm_of_the_catalogue() =>
        Assert.Contains("--scheme " + ArmCatalogue.NameChoices, CommandLine.Usage, StringComparison.Ordinal);

    [Theory]
    [InlineData("--sheme", "jwt")]
    [InlineData("--redis-url", "x")]
    public void Misspelt_command_line_option_is_reported(params string[] args) =>
        Assert.NotNull(CommandLine.FindUnknownOption(args));

    [Fact]
    public void Known_command_line_options_pass() =>
        Assert.Null(CommandLine.FindUnknownOption(["--scheme", "jwt", "--urls", "http://127.0.0.1:5000", "--alg", "ES256", "--user-password=x"]));

    [Theory]
    [InlineData("jwt", "cookie", "cookie")]
    [InlineData("jwt", "BEARER", null)]
    [InlineData("jwt-denylist", " cookie ", "cookie")]
    [InlineData("session", "cookie", null)]
    public void Transport_picks_the_arm_or_its_transport_variant(string scheme, string transport, string? variant)
    {
        var o = Read(("scheme", scheme), ("transport", transport));
        Assert.Equal(scheme, o.Arm.Name);
        Assert.Equal(variant, o.Arm.Variant);
        Assert.Same(ArmCatalogue.FindRun(variant is null ? scheme : $"{scheme}-{variant}"), o.Arm);
        Assert.Equal(transport.Trim().ToLowerInvariant(), ArmCatalogue.TransportName(o.Arm.Transport));
    }

    [Theory]
    [InlineData("jwt", "header", "unknown --transport 'header': the jwt arm takes bearer|cookie")]
    [InlineData("session", "bearer", "--transport bearer: the session arm takes cookie")]
    [InlineData("none", "cookie", "--transport cookie: the none arm takes none")]
    public void A_transport_the_arm_cannot_carry_is_refused_with_the_choices(string scheme, string transport, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Read(("scheme", scheme), ("transport", transport)));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transport_is_a_known_command_line_option() =>
        Assert.Null(CommandLine.FindUnknownOption(["--scheme", "jwt", "--transport", "cookie"]));
}
