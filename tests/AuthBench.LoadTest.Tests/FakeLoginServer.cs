using System.Net;
using System.Text;
using AuthBench.Common;

namespace AuthBench.LoadTest.Tests;

/// <summary>
/// An in-process HTTP server with the API's login endpoint: <c>respond(n, user)</c> answers the n-th login (from 1).
/// Counts logins and keeps every credential it handed out; bounded, it stops with the test. With <c>refresh(n, cookie)</c>
/// it also answers the n-th <c>POST /auth/refresh</c>, given the request's <c>Cookie</c> header.
/// </summary>
internal sealed class FakeLoginServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, string, LoginAnswer> _respond;
    private readonly Func<int, string?, LoginAnswer>? _refresh;
    private int _logins;
    private int _refreshes;

    public FakeLoginServer(Func<int, string, LoginAnswer> respond, Func<int, string?, LoginAnswer>? refresh = null)
    {
        _respond = respond;
        _refresh = refresh;
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

    public int Refreshes => Volatile.Read(ref _refreshes);

    private async Task ServeAsync()
    {
        try
        {
            while (_listener.IsListening)
            {
                var context = await _listener.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var path = context.Request.Url!.AbsolutePath;
                var answer = path switch
                {
                    "/auth/login" => _respond(Interlocked.Increment(ref _logins),
                        System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("username").GetString()!),
                    "/auth/refresh" when _refresh is not null => _refresh(Interlocked.Increment(ref _refreshes), context.Request.Headers["Cookie"]),
                    _ => new LoginAnswer(404, null, "{}"),
                };
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
