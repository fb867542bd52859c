using System.Buffers;
using System.Text;
using AuthBench.LoadTest.Engine.Http2;

namespace AuthBench.LoadTest.Tests;

/// <summary>The HPACK encoder and decoder against the examples of RFC 7541 Appendix C, byte for byte.</summary>
public class HpackTests
{
    private static readonly (string, string)[] Request1 = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")];
    private static readonly (string, string)[] Request2 = [.. Request1, ("cache-control", "no-cache")];
    private static readonly (string, string)[] Request3 =
        [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")];

    private static readonly (string, string)[] Response1 =
        [(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")];
    private static readonly (string, string)[] Response2 =
        [(":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")];
    private static readonly (string, string)[] Response3 =
        [(":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"),
         ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1")];

    [Theory]
    [InlineData("custom-key", "custom-header", HpackIndexing.Incremental, "400a637573746f6d2d6b65790d637573746f6d2d686561646572", 55)] // C.2.1
    [InlineData(":path", "/sample/path", HpackIndexing.WithoutIndexing, "040c2f73616d706c652f70617468", 0)] // C.2.2
    [InlineData("password", "secret", HpackIndexing.NeverIndexed, "100870617373776f726406736563726574", 0)] // C.2.3
    [InlineData(":method", "GET", HpackIndexing.Incremental, "82", 0)] // C.2.4
    public void C2_header_field_representations(string name, string value, HpackIndexing indexing, string expected, int tableSize)
    {
        var encoder = new HpackEncoder(huffman: false);
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode(name, value, indexing, output);
        Assert.Equal(expected, Convert.ToHexStringLower(output.WrittenSpan));
        Assert.Equal(tableSize, encoder.DynamicTableSize);
        AssertDecodes(new HpackDecoder(), expected, [(name, value)]);
    }

    [Fact]
    public void C3_requests_without_Huffman() => AssertSequence(4096, huffman: false,
        (Request1, "828684410f7777772e6578616d706c652e636f6d", 57),
        (Request2, "828684be58086e6f2d6361636865", 110),
        (Request3, "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565", 164));

    [Fact]
    public void C4_requests_with_Huffman() => AssertSequence(4096, huffman: true,
        (Request1, "828684418cf1e3c2e5f23a6ba0ab90f4ff", 57),
        (Request2, "828684be5886a8eb10649cbf", 110),
        (Request3, "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf", 164));

    [Fact]
    public void C5_responses_without_Huffman_and_evictions() => AssertSequence(256, huffman: false,
        (Response1, "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d", 222),
        (Response2, "4803333037c1c0bf", 222),
        (Response3, "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31", 215));

    [Fact]
    public void C6_responses_with_Huffman_and_evictions() => AssertSequence(256, huffman: true,
        (Response1, "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3", 222),
        (Response2, "4883640effc1c0bf", 222),
        (Response3, "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007", 215));

    [Theory]
    [InlineData(10, 5, "0a")] // C.1.1
    [InlineData(1337, 5, "1f9a0a")] // C.1.2
    [InlineData(42, 8, "2a")] // C.1.3
    public void C1_integers(int value, int prefix, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        HpackEncoder.WriteInteger(output, 0, prefix, value);
        Assert.Equal(expected, Convert.ToHexStringLower(output.WrittenSpan));
        var p = 0;
        Assert.Equal(value, HpackDecoder.ReadInteger(output.WrittenSpan, ref p, prefix));
    }

    [Fact]
    public void Huffman_round_trips_every_byte_value()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var encoded = new byte[Huffman.EncodedLength(all)];
        Assert.Equal(encoded.Length, Huffman.Encode(all, encoded));
        Assert.Equal(all, Huffman.Decode(encoded));
    }

    [Fact]
    public void Table_size_update_precedes_the_next_block_and_shrinks_the_table()
    {
        var encoder = new HpackEncoder(huffman: false);
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode("custom-key", "custom-header", HpackIndexing.Incremental, output);
        encoder.SetMaxTableSize(0);
        Assert.Equal(0, encoder.DynamicTableSize);
        output.Clear();
        encoder.BeginHeaderBlock(output);
        encoder.Encode("custom-key", "custom-header", HpackIndexing.Incremental, output);
        Assert.Equal("20", Convert.ToHexStringLower(output.WrittenSpan[..1]));
        Assert.Equal(0, encoder.DynamicTableSize);
    }

    private static void AssertSequence(int tableSize, bool huffman, params ((string, string)[] Fields, string Hex, int Size)[] blocks)
    {
        var encoder = new HpackEncoder(tableSize, huffman);
        var decoder = new HpackDecoder(tableSize);
        foreach (var (fields, hex, size) in blocks)
        {
            var output = new ArrayBufferWriter<byte>();
            encoder.BeginHeaderBlock(output);
            foreach (var (name, value) in fields)
            {
                encoder.Encode(name, value, HpackIndexing.Incremental, output);
            }
            Assert.Equal(hex, Convert.ToHexStringLower(output.WrittenSpan));
            Assert.Equal(size, encoder.DynamicTableSize);
            AssertDecodes(decoder, hex, fields);
            Assert.Equal(size, decoder.DynamicTableSize);
        }
    }

    private static void AssertDecodes(HpackDecoder decoder, string hex, (string, string)[] expected)
    {
        var fields = new List<(string, string)>();
        decoder.Decode(Convert.FromHexString(hex), (n, v) => fields.Add((Encoding.ASCII.GetString(n), Encoding.ASCII.GetString(v))));
        Assert.Equal(expected, fields);
    }
}
