using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AuthBench.Api.Tests;

/// <summary>
/// A real Kestrel on 127.0.0.1 for what TestServer cannot show (its header limits, bytes HttpClient refuses to send),
/// and a raw socket client that writes a request byte for byte.
/// </summary>
public static class RawHttp
{
    /// <summary>Starts the factory's app on Kestrel, loopback only, on a free port; returns its base address.</summary>
    public static Uri StartOnKestrel(this ApiFactory factory)
    {
        factory.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address);
        Assert.Equal("127.0.0.1", uri.Host);
        return uri;
    }

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
