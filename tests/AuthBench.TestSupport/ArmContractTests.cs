using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.TestSupport;

/// <summary>
/// What every arm promises, read from its catalogue entry rather than restated per arm: login and <c>/api/me</c>,
/// the documented logout and admin-revoke effects, hostile credentials in the arm's transport, and the store rule
/// (fail closed with 503 + Retry-After when the arm reads the store; unaffected when it does not). A new arm gets
/// the whole contract with one subclass that names its fixture.
/// </summary>
public abstract class ArmContractTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : ArmFixture
{
    private static int _nextUser = 100;

    protected TFixture Fixture => fixture;

    private ArmDescriptor Arm => fixture.Arm;

    private bool IsOpen => Arm.Transport is CredentialTransport.None;

    /// <summary>
    /// Whether a browser would attach a credential of this arm by itself: its API credential is a cookie, or it keeps a
    /// refresh token in a cookie (on <c>/auth</c>). Such an arm refuses cross-origin state-changing requests.
    /// </summary>
    private bool BrowserAttachesACredential => Arm.Transport is CredentialTransport.Cookie || Arm.Lifecycle is CredentialLifecycle.RefreshedThroughStore;

    /// <summary>The status a protected endpoint answers to a credential it must refuse: 401, or 200 where nothing is protected.</summary>
    private HttpStatusCode Refused => IsOpen ? HttpStatusCode.OK : HttpStatusCode.Unauthorized;

    // An outage test that failed half-way must not leave the next test of the class without its store.
    public Task InitializeAsync() => fixture.Store?.EnsureUpAsync() ?? Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A user no other test of this class has touched (each closed type counts on its own, as each has its own API), so revocations never cross tests.</summary>
    private static string NewUser() => UserDirectory.UserName(Interlocked.Increment(ref _nextUser));

    [Fact]
    public async Task Health_is_anonymous_and_names_the_arm()
    {
        using var response = await fixture.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(Arm.Name, body.GetProperty("scheme").GetString());
        Assert.Equal(ArmCatalogue.TransportName(Arm.Transport), body.GetProperty("transport").GetString());
    }

    [Fact]
    public async Task Login_then_me_and_items_answer_200_for_that_user()
    {
        var user = NewUser();
        string? credential;
        using (var login = await fixture.Client.LoginAsync(user))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            // no-store is the promise; the stock cookie handler's sign-in sends "no-cache,no-store" (and Pragma, Expires).
            Assert.True(login.Headers.CacheControl?.NoStore, $"Cache-Control: {login.Headers.CacheControl}");
            credential = await fixture.CredentialFromAsync(login);
            // The baseline hands out nothing at all: no cookie, no token.
            Assert.Equal(IsOpen, !login.Headers.Contains("Set-Cookie") && !(await login.JsonAsync()).TryGetProperty("access_token", out _));
        }

        using var me = await fixture.SendAsync(HttpMethod.Get, "/api/me", credential);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.JsonAsync();
        Assert.Equal(["sub", "name", "email", "role", "plan"], body.EnumerateObject().Select(p => p.Name));
        if (!IsOpen)
        {
            Assert.Equal(user, body.GetProperty("sub").GetString());
            Assert.Equal($"{user}@example.test", body.GetProperty("email").GetString());
        }
        using var items = await fixture.SendAsync(HttpMethod.Get, "/api/items", credential);
        Assert.Equal(HttpStatusCode.OK, items.StatusCode);
        Assert.Equal(8, (await items.JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task No_credential_gets_401_unless_the_arm_protects_nothing()
    {
        Assert.Equal(Refused, await fixture.MeStatusAsync(null));
        using var items = await fixture.Client.GetAsync("/api/items");
        Assert.Equal(Refused, items.StatusCode);
    }

    [Theory]
    [InlineData("user42", "wrong")]
    [InlineData("nobody", Http.Password)]
    [InlineData("user0", Http.Password)]
    [InlineData("user99999", Http.Password)]
    public async Task Wrong_password_or_unknown_user_gets_401_and_no_credential(string user, string password)
    {
        using var response = await fixture.Client.LoginAsync(user, password);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"invalid_credentials"}""", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    /// <summary>Two logins of one fresh user and one of another, each checked to work, so a later 401 means something.</summary>
    private async Task<(string User, string? First, string? Second, string? Other)> TwoCredentialsOfOneUserAndOneOfAnotherAsync()
    {
        var user = NewUser();
        var first = await fixture.LoginAsync(user);
        var second = await fixture.LoginAsync(user);
        var other = await fixture.LoginAsync(NewUser());
        foreach (var credential in new[] { first, second, other })
        {
            Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(credential));
        }
        return (user, first, second, other);
    }

    [Fact]
    public async Task Logout_has_the_effect_the_catalogue_documents()
    {
        var (_, first, second, other) = await TwoCredentialsOfOneUserAndOneOfAnotherAsync();

        await fixture.LogoutAsync(first);

        var (firstAfter, secondAfter) = Arm.Logout switch
        {
            // Access tokens are self-contained: what a refresh-family logout ends is tested per arm.
            LogoutEffect.Nothing or LogoutEffect.EndsRefreshFamily => (HttpStatusCode.OK, HttpStatusCode.OK),
            LogoutEffect.EndsThisCredential => (HttpStatusCode.Unauthorized, HttpStatusCode.OK),
            LogoutEffect.RevokesUserCredentials => (HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized),
        };
        Assert.Equal(firstAfter, await fixture.MeStatusAsync(first));
        Assert.Equal(secondAfter, await fixture.MeStatusAsync(second));
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(other));
    }

    [Fact]
    public async Task A_login_after_logout_gets_a_working_credential()
    {
        var user = NewUser();
        await fixture.LogoutAsync(await fixture.LoginAsync(user));
        await AfterRevocationAsync();
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(await fixture.LoginAsync(user)));
    }

    [Fact]
    public async Task Admin_revoke_has_the_effect_the_catalogue_documents()
    {
        var (user, first, second, other) = await TwoCredentialsOfOneUserAndOneOfAnotherAsync();

        var body = await fixture.AdminRevokeAsync(user);
        Assert.Equal(user, body.GetProperty("sub").GetString());
        Assert.StartsWith(Arm.Name + " arm: ", body.GetProperty("note").GetString(), StringComparison.Ordinal);
        var revoked = body.GetProperty("revokedSessions").GetInt64();

        var after = Arm.Revoke switch
        {
            RevokeEffect.NothingToRevoke or RevokeEffect.NotRevocableBeforeExpiry or RevokeEffect.EndsRefreshFamilies => HttpStatusCode.OK,
            RevokeEffect.DeletesUserCredentials or RevokeEffect.RevokesUserCredentials => HttpStatusCode.Unauthorized,
        };
        Assert.Equal(after, await fixture.MeStatusAsync(first));
        Assert.Equal(after, await fixture.MeStatusAsync(second));
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(other));
        switch (Arm.Revoke)
        {
            case RevokeEffect.NothingToRevoke:
            case RevokeEffect.NotRevocableBeforeExpiry:
                Assert.Equal(0, revoked);
                break;
            case RevokeEffect.DeletesUserCredentials:
            case RevokeEffect.EndsRefreshFamilies: // one family per login
                Assert.Equal(2, revoked);
                break;
            case RevokeEffect.RevokesUserCredentials:
                Assert.Equal(1, revoked); // one per-user marker
                break;
        }
    }

    /// <summary>
    /// The staleness promise per arm: after a plan change, a credential issued before it shows the new plan on its
    /// next request where the catalogue says so (session: the change rewrote the stored session), and the plan it
    /// was minted with where not (a JWT: that is the measured difference); a login after the change gets the new plan
    /// everywhere. The baseline names no user per request, so there is nothing per credential to check.
    /// </summary>
    [Fact]
    public async Task Plan_change_has_the_effect_the_catalogue_documents()
    {
        if (IsOpen)
        {
            return;
        }
        var user = NewUser();
        var before = await fixture.LoginAsync(user);
        var other = await fixture.LoginAsync(NewUser());
        var oldPlan = await fixture.PlanAsync(before);
        var otherPlan = await fixture.PlanAsync(other);
        var newPlan = oldPlan == "gold" ? "platinum" : "gold";

        var body = await fixture.AdminSetPlanAsync(user, newPlan);

        Assert.Equal(user, body.GetProperty("sub").GetString());
        Assert.Equal(newPlan, body.GetProperty("plan").GetString());
        Assert.StartsWith(Arm.Name + " arm: ", body.GetProperty("note").GetString(), StringComparison.Ordinal);
        var expected = Arm.PlanChange switch
        {
            PlanChangeEffect.SeenOnNextRequest => newPlan,
            PlanChangeEffect.KeptUntilExpiry => oldPlan,
        };
        Assert.Equal(expected, await fixture.PlanAsync(before));
        Assert.Equal(otherPlan, await fixture.PlanAsync(other));
        Assert.Equal(newPlan, await fixture.PlanAsync(await fixture.LoginAsync(user)));
    }

    [Fact]
    public async Task Plan_change_needs_the_admin_key_a_known_user_and_a_plan()
    {
        using var noKey = await fixture.Client.PostAsJsonAsync("/admin/users/user1/plan", new { plan = "gold" });
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        using var unknown = await fixture.AdminSetPlanResponseAsync("nobody", "gold");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var empty = await fixture.AdminSetPlanResponseAsync("user1", " ");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    /// <summary>
    /// CSRF: where a browser attaches a credential by itself (a cookie: the API credential, or a refresh token), a
    /// state-changing request it marks as cross-origin (Sec-Fetch-Site, else Origin) is refused with 403 before it
    /// does anything, so the credential still works; same-origin and header-less (non-browser) requests pass. A
    /// bearer arm without a refresh cookie, or a credential-free arm, has nothing a browser would attach, and no guard.
    /// </summary>
    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    public async Task Cross_origin_logout_gets_403_where_the_credential_is_a_cookie(string header, string value)
    {
        var credential = await fixture.LoginAsync(NewUser());
        using var request = fixture.Request(HttpMethod.Post, "/auth/logout", credential);
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await fixture.Client.SendAsync(request);

        if (BrowserAttachesACredential)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("cross_origin_request", (await response.JsonAsync()).GetProperty("error").GetString());
            Assert.False(response.Headers.Contains("Set-Cookie"));
            Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(credential));
        }
        else
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Origin", "http://localhost")]
    [InlineData(null, null)]
    public async Task Same_origin_or_non_browser_logout_passes(string? header, string? value)
    {
        using var request = fixture.Request(HttpMethod.Post, "/auth/logout", await fixture.LoginAsync(NewUser()));
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }
        using var response = await fixture.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Cross_origin_admin_call_gets_403_where_the_credential_is_a_cookie()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/users/user1/plan") { Content = JsonContent.Create(new { plan = "gold" }) };
        request.Headers.Add("X-Admin-Key", ArmFixture.AdminKey);
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var response = await fixture.Client.SendAsync(request);
        // Every path is guarded where the credential itself is a cookie; hybrid's refresh cookie guards only its own path (/auth).
        Assert.Equal(Arm.Transport is CredentialTransport.Cookie ? HttpStatusCode.Forbidden : HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Admin_revoke_needs_the_admin_key_and_a_known_user()
    {
        using var noKey = await fixture.Client.PostAsync("/admin/users/user1/revoke", null);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        using var wrongKey = new HttpRequestMessage(HttpMethod.Post, "/admin/users/user1/revoke");
        wrongKey.Headers.Add("X-Admin-Key", ArmFixture.AdminKey + "x");
        using (var response = await fixture.Client.SendAsync(wrongKey))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/admin/users/nobody/revoke");
        unknown.Headers.Add("X-Admin-Key", ArmFixture.AdminKey);
        using (var response = await fixture.Client.SendAsync(unknown))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    /// <summary>Hostile variants of a real credential, each sent in the arm's transport (or deliberately outside it).</summary>
    public static TheoryData<string> HostileCases() =>
        new() { "garbage", "empty", "tampered", "truncated", "forged", "in another transport", "twice" };

    [Theory]
    [MemberData(nameof(HostileCases))]
    public async Task Hostile_credential_gets_401_unless_the_arm_protects_nothing(string kind)
    {
        var real = await fixture.LoginAsync(NewUser());
        using var request = HostileRequest(kind, real);
        using var response = await fixture.Client.SendAsync(request);
        Assert.Equal(Refused, response.StatusCode);
        if (!IsOpen)
        {
            Assert.Equal("", await response.Content.ReadAsStringAsync());
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
        // Control: the real credential still works, so the refusal was about the variant.
        Assert.Equal(HttpStatusCode.OK, await fixture.MeStatusAsync(real));
    }

    private HttpRequestMessage HostileRequest(string kind, string? real)
    {
        // The baseline hands out nothing: send what the other arms would refuse, in both transports, to a resource
        // that must stay open.
        var credential = real ?? RedisSessionStore.NewId();
        var variant = kind switch
        {
            "garbage" => "garbage",
            "empty" => "",
            "tampered" => Tamper(credential),
            "truncated" => credential[..^2],
            "forged" => Forge(),
            _ => credential,
        };
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        switch (Arm.Transport, kind)
        {
            case (CredentialTransport.None, _):
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + variant);
                request.Headers.TryAddWithoutValidation("Cookie", $"{ArmCatalogue.SessionCookieName}={variant}");
                break;
            case (CredentialTransport.Cookie, "in another transport"):
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential);
                break;
            case (CredentialTransport.BearerHeader, "in another transport"):
                request.Headers.TryAddWithoutValidation("Cookie", $"{ArmCatalogue.SessionCookieName}={credential}; access_token={credential}");
                break;
            case (CredentialTransport.Cookie, "twice"):
                request.Headers.TryAddWithoutValidation("Cookie", $"{Arm.CookieName}={credential}; {Arm.CookieName}={Forge()}");
                break;
            case (CredentialTransport.BearerHeader, "twice"):
                request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + credential, "Bearer " + Forge()]);
                break;
            case (CredentialTransport.Cookie, _):
                request.Headers.TryAddWithoutValidation("Cookie", $"{Arm.CookieName}={variant}");
                break;
            case (CredentialTransport.BearerHeader, _):
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + variant);
                break;
        }
        return request;
    }

    /// <summary>One character changed in the middle (in a JWS, inside the payload), so the credential keeps its shape.</summary>
    private static string Tamper(string credential)
    {
        var i = credential.Contains('.', StringComparison.Ordinal) ? credential.IndexOf('.', StringComparison.Ordinal) + 5 : credential.Length / 2;
        return credential[..i] + (credential[i] == 'A' ? 'B' : 'A') + credential[(i + 1)..];
    }

    /// <summary>A well-formed credential the API never issued: a JWT signed with other keys (in whichever transport), or a fresh random id.</summary>
    private string Forge() => Arm.HasAlgorithm ? ForgeToken() : RedisSessionStore.NewId();

    private string ForgeToken()
    {
        using var otherKeys = JwtKeySet.Generate(fixture.Algorithm);
        return new JwtTokens(otherKeys, ClaimProfile.Typical).Issue(new UserDirectory().Find("user1")!);
    }

    /// <summary>
    /// "stopped": the store process is gone (connections refused) and comes back empty, so recovery means a fresh
    /// login works. "paused": SIGSTOP, the store keeps its connections open and never answers, so only the API's
    /// timeouts end the wait; it keeps its data, so the credential from before works again. Recovery happens without
    /// restarting the API, within a bounded wait (how fast is a load-test figure, not a test).
    /// </summary>
    [Theory]
    [InlineData("stopped")]
    [InlineData("paused")]
    public async Task Store_outage_gives_503_with_retry_after_where_the_arm_reads_the_store_and_200_where_not(string how)
    {
        var store = fixture.Store ?? throw new InvalidOperationException($"the {Arm.Name} fixture runs without a store; the contract needs one");
        var stopped = how == "stopped";
        var credential = await fixture.LoginAsync(NewUser());
        // Logout gets a credential of its own: a write the paused store has buffered may still land after resume.
        var leaving = await fixture.LoginAsync(NewUser());
        var user = NewUser();
        HttpStatusCode recovered;
        await (stopped ? store.StopAsync() : store.PauseAsync());
        try
        {
            await AssertDuringOutageAsync(credential, leaving);
        }
        finally
        {
            // Also when an assertion failed: the class's next test must find the arm recovered.
            await (stopped ? store.StartAsync() : store.ResumeAsync());
            recovered = await WaitForOkAsync(async () =>
            {
                if (!stopped)
                {
                    return await fixture.MeStatusAsync(credential);
                }
                using var login = await fixture.Client.LoginAsync(user);
                return login.StatusCode == HttpStatusCode.OK ? await fixture.MeStatusAsync(await fixture.CredentialFromAsync(login)) : login.StatusCode;
            });
        }
        Assert.Equal(HttpStatusCode.OK, recovered);
    }

    private async Task AssertDuringOutageAsync(string? credential, string? leaving)
    {
        using (var me = await fixture.SendAsync(HttpMethod.Get, "/api/me", credential))
        {
            if (Arm.FailsClosedWithoutStore)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, me.StatusCode);
                Assert.Equal("1", me.Headers.GetValues("Retry-After").Single());
                Assert.Equal("no-store", me.Headers.CacheControl?.ToString());
                Assert.Equal("store_unavailable", (await me.JsonAsync()).GetProperty("error").GetString());
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            }
        }

        using (var login = await fixture.Client.LoginAsync(NewUser()))
        {
            Assert.Equal(Arm.LoginNeedsStore ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, login.StatusCode);
            if (Arm.LoginNeedsStore)
            {
                Assert.False(login.Headers.Contains("Set-Cookie"));
                Assert.Equal("1", login.Headers.GetValues("Retry-After").Single());
            }
        }

        // A logout that must reach the store cannot claim success without it.
        using (var logout = await fixture.SendAsync(HttpMethod.Post, "/auth/logout", leaving))
        {
            var logoutNeedsStore = Arm.FailsClosedWithoutStore && Arm.Logout is not LogoutEffect.Nothing;
            Assert.Equal(logoutNeedsStore ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NoContent, logout.StatusCode);
            if (logoutNeedsStore)
            {
                Assert.False(logout.Headers.Contains("Set-Cookie"));
                Assert.Equal("1", logout.Headers.GetValues("Retry-After").Single());
            }
        }

        // A plan change that must rewrite what only the store holds cannot claim success without it.
        using (var plan = await fixture.AdminSetPlanResponseAsync(NewUser(), "gold"))
        {
            var planNeedsStore = Arm.Lifecycle is CredentialLifecycle.LoginOnceHeldByStore && Arm.PlanChange is PlanChangeEffect.SeenOnNextRequest;
            Assert.Equal(planNeedsStore ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, plan.StatusCode);
        }

        // An admin revoke that must reach the store cannot claim success without it (nor turn into a 500).
        using (var revoke = await fixture.AdminRevokeResponseAsync(NewUser()))
        {
            var revokeNeedsStore = Arm.Revoke switch
            {
                RevokeEffect.NothingToRevoke or RevokeEffect.NotRevocableBeforeExpiry => false,
                RevokeEffect.DeletesUserCredentials or RevokeEffect.RevokesUserCredentials or RevokeEffect.EndsRefreshFamilies => true,
            };
            Assert.Equal(revokeNeedsStore ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, revoke.StatusCode);
            if (revokeNeedsStore)
            {
                Assert.Equal("1", revoke.Headers.GetValues("Retry-After").Single());
            }
        }

        // A malformed credential is refused before the store is asked, outage or not.
        using var request = HostileRequest("garbage", credential);
        using var garbage = await fixture.Client.SendAsync(request);
        Assert.Equal(Refused, garbage.StatusCode);
    }

    /// <summary>Retries for up to 15 s until 200; returns the last status.</summary>
    private static async Task<HttpStatusCode> WaitForOkAsync(Func<Task<HttpStatusCode>> send)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        while ((status = await send()) != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }
        return status;
    }

    /// <summary>
    /// An arm that revokes per user does so for every credential issued up to the second of the revocation
    /// (<c>iat</c> has whole seconds): a login meant to survive it must fall in a later second.
    /// </summary>
    private Task AfterRevocationAsync() => Arm.Logout is LogoutEffect.RevokesUserCredentials
        ? Task.Delay(TimeSpan.FromMilliseconds(1050 - DateTimeOffset.UtcNow.Millisecond))
        : Task.CompletedTask;
}
