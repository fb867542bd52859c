using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using AuthBench.Core;

namespace AuthBench.Api.Tests;

/// <summary>
/// One jwt-arm API per algorithm with a key file (so tests can sign with the server's key), the attacker's keys,
/// and a loopback "trap" listener that a token's jku/x5u points at: it must never see a connection.
/// </summary>
public abstract class JwtApiFixture : IAsyncLifetime
{
    private readonly string _keyFile = Path.GetTempFileName();
    private readonly List<IDisposable> _owned = [];

    protected JwtApiFixture(JwtAlgorithm algorithm) => Algorithm = algorithm;

    public JwtAlgorithm Algorithm { get; }
    public JwtKeySet Keys { get; private set; } = null!;
    public ApiFactory Factory { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public TcpListener Trap { get; } = new(IPAddress.Loopback, 0);
    public Uri TrapUri => new($"http://127.0.0.1:{((IPEndPoint)Trap.LocalEndpoint).Port}/");

    /// <summary>An RSA key that is not the server's: RS/PS signatures where the arm is not RSA, and x5c.</summary>
    public RSA OtherRsa { get; } = RSA.Create(2048);
    public ECDsa P384 { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    public ECDsa P521 { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP521);
    public (string Jwk, Func<byte[], byte[]> Sign) Attacker { get; private set; }
    public string AttackerCertificate { get; private set; } = null!;
    public Func<byte[], byte[]> AttackerCertificateSign { get; private set; } = null!;

    /// <summary>The arm under test: the jwt arm, unless a subclass says otherwise.</summary>
    protected virtual Task<ApiFactory> CreateFactoryAsync(string keyFile) => Task.FromResult(ApiFactory.Jwt(keyFile, Algorithm));

    public async Task InitializeAsync()
    {
        Keys = JwtKeySet.Generate(Algorithm);
        File.WriteAllText(_keyFile, Keys.ExportPrivate());
        Factory = await CreateFactoryAsync(_keyFile);
        Client = Factory.CreateClient();
        Trap.Start();
        var (jwk, sign, owned) = Jws.AttackerKey(Algorithm);
        Attacker = (jwk, sign);
        _owned.Add(owned);
        AttackerCertificate = Jws.SelfSignedCertificate(out var certSign, out var certKey);
        AttackerCertificateSign = certSign;
        _owned.Add(certKey);
    }

    public virtual async Task DisposeAsync()
    {
        Trap.Stop();
        await Factory.DisposeAsync();
        Keys.Dispose();
        OtherRsa.Dispose();
        P384.Dispose();
        P521.Dispose();
        _owned.ForEach(o => o.Dispose());
        File.Delete(_keyFile);
    }
}

public sealed class Hs256ApiFixture() : JwtApiFixture(JwtAlgorithm.HS256);

public sealed class Rs256ApiFixture() : JwtApiFixture(JwtAlgorithm.RS256);

public sealed class Es256ApiFixture() : JwtApiFixture(JwtAlgorithm.ES256);

/// <summary>The jwt-denylist arm (HS256) with a store of its own: the same hostile tokens must meet the same 401s.</summary>
public sealed class Hs256DenylistApiFixture() : JwtApiFixture(JwtAlgorithm.HS256)
{
    private readonly RedisFixture _store = new();

    protected override async Task<ApiFactory> CreateFactoryAsync(string keyFile)
    {
        await _store.InitializeAsync();
        return ApiFactory.JwtDenylist(keyFile, _store.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _store.DisposeAsync();
    }
}
