using System.Net;
using System.Text;
using AuthBench.Common;

namespace AuthBench.LoadTest.Tests;

/// <summary>
/// An in-process HTTP server with the API's login endpoint: <c>respond(n, user)</c> answers the n-th login (from 1).
/// Counts logins and keeps every credential it handed out; bounded, it stops with the test.
/// </summary>
internal sealed class FakeLoginServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, string, LoginAnswer> _respond;
    private int _logins;

    public FakeLoginServer(Func<int, string, LoginAnswer> respond)
    {
        _respond = respond;
        for (var attempt = 1; ; attempt++)
        {
            var port = LocalPorts.FindFree();
            BaseUri = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(BaseUri.ToString());
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        _ = ServeAsync();
    }

    public Uri BaseUri { get; private set; }

    public int Logins => Volatile.Read(ref _logins);

    private async Task ServeAsync()
    {
        try
        {
            while (_listener.IsListening)
            {
                var context = await _listener.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var user = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("username").GetString()!;
                var answer = context.Request.Url!.AbsolutePath == "/auth/login"
                    ? _respond(Interlocked.Increment(ref _logins), user)
                    : new LoginAnswer(404, null, "{}");
                context.Response.StatusCode = answer.Status;
                if (answer.SetCookie is not null)
                {
                    context.Response.AddHeader("Set-Cookie", answer.SetCookie);
                }
                var bytes = Encoding.UTF8.GetBytes(answer.Body);
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        if (_listener.IsListening)
        {
            _listener.Stop();
        }
        _listener.Close();
    }
}

internal sealed record LoginAnswer(int Status, string? SetCookie, string Body);
