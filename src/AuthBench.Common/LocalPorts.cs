using System.Net;
using System.Net.Sockets;

namespace AuthBench.Common;

/// <summary>Free loopback ports. The port is released before its user binds it, so callers retry on a collision.</summary>
public static class LocalPorts
{
    public static int FindFree()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
