using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AuthBench.Store.Internal;

/// <summary>
/// A bare AUTH + PING over RESP, for readiness checks: cheaper and quieter than a full
/// multiplexer connect while a store is still starting.
/// </summary>
internal static class RespPing
{
    public static async Task<bool> TryAsync(int port, string? password, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            var request = new StringBuilder();
            var expected = 1;
            if (!string.IsNullOrEmpty(password))
            {
                request.Append(Bulk("AUTH", password));
                expected++;
            }

            request.Append(Bulk("PING"));
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), timeout.Token).ConfigureAwait(false);

            var received = new StringBuilder();
            var buffer = new byte[256];
            while (CountLines(received) < expected)
            {
                var n = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return false;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            return received.ToString().Contains("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            ct.ThrowIfCancellationRequested();
            return false;
        }
    }

    private static int CountLines(StringBuilder sb)
    {
        var count = 0;
        for (var i = 0; i < sb.Length; i++)
        {
            if (sb[i] == '\n')
            {
                count++;
            }
        }

        return count;
    }

    private static string Bulk(params string[] parts)
    {
        var sb = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var p in parts)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(p)).Append("\r\n").Append(p).Append("\r\n");
        }

        return sb.ToString();
    }
}
