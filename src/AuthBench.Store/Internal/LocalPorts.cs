using System.Net;
using System.Net.Sockets;

namespace AuthBench.Store.Internal;

/// <summary>Free loopback ports. The port is released before the store binds it, so callers retry on a collision.</summary>
internal static class LocalPorts
{
    public static int FindFree()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
