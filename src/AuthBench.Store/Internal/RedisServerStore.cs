using System.Diagnostics;

namespace AuthBench.Store.Internal;

/// <summary>A private redis-server child: loopback only, random password, no persistence.</summary>
internal sealed class RedisServerStore(string executable, TimeSpan startTimeout, Action<string>? log) : ChildProcessStore(startTimeout, log)
{
    public override StoreKind Kind => StoreKind.RedisServer;

    /// <summary>The redis-server on PATH, or null.</summary>
    public static string? FindOnPath() => PathSearch.Find("redis-server");

    protected override ProcessStartInfo CreateStartInfo(int port)
    {
        var psi = new ProcessStartInfo(executable)
        {
            // No config file is read; the working folder only matters if something tried to save.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--requirepass", Password,
            "--save", string.Empty,
            "--appendonly", "no",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        return psi;
    }
}
