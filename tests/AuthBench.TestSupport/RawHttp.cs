using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AuthBench.TestSupport;

/// <summary>
/// A raw socket client that writes a request byte for byte, for what TestServer cannot show (Kestrel's header
/// limits, bytes HttpClient refuses to send); start the server with <see cref="ApiFactory.StartOnKestrel"/>.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends one HTTP/1.1 request made of exactly these header lines; returns the status code (0 if the connection closed first).</summary>
    public static async Task<int> SendAsync(Uri server, string method, string path, params byte[][] headerLines)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = client.GetStream();
        var request = new List<byte>(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nConnection: close\r\n"));
        foreach (var line in headerLines)
        {
            request.AddRange(line);
            request.AddRange("\r\n"u8.ToArray());
        }
        request.AddRange(method == "POST" ? "Content-Length: 0\r\n\r\n"u8.ToArray() : "\r\n"u8.ToArray());
        try
        {
            await stream.WriteAsync(request.ToArray());
        }
        catch (IOException)
        {
            // The server may answer and close before reading an oversized request to the end.
        }
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string? status;
        try
        {
            status = await reader.ReadLineAsync();
        }
        catch (IOException)
        {
            return 0;
        }
        return status is null ? 0 : int.Parse(status.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static byte[] Line(string text) => Encoding.UTF8.GetBytes(text);
}
