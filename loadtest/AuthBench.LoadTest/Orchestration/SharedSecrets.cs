using System.Security.Cryptography;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>
/// What the API servers of one arm behind a balancer must share so that a credential issued by one is accepted by
/// every other: the signing key file (<c>--key-file</c>) and the Data Protection key ring folder (<c>--dp-keys</c>).
/// The store they share already. Kept in a temporary folder (mode 700), never in the published output, and removed
/// on dispose.
/// </summary>
public sealed class SharedSecrets : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authbench-fleet-").FullName;
    private int _files;

    /// <summary>The key ring folder every instance of every arm in this run reads and writes (created by the first API).</summary>
    public string DataProtectionKeys => Path.Combine(_directory, "dp-keys");

    /// <summary>
    /// A new signing key for <paramref name="alg"/> in the format the API's <c>--key-file</c> reads: a 256-bit secret in
    /// base64 for HS256, a PKCS#8 PEM private key (RSA 2048, P-256) otherwise. One per arm: the arms share nothing.
    /// </summary>
    public string NewKeyFile(string alg)
    {
        var text = alg.ToUpperInvariant() switch
        {
            "HS256" => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            "RS256" => ExportRsa(),
            "ES256" => ExportEcdsa(),
            _ => throw new ArgumentException($"no key format known for algorithm {alg}", nameof(alg)),
        };
        var path = Path.Combine(_directory, $"key-{++_files}.txt");
        File.WriteAllText(path, text);
        return path;
    }

    private static string ExportRsa()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static string ExportEcdsa()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ecdsa.ExportPkcs8PrivateKeyPem();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
