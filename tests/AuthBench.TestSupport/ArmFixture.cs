using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.TestSupport;

/// <summary>
/// One arm of the catalogue running in-process: its API, a key file when it signs tokens (so tests can mint tokens
/// the server trusts), and a store of its own. Credentials travel in the arm's documented transport, set by hand as
/// the load engine sets them.
/// </summary>
public abstract class ArmFixture : IAsyncLifetime
{
    /// <summary>The <c>--admin-key</c> every fixture's API runs with.</summary>
    public const string AdminKey = "authbench-tests-admin-key";

    private readonly string? _algorithm;
    private readonly bool _storeForEveryArm;
    private string? _keyFile;
    private JwtKeySet? _keys;
    private StoreFixture? _store;
    private ApiFactory? _factory;

    /// <param name="arm">The arm under test.</param>
    /// <param name="algorithm">Its signature algorithm, for an arm with <see cref="ArmDescriptor.HasAlgorithm"/>.</param>
    /// <param name="storeForEveryArm">
    /// Give the API a store even when the arm does not use one, so an outage test can show that the arm never
    /// touches it; false saves a store process where no test takes it away.
    /// </param>
    protected ArmFixture(ArmDescriptor arm, string? algorithm = null, bool storeForEveryArm = true)
    {
        if (arm.HasAlgorithm != algorithm is not null)
        {
            throw new ArgumentException($"the {arm.Name} arm {(arm.HasAlgorithm ? "needs" : "takes no")} algorithm", nameof(algorithm));
        }
        Arm = arm;
        _algorithm = algorithm is null ? null : ArmCatalogue.FindAlgorithm(algorithm) ?? throw new ArgumentException($"unknown algorithm {algorithm}");
        _storeForEveryArm = storeForEveryArm;
    }

    public ArmDescriptor Arm { get; }

    /// <summary>"session", "jwt-ES256": the arm as results name it.</summary>
    public string Label => Arm.Label(_algorithm);

    public JwtAlgorithm Algorithm => JwtKeySet.ParseAlgorithm(_algorithm ?? throw new InvalidOperationException($"the {Arm.Name} arm signs nothing"));

    /// <summary>The server's signing keys (the API reads the same key from its key file).</summary>
    public JwtKeySet Keys => _keys ?? throw new InvalidOperationException($"the {Arm.Name} arm signs nothing");

    /// <summary>The API's store; null when the arm uses none and the fixture was asked for none.</summary>
    public StoreFixture? Store => _store;

    public ApiFactory Factory => _factory ?? throw new InvalidOperationException("fixture not initialised");

    public HttpClient Client { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        if (_storeForEveryArm || Arm.UsesStore || Arm.LoginNeedsStore)
        {
            _store = new StoreFixture();
            await _store.InitializeAsync();
        }
        if (_algorithm is not null)
        {
            _keys = JwtKeySet.Generate(Algorithm);
            _keyFile = Path.GetTempFileName();
            await File.WriteAllTextAsync(_keyFile, _keys.ExportPrivate());
        }
        _factory = ApiFactory.For(Arm, _algorithm, _keyFile, _store?.ConnectionString, AdminKey);
        Client = _factory.CreateBareClient();
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        _keys?.Dispose();
        if (_keyFile is not null)
        {
            File.Delete(_keyFile);
        }
    }

    /// <summary>Logs <paramref name="user"/> in (asserting 200); returns the credential, or null for an arm that hands out none.</summary>
    public async Task<string?> LoginAsync(string user)
    {
        using var response = await Client.LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await CredentialFromAsync(response);
    }

    /// <summary>The credential a login response hands out, read as the arm's transport documents it.</summary>
    public async Task<string?> CredentialFromAsync(HttpResponseMessage response) => Arm.Transport switch
    {
        CredentialTransport.None => null,
        CredentialTransport.Cookie => Http.CookieFrom(response, Arm.CookieName!) ?? throw new InvalidOperationException("no credential cookie"),
        CredentialTransport.BearerHeader => (await response.JsonAsync()).GetProperty("access_token").GetString(),
    };

    /// <summary>A request carrying <paramref name="credential"/> (verbatim) in the arm's transport; none when null.</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, string? credential)
    {
        var request = new HttpRequestMessage(method, path);
        if (credential is null)
        {
            return request;
        }
        var added = Arm.Transport switch
        {
            CredentialTransport.None => true,
            CredentialTransport.Cookie => request.Headers.TryAddWithoutValidation("Cookie", $"{Arm.CookieName}={credential}"),
            CredentialTransport.BearerHeader => request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential),
        };
        Assert.True(added);
        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? credential)
    {
        using var request = Request(method, path, credential);
        return await Client.SendAsync(request);
    }

    /// <summary>The status of <c>GET /api/me</c> with <paramref name="credential"/>.</summary>
    public async Task<HttpStatusCode> MeStatusAsync(string? credential)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/me", credential);
        return response.StatusCode;
    }

    /// <summary><c>POST /auth/logout</c> with <paramref name="credential"/>; asserts 204.</summary>
    public async Task LogoutAsync(string? credential)
    {
        using var response = await SendAsync(HttpMethod.Post, "/auth/logout", credential);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary><c>POST /admin/users/{sub}/plan</c> with the admin key; returns the response.</summary>
    public async Task<HttpResponseMessage> AdminSetPlanResponseAsync(string sub, string plan)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/users/{sub}/plan") { Content = JsonContent.Create(new { plan }) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        return await Client.SendAsync(request);
    }

    /// <summary><c>POST /admin/users/{sub}/plan</c> with the admin key; asserts 200 and returns the body.</summary>
    public async Task<JsonElement> AdminSetPlanAsync(string sub, string plan)
    {
        using var response = await AdminSetPlanResponseAsync(sub, plan);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>The plan <c>GET /api/me</c> shows for <paramref name="credential"/> (asserting 200).</summary>
    public async Task<string> PlanAsync(string? credential)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/me", credential);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("plan").GetString()!;
    }

    /// <summary><c>POST /admin/users/{sub}/revoke</c> with the admin key; returns the response.</summary>
    public async Task<HttpResponseMessage> AdminRevokeResponseAsync(string sub)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/users/{sub}/revoke");
        request.Headers.Add("X-Admin-Key", AdminKey);
        return await Client.SendAsync(request);
    }

    /// <summary><c>POST /admin/users/{sub}/revoke</c> with the admin key; asserts 200 and returns the body.</summary>
    public async Task<JsonElement> AdminRevokeAsync(string sub)
    {
        using var response = await AdminRevokeResponseAsync(sub);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
