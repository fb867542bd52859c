using AuthBench.Core;

namespace AuthBench.Core.Tests;

public sealed class WireSizeTests
{
    [Fact]
    public void Bearer_line_counts_name_scheme_token_and_crlf() =>
        Assert.Equal("Authorization: Bearer abc\r\n".Length, WireSizes.BearerHeaderLine("abc"));

    [Fact]
    public void Cookie_line_counts_name_cookie_id_and_crlf() =>
        Assert.Equal("Cookie: __Host-sid=abc\r\n".Length, WireSizes.CookieHeaderLine("abc"));

    [Fact]
    public void Token_cookie_line_counts_name_cookie_token_and_crlf_three_bytes_under_the_bearer_line()
    {
        Assert.Equal("Cookie: __Host-jwt=abc\r\n".Length, WireSizes.TokenCookieHeaderLine("abc"));
        Assert.Equal(WireSizes.BearerHeaderLine("abc") - 3, WireSizes.TokenCookieHeaderLine("abc"));
    }
}
