using AuthBench.Core;

namespace AuthBench.Api.Tests;

/// <summary>The jwt arm behind a real Kestrel on 127.0.0.1: header limits and bytes that HttpClient will not send.</summary>
public sealed class JwtOverKestrelTests : IAsyncLifetime
{
    private readonly string _keyFile = Path.GetTempFileName();
    private JwtKeySet _keys = null!;
    private ApiFactory _factory = null!;
    private Uri _server = null!;

    public Task InitializeAsync()
    {
        _keys = JwtKeySet.Generate(JwtAlgorithm.ES256);
        File.WriteAllText(_keyFile, _keys.ExportPrivate());
        _factory = ApiFactory.Jwt(_keyFile, JwtAlgorithm.ES256);
        _server = _factory.StartOnKestrel();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _keys.Dispose();
        File.Delete(_keyFile);
    }

    [Fact]
    public async Task Control_valid_token_over_kestrel_gets_200() =>
        Assert.Equal(200, await RawHttp.SendAsync(_server, "GET", "/api/me", RawHttp.Line("Authorization: Bearer " + Jws.Valid(_keys))));

    [Fact]
    public async Task Authorization_header_over_kestrels_limit_gets_431()
    {
        // Kestrel's default MaxRequestHeadersTotalSize is 32 KB.
        var status = await RawHttp.SendAsync(_server, "GET", "/api/me", RawHttp.Line("Authorization: Bearer " + new string('A', 40 * 1024)));
        Assert.Equal(431, status);
    }

    [Theory]
    [InlineData(9 * 1024)]
    [InlineData(30 * 1024)]
    public async Task Token_over_the_8_kb_limit_but_under_kestrels_gets_401(int length)
    {
        var token = Jws.Token(Jws.Header(_keys), Jws.Payload(extra: $",\"pad\":\"{new string('p', length * 3 / 4)}\""), Jws.With(_keys));
        Assert.Equal(401, await RawHttp.SendAsync(_server, "GET", "/api/me", RawHttp.Line("Authorization: Bearer " + token)));
    }

    [Fact]
    public async Task Two_authorization_headers_get_401()
    {
        var line = RawHttp.Line("Authorization: Bearer " + Jws.Valid(_keys));
        Assert.Equal(401, await RawHttp.SendAsync(_server, "GET", "/api/me", line, line));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r")]
    [InlineData("\0")]
    public async Task Control_character_inside_the_token_never_gets_200_or_5xx(string control)
    {
        var token = Jws.Valid(_keys);
        var status = await RawHttp.SendAsync(_server, "GET", "/api/me", RawHttp.Line("Authorization: Bearer " + token[..20] + control + token[20..]));
        Assert.True(status is 400 or 401, $"got {status}");
    }

    [Fact]
    public async Task Non_ascii_bytes_in_the_token_never_get_200_or_5xx()
    {
        var token = Jws.Valid(_keys);
        var status = await RawHttp.SendAsync(_server, "GET", "/api/me", [.. RawHttp.Line("Authorization: Bearer " + token[..20]), 0xC3, 0xA9, .. RawHttp.Line(token[20..])]);
        Assert.True(status is 400 or 401, $"got {status}");
    }
}
