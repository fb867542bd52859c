using AuthBench.Contracts.Arms;

namespace AuthBench.Contracts.Tests;

public class ArmCatalogueTests
{
    public static TheoryData<ArmId> Ids() => [.. Enum.GetValues<ArmId>()];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_arm_id_has_exactly_its_own_entry(ArmId id)
    {
        var arm = ArmCatalogue.Get(id);

        Assert.Equal(id, arm.Id);
        Assert.Same(arm, ArmCatalogue.Find(arm.Name));
        Assert.Single(ArmCatalogue.All, a => a.Id == id);
    }

    [Fact]
    public void Names_are_unique_lower_case_words_and_the_baseline_comes_first()
    {
        Assert.Equal(ArmCatalogue.All.Count, ArmCatalogue.All.Select(a => a.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(ArmCatalogue.All, a => Assert.Matches("^[a-z][a-z0-9-]*[a-z0-9]$", a.Name));
        Assert.Same(ArmCatalogue.Baseline, ArmCatalogue.All[0]);
        Assert.Equal(CredentialTransport.None, ArmCatalogue.Baseline.Transport);
        Assert.False(ArmCatalogue.Baseline.UsesStore);
    }

    [Fact]
    public void A_descriptor_is_consistent_with_itself()
    {
        foreach (var arm in ArmCatalogue.All)
        {
            Assert.Equal(arm.Transport == CredentialTransport.Cookie, arm.CookieName is not null);
            Assert.Equal(arm.Transport == CredentialTransport.None, arm.Lifecycle == CredentialLifecycle.None);
            Assert.Equal(arm.Transport == CredentialTransport.None, arm.Revoke == RevokeEffect.NothingToRevoke);
            // A credential that only the store holds is written there at login and read there on every request.
            if (arm.Lifecycle == CredentialLifecycle.LoginOnceHeldByStore)
            {
                Assert.True(arm.UsesStore && arm.LoginNeedsStore, arm.Name);
            }
            Assert.Equal(arm.UsesStore, arm.FailsClosedWithoutStore);
            // A near cache fronts the store and learns of changes through it: without it the arm fails closed.
            if (arm.NearCache is { } near)
            {
                Assert.True(arm.UsesStore, arm.Name);
                Assert.True(near.HeartbeatInterval < near.Lease && near.Lease < near.DefaultTtl, arm.Name);
            }
            Assert.False(string.IsNullOrWhiteSpace(arm.Summary));
        }
    }

    [Fact]
    public void Every_label_parses_back_to_its_arm_and_algorithm()
    {
        foreach (var arm in ArmCatalogue.All)
        {
            foreach (var label in arm.Labels)
            {
                var parsed = ArmCatalogue.ParseLabel(label);

                Assert.NotNull(parsed);
                Assert.Same(arm, parsed.Value.Arm);
                Assert.Equal(label, arm.Label(parsed.Value.Alg));
            }
        }
    }

    [Theory]
    [InlineData("jwt-denylist-HS256", ArmId.JwtDenylist, "HS256")]
    [InlineData("jwt-ES256", ArmId.Jwt, "ES256")]
    [InlineData("session", ArmId.Session, null)]
    public void The_longest_arm_name_wins_when_a_label_is_split(string label, ArmId arm, string? alg)
    {
        var parsed = ArmCatalogue.ParseLabel(label);

        Assert.Equal(arm, parsed!.Value.Arm.Id);
        Assert.Equal(alg, parsed.Value.Alg);
    }

    [Theory]
    [InlineData("")]
    [InlineData("jwt")]               // an arm with algorithms needs one in its label
    [InlineData("session-HS256")]     // and one without takes none
    [InlineData("jwt-denylist-hs256")] // algorithms are spelt as the catalogue spells them
    [InlineData("jwt-PS256")]
    [InlineData("cookie")]
    public void Labels_that_name_no_arm_are_not_parsed(string label) => Assert.Null(ArmCatalogue.ParseLabel(label));

    [Fact]
    public void Labels_sort_in_catalogue_then_algorithm_order_and_unknown_ones_last()
    {
        var shuffled = new[] { "zzz", "jwt-denylist-ES256", "jwt-ES256", "session", "jwt-HS256", "none", "jwt-denylist-HS256", "aaa", "jwt-RS256" };

        var ordered = ArmCatalogue.OrderLabels(shuffled.Append("session"));

        Assert.Equal(["none", "session", "jwt-HS256", "jwt-RS256", "jwt-ES256", "jwt-denylist-HS256", "jwt-denylist-ES256", "aaa", "zzz"], ordered);
    }

    [Fact]
    public void All_lists_every_arm_once_and_names_are_case_insensitive()
    {
        Assert.Equal(ArmCatalogue.All, ArmCatalogue.ParseList("all"));
        Assert.Equal(ArmCatalogue.All, ArmCatalogue.ParseList("all, NONE ,all"));
        Assert.Equal([ArmCatalogue.Jwt, ArmCatalogue.Session], ArmCatalogue.ParseList("JWT,session,jwt"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    [InlineData("session,cookie")]
    public void A_bad_arm_list_is_one_message_naming_the_arms(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => ArmCatalogue.ParseList(text));

        Assert.Contains(ArmCatalogue.NameList, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_arm_with_algorithms_refuses_a_label_without_one() =>
        Assert.Throws<ArgumentNullException>(() => ArmCatalogue.Jwt.Label(null));

    [Theory]
    [InlineData("es256", "ES256")]
    [InlineData(" HS256 ", "HS256")]
    [InlineData("PS256", null)]
    [InlineData(null, null)]
    public void Algorithms_are_found_in_their_canonical_spelling(string? text, string? expected) =>
        Assert.Equal(expected, ArmCatalogue.FindAlgorithm(text));
}
