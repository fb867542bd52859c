using AuthBench.Common;
using System.Diagnostics;

namespace AuthBench.Store.Internal;

/// <summary>Microsoft Garnet in its own process (AuthBench.GarnetHost), so its CPU is not the caller's.</summary>
internal sealed class GarnetStore(string hostDll, TimeSpan startTimeout, Action<string>? log) : ChildProcessStore(startTimeout, log)
{
    public override StoreKind Kind => StoreKind.Garnet;

    protected override ProcessStartInfo CreateStartInfo(int port)
    {
        var psi = new ProcessStartInfo(DotnetHost.Find())
        {
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(hostDll);
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("--password");
        psi.ArgumentList.Add(Password);
        // The parent's GC and tiering knobs (e.g. from a benchmark run) must not leak into the store.
        psi.Environment.Remove("DOTNET_gcServer");
        psi.Environment.Remove("DOTNET_GCHeapCount");
        return psi;
    }
}
