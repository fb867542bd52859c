namespace AuthBench.LoadTest.Engine.Http2;

/// <summary>
/// The HPACK Huffman code (RFC 7541 Appendix B). The code is canonical: sorting the 257 symbols by (code length,
/// symbol) and counting up gives every code of the RFC's table, so only the lengths are written out here.
/// </summary>
internal static class Huffman
{
    /// <summary>Code length in bits per symbol 0..255, then EOS (256): the "len" column of RFC 7541 Appendix B.</summary>
    private static readonly byte[] Lengths =
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    ];

    private const int Eos = 256;

    /// <summary>Code of each symbol, right-aligned.</summary>
    private static readonly uint[] Codes = BuildCodes();

    /// <summary>Decoding: (length &lt;&lt; 32 | code) to symbol.</summary>
    private static readonly Dictionary<ulong, int> Symbols = BuildSymbols();

    public static uint CodeOf(int symbol) => Codes[symbol];

    public static int LengthOf(int symbol) => Lengths[symbol];

    /// <summary>Bytes the Huffman encoding of <paramref name="value"/> takes (padding included).</summary>
    public static int EncodedLength(ReadOnlySpan<byte> value)
    {
        long bits = 0;
        foreach (var b in value)
        {
            bits += Lengths[b];
        }
        return (int)((bits + 7) / 8);
    }

    /// <summary>Writes the Huffman encoding of <paramref name="value"/> (padded with the EOS prefix, all ones); returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        ulong accumulator = 0;
        var pending = 0;
        var written = 0;
        foreach (var b in value)
        {
            accumulator = (accumulator << Lengths[b]) | Codes[b];
            pending += Lengths[b];
            while (pending >= 8)
            {
                pending -= 8;
                destination[written++] = (byte)(accumulator >> pending);
            }
        }
        if (pending > 0)
        {
            destination[written++] = (byte)((accumulator << (8 - pending)) | (0xFFu >> pending));
        }
        return written;
    }

    /// <summary>Decodes a Huffman-encoded string literal; throws <see cref="Http2ProtocolException"/> on a bad code or padding.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> encoded)
    {
        var output = new List<byte>(encoded.Length * 8 / 5);
        ulong code = 0;
        var length = 0;
        foreach (var b in encoded)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                code = (code << 1) | (uint)((b >> bit) & 1);
                length++;
                if (length >= 5 && Symbols.TryGetValue(((ulong)length << 32) | code, out var symbol))
                {
                    if (symbol == Eos)
                    {
                        throw new Http2ProtocolException("Huffman literal contains EOS");
                    }
                    output.Add((byte)symbol);
                    code = 0;
                    length = 0;
                }
                else if (length > 30)
                {
                    throw new Http2ProtocolException("bad Huffman code");
                }
            }
        }
        // Padding: fewer than 8 bits, all ones (RFC 7541 section 5.2).
        if (length > 7 || code != (1UL << length) - 1)
        {
            throw new Http2ProtocolException("bad Huffman padding");
        }
        return [.. output];
    }

    private static uint[] BuildCodes()
    {
        var order = Enumerable.Range(0, Lengths.Length).OrderBy(s => Lengths[s]).ThenBy(s => s).ToArray();
        var codes = new uint[Lengths.Length];
        uint code = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (i > 0)
            {
                code = (code + 1) << (Lengths[order[i]] - Lengths[order[i - 1]]);
            }
            codes[order[i]] = code;
        }
        return codes;
    }

    private static Dictionary<ulong, int> BuildSymbols()
    {
        var symbols = new Dictionary<ulong, int>(Lengths.Length);
        for (var s = 0; s < Lengths.Length; s++)
        {
            symbols[((ulong)Lengths[s] << 32) | Codes[s]] = s;
        }
        return symbols;
    }
}
