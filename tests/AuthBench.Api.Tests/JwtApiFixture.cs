using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using AuthBench.Contracts.Arms;
using AuthBench.Core;

namespace AuthBench.Api.Tests;

/// <summary>
/// A bearer-token arm for one algorithm (the server's key is the fixture's, so tests can sign with it) plus what the
/// hostile tokens need: the attacker's keys, and a loopback "trap" listener that a token's jku/x5u points at: it
/// must never see a connection.
/// </summary>
public abstract class JwtApiFixture(ArmDescriptor arm, JwtAlgorithm algorithm) : ArmFixture(arm, algorithm.ToString(), storeForEveryArm: false)
{
    private readonly List<IDisposable> _owned = [];

    public TcpListener Trap { get; } = new(IPAddress.Loopback, 0);
    public Uri TrapUri => new($"http://127.0.0.1:{((IPEndPoint)Trap.LocalEndpoint).Port}/");

    /// <summary>An RSA key that is not the server's: RS/PS signatures where the arm is not RSA, and x5c.</summary>
    public RSA OtherRsa { get; } = RSA.Create(2048);
    public ECDsa P384 { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    public ECDsa P521 { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP521);
    public (string Jwk, Func<byte[], byte[]> Sign) Attacker { get; private set; }
    public string AttackerCertificate { get; private set; } = null!;
    public Func<byte[], byte[]> AttackerCertificateSign { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Trap.Start();
        var (jwk, sign, owned) = Jws.AttackerKey(Algorithm);
        Attacker = (jwk, sign);
        _owned.Add(owned);
        AttackerCertificate = Jws.SelfSignedCertificate(out var certSign, out var certKey);
        AttackerCertificateSign = certSign;
        _owned.Add(certKey);
    }

    public override async Task DisposeAsync()
    {
        Trap.Stop();
        await base.DisposeAsync();
        OtherRsa.Dispose();
        P384.Dispose();
        P521.Dispose();
        _owned.ForEach(o => o.Dispose());
    }
}

public sealed class Hs256ApiFixture() : JwtApiFixture(ArmCatalogue.Jwt, JwtAlgorithm.HS256);

public sealed class Rs256ApiFixture() : JwtApiFixture(ArmCatalogue.Jwt, JwtAlgorithm.RS256);

public sealed class Es256ApiFixture() : JwtApiFixture(ArmCatalogue.Jwt, JwtAlgorithm.ES256);

/// <summary>The jwt-denylist arm (HS256) with a store of its own: the same hostile tokens must meet the same 401s.</summary>
public sealed class Hs256DenylistApiFixture() : JwtApiFixture(ArmCatalogue.JwtDenylist, JwtAlgorithm.HS256);

/// <summary>The jwt-denylist-cached arm (HS256): the near cache sits after the signature and the policy, so the same hostile tokens meet the same 401s.</summary>
public sealed class Hs256DenylistCachedApiFixture() : JwtApiFixture(ArmCatalogue.JwtDenylistCached, JwtAlgorithm.HS256);

/// <summary>The hybrid arm (HS256): its access token is the jwt arm's, validated by the same JwtBearer set-up.</summary>
public sealed class Hs256HybridApiFixture() : JwtApiFixture(ArmCatalogue.Hybrid, JwtAlgorithm.HS256);
