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
        foreach (var arm in ArmCatalogue.Runs)
        {
            Assert.Equal(arm.Transport == CredentialTransport.Cookie, arm.CookieName is not null);
            Assert.Equal(arm.Transport == CredentialTransport.None, arm.Lifecycle == CredentialLifecycle.None);
            Assert.Equal(arm.Transport == CredentialTransport.None, arm.Revoke == RevokeEffect.NothingToRevoke);
            // A credential that only the store holds is written there at login and read there on every request.
            if (arm.Lifecycle == CredentialLifecycle.LoginOnceHeldByStore)
            {
                Assert.True(arm.UsesStore && arm.LoginNeedsStore, arm.Name);
            }
            // A refresh token lives only in the store and is written there at login; the access token it renews is a
            // signed bearer token that needs no store per request.
            if (arm.Lifecycle == CredentialLifecycle.RefreshedThroughStore)
            {
                Assert.True(arm.LoginNeedsStore && arm.HasAlgorithm && arm.Transport == CredentialTransport.BearerHeader, arm.Name);
                Assert.False(arm.UsesStore, arm.Name);
            }
            Assert.Equal(arm.Logout == LogoutEffect.EndsRefreshFamily, arm.Lifecycle == CredentialLifecycle.RefreshedThroughStore);
            Assert.Equal(arm.Revoke == RevokeEffect.EndsRefreshFamilies, arm.Lifecycle == CredentialLifecycle.RefreshedThroughStore);
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
    [InlineData("hybrid-RS256", ArmId.Hybrid, "RS256")]
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

    [Fact]
    public void A_transport_variant_is_its_arm_with_another_transport_and_its_own_labels()
    {
        foreach (var arm in ArmCatalogue.All)
        {
            Assert.Null(arm.Variant);
            Assert.Equal(arm.Name, arm.RunName);
            Assert.DoesNotContain(arm.Transport, arm.TransportVariants.Select(v => v.Transport));
            foreach (var variant in arm.TransportVariants)
            {
                Assert.Equal(ArmCatalogue.TransportName(variant.Transport), variant.Variant);
                Assert.Empty(variant.TransportVariants);
                // Everything but where the credential travels is the arm's own.
                var none = Array.Empty<ArmDescriptor>();
                Assert.Equal(arm with { Transport = variant.Transport, CookieName = variant.CookieName, Summary = variant.Summary,
                    Variant = variant.Variant, TransportVariants = none }, variant with { TransportVariants = none });
                Assert.Same(variant, arm.InTransport(variant.Transport));
                Assert.Same(variant, ArmCatalogue.FindRun(variant.RunName));
                Assert.Same(arm, ArmCatalogue.Get(variant.Id));
                Assert.Equal(variant.Transport == CredentialTransport.Cookie, variant.CookieName is not null);
            }
            Assert.Same(arm, arm.InTransport(arm.Transport));
        }
        Assert.Equal(["jwt-cookie", "jwt-denylist-cookie", "jwt-denylist-cached-cookie"], ArmCatalogue.Runs.Where(r => r.Variant is not null).Select(r => r.RunName));
        Assert.Equal(ArmCatalogue.TokenCookieName, ArmCatalogue.Jwt.InTransport(CredentialTransport.Cookie).CookieName);
        Assert.Throws<ArgumentException>(() => ArmCatalogue.Session.InTransport(CredentialTransport.BearerHeader));
    }

    [Fact]
    public void Runs_list_each_arm_then_its_variants_and_every_label_parses_back()
    {
        Assert.Equal(ArmCatalogue.All, ArmCatalogue.Runs.Where(r => r.Variant is null));
        Assert.Equal(ArmCatalogue.Runs.Count, ArmCatalogue.Runs.Select(r => r.RunName).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var run in ArmCatalogue.Runs)
        {
            foreach (var label in run.Labels)
            {
                var parsed = ArmCatalogue.ParseLabel(label);
                Assert.NotNull(parsed);
                Assert.Same(run, parsed.Value.Arm);
                Assert.Equal(label, run.Label(parsed.Value.Alg));
            }
        }
    }

    [Theory]
    [InlineData("jwt-cookie-HS256", ArmId.Jwt, "cookie", "HS256")]
    [InlineData("jwt-denylist-cookie-ES256", ArmId.JwtDenylist, "cookie", "ES256")]
    [InlineData("jwt-denylist-HS256", ArmId.JwtDenylist, null, "HS256")]
    [InlineData("jwt-denylist-cached-cookie-RS256", ArmId.JwtDenylistCached, "cookie", "RS256")]
    public void A_variants_label_names_its_arm_its_transport_and_its_algorithm(string label, ArmId arm, string? variant, string alg)
    {
        var parsed = ArmCatalogue.ParseLabel(label)!.Value;

        Assert.Equal(arm, parsed.Arm.Id);
        Assert.Equal(variant, parsed.Arm.Variant);
        Assert.Equal(alg, parsed.Alg);
    }

    [Theory]
    [InlineData("session-cookie")]
    [InlineData("jwt-cookie")]
    [InlineData("jwt-bearer-HS256")]
    [InlineData("jwt-HS256-cookie")]
    public void Labels_with_a_transport_the_arm_has_no_variant_for_are_not_parsed(string label) => Assert.Null(ArmCatalogue.ParseLabel(label));

    [Fact]
    public void A_variant_sorts_right_after_its_arm()
    {
        var ordered = ArmCatalogue.OrderLabels(["jwt-denylist-cookie-HS256", "jwt-cookie-ES256", "jwt-denylist-HS256", "jwt-ES256", "jwt-cookie-HS256", "jwt-HS256", "session"]);

        Assert.Equal(["session", "jwt-HS256", "jwt-ES256", "jwt-cookie-HS256", "jwt-cookie-ES256", "jwt-denylist-HS256", "jwt-denylist-cookie-HS256"], ordered);
    }

    [Fact]
    public void All_stays_the_catalogued_arms_and_variants_run_when_named()
    {
        Assert.Equal(ArmCatalogue.All, ArmCatalogue.ParseList("all"));
        var cookie = ArmCatalogue.Jwt.InTransport(CredentialTransport.Cookie);
        Assert.Equal([ArmCatalogue.Jwt, cookie], ArmCatalogue.ParseList("jwt, JWT-Cookie"));
        var e = Assert.Throws<ArgumentException>(() => ArmCatalogue.ParseList("session-cookie"));
        Assert.Contains("transport variants: jwt-cookie, jwt-denylist-cookie, jwt-denylist-cached-cookie", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_change_is_seen_at_once_only_where_nothing_or_the_store_holds_the_claims()
    {
        foreach (var run in ArmCatalogue.Runs)
        {
            if (run.PlanChange is PlanChangeEffect.SeenOnNextRequest)
            {
                Assert.True(run.Transport is CredentialTransport.None || run.UsesStore, run.RunName);
            }
        }
        Assert.Equal(PlanChangeEffect.SeenOnNextRequest, ArmCatalogue.Session.PlanChange);
        Assert.Equal(PlanChangeEffect.KeptUntilExpiry, ArmCatalogue.Jwt.PlanChange);
        Assert.Equal(PlanChangeEffect.KeptUntilExpiry, ArmCatalogue.JwtDenylist.PlanChange);
    }

    [Theory]
    [InlineData("cookie", CredentialTransport.Cookie)]
    [InlineData(" Bearer ", CredentialTransport.BearerHeader)]
    [InlineData("none", CredentialTransport.None)]
    [InlineData("header", null)]
    [InlineData(null, null)]
    public void Transports_are_found_by_name(string? text, CredentialTransport? expected) => Assert.Equal(expected, ArmCatalogue.FindTransport(text));
}
