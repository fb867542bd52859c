using System.Net;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Tests;

/// <summary>
/// Two API servers of one arm as the load tool's <c>--instances</c> starts them behind a round-robin balancer with no
/// stickiness: the same store, the same signing key file and the same Data Protection key ring folder. A user who
/// logged in through instance A must be served by instance B: the session arms through the shared store, the token
/// arms through the shared key alone, the stock cookie arms through the shared key ring.
/// </summary>
public sealed class CrossInstanceTests(StoreFixture store) : IClassFixture<StoreFixture>, IDisposable
{
    private const string Algorithm = nameof(JwtAlgorithm.ES256);
    private readonly string _dir = Directory.CreateTempSubdirectory("authbench-cross-").FullName;

    public static TheoryData<string> Runs() => [.. ArmCatalogue.Runs.Select(a => a.RunName)];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task A_login_through_one_instance_is_served_by_another(string run)
    {
        var arm = ArmCatalogue.FindRun(run)!;
        var keyFile = NewKeyFile("shared.key");
        var dpKeys = Path.Combine(_dir, "dp-keys");
        await using var a = Instance(arm, keyFile, dpKeys, store.ConnectionString);
        await using var b = Instance(arm, keyFile, dpKeys, store.ConnectionString);
        using var clientA = a.CreateBareClient();
        using var clientB = b.CreateBareClient();

        var credential = await LoginAsync(clientA, arm, "user1");

        Assert.Equal(HttpStatusCode.OK, await MeAsync(clientB, arm, credential));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(clientA, arm, credential));
        if (arm.Transport is not CredentialTransport.None)
        {
            // Fail closed on the other instance too: a forged credential is not served anywhere.
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(clientB, arm, credential![..^4] + "AAAA"));
        }
    }

    /// <summary>The control: without the shared key (or key ring) instance B rejects what A issued, so the test above proves the sharing.</summary>
    [Theory]
    [InlineData(nameof(ArmCatalogue.Jwt))]
    [InlineData(nameof(ArmCatalogue.AspNetCookie))]
    public async Task Without_the_shared_key_another_instance_rejects_the_credential(string field)
    {
        var arm = field == nameof(ArmCatalogue.Jwt) ? ArmCatalogue.Jwt : ArmCatalogue.AspNetCookie;
        await using var a = Instance(arm, NewKeyFile("a.key"), Path.Combine(_dir, "dp-a"), store.ConnectionString);
        await using var b = Instance(arm, NewKeyFile("b.key"), Path.Combine(_dir, "dp-b"), store.ConnectionString);
        using var clientA = a.CreateBareClient();
        using var clientB = b.CreateBareClient();

        var credential = await LoginAsync(clientA, arm, "user1");

        Assert.Equal(HttpStatusCode.OK, await MeAsync(clientA, arm, credential));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(clientB, arm, credential));
    }

    private string NewKeyFile(string name)
    {
        using var keys = JwtKeySet.Generate(JwtKeySet.ParseAlgorithm(Algorithm));
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, keys.ExportPrivate());
        return path;
    }

    private static ApiFactory Instance(ArmDescriptor arm, string keyFile, string dpKeys, string redis) => new(new Dictionary<string, string?>
    {
        ["scheme"] = arm.Name,
        ["transport"] = arm.Variant is null ? null : ArmCatalogue.TransportName(arm.Transport),
        ["alg"] = arm.HasAlgorithm ? Algorithm : null,
        ["key-file"] = arm.HasAlgorithm ? keyFile : null,
        ["dp-keys"] = dpKeys,
        ["redis"] = redis,
    });

    private static async Task<string?> LoginAsync(HttpClient client, ArmDescriptor arm, string user)
    {
        using var response = await client.LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return arm.Transport switch
        {
            CredentialTransport.None => null,
            CredentialTransport.Cookie => Http.CookieFrom(response, arm.CookieName!) ?? throw new InvalidOperationException("no credential cookie"),
            CredentialTransport.BearerHeader => (await response.JsonAsync()).GetProperty("access_token").GetString(),
        };
    }

    private static async Task<HttpStatusCode> MeAsync(HttpClient client, ArmDescriptor arm, string? credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (credential is not null)
        {
            _ = arm.Transport switch
            {
                CredentialTransport.None => true,
                CredentialTransport.Cookie => request.Headers.TryAddWithoutValidation("Cookie", $"{arm.CookieName}={credential}"),
                CredentialTransport.BearerHeader => request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential),
            };
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
