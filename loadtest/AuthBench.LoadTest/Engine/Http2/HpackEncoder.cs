using System.Buffers;
using System.Text;

namespace AuthBench.LoadTest.Engine.Http2;

/// <summary>How a header field is represented (RFC 7541 section 6).</summary>
public enum HpackIndexing
{
    /// <summary>Indexed when it is in a table, else a literal added to the dynamic table (browsers, Go: the credential too).</summary>
    Incremental,

    /// <summary>A literal, never added to the dynamic table, and marked so that no intermediary adds it either (.NET HttpClient, nghttp2 for authorization).</summary>
    NeverIndexed,

    /// <summary>A literal not added to the dynamic table, with no marking.</summary>
    WithoutIndexing,
}

/// <summary>
/// An HPACK encoder (RFC 7541), written for the load tool only: static and dynamic table, Huffman coding of string
/// literals when it is not longer (as the examples of Appendix C do). Hand-written because no package this machine's NuGet serves exposes one (.NET's own
/// is internal to System.Net.Http and does no dynamic-table insertion on the client side). Verified byte for byte
/// against the examples of RFC 7541 Appendix C (tests/AuthBench.LoadTest.Tests/HpackTests.cs).
/// One instance per connection; not thread-safe (header blocks must be encoded in the order they are sent).
/// </summary>
public sealed class HpackEncoder
{
    public const int DefaultTableSize = 4096;

    private readonly HpackDynamicTable _table;
    private readonly bool _huffman;
    private int? _pendingSizeUpdate;

    public HpackEncoder(int maxTableSize = DefaultTableSize, bool huffman = true)
    {
        _table = new HpackDynamicTable(maxTableSize);
        _huffman = huffman;
    }

    /// <summary>The dynamic table's size in RFC 7541 octets.</summary>
    public int DynamicTableSize => _table.Size;

    public int DynamicTableCount => _table.Count;

    /// <summary>The peer's SETTINGS_HEADER_TABLE_SIZE changed: the next header block starts with a size update (section 6.3).</summary>
    public void SetMaxTableSize(int maxTableSize)
    {
        if (maxTableSize != _table.MaxSize)
        {
            _table.Resize(maxTableSize);
            _pendingSizeUpdate = maxTableSize;
        }
    }

    /// <summary>Call at the start of each header block: writes a pending dynamic table size update.</summary>
    public void BeginHeaderBlock(IBufferWriter<byte> output)
    {
        if (_pendingSizeUpdate is { } size)
        {
            WriteInteger(output, 0x20, 5, size);
            _pendingSizeUpdate = null;
        }
    }

    public void Encode(string name, string value, HpackIndexing indexing, IBufferWriter<byte> output) =>
        Encode(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value), indexing, output);

    /// <summary>Encodes one header field; <paramref name="name"/> must be lower case (HTTP/2).</summary>
    public void Encode(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, HpackIndexing indexing, IBufferWriter<byte> output)
    {
        if (indexing == HpackIndexing.Incremental)
        {
            var exact = FindStatic(name, value, nameOnly: false);
            if (exact == 0)
            {
                exact = _table.Find(name, value, nameOnly: false);
            }
            if (exact != 0)
            {
                WriteInteger(output, 0x80, 7, exact);
                return;
            }
        }
        var nameIndex = FindStatic(name, value, nameOnly: true);
        if (nameIndex == 0)
        {
            nameIndex = _table.Find(name, value, nameOnly: true);
        }
        var (pattern, prefix) = indexing switch
        {
            HpackIndexing.Incremental => ((byte)0x40, 6),
            HpackIndexing.NeverIndexed => ((byte)0x10, 4),
            HpackIndexing.WithoutIndexing => ((byte)0x00, 4),
        };
        WriteInteger(output, pattern, prefix, nameIndex);
        if (nameIndex == 0)
        {
            WriteString(output, name);
        }
        WriteString(output, value);
        if (indexing == HpackIndexing.Incremental)
        {
            _table.Add(name.ToArray(), value.ToArray());
        }
    }

    /// <summary>An integer with an N-bit prefix (section 5.1); <paramref name="pattern"/> holds the representation's leading bits.</summary>
    internal static void WriteInteger(IBufferWriter<byte> output, byte pattern, int prefixBits, int value)
    {
        var span = output.GetSpan(6);
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            span[0] = (byte)(pattern | value);
            output.Advance(1);
            return;
        }
        span[0] = (byte)(pattern | max);
        var n = 1;
        value -= max;
        while (value >= 0x80)
        {
            span[n++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        output.Advance(n);
    }

    private void WriteString(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        var huffmanLength = _huffman ? Huffman.EncodedLength(value) : int.MaxValue;
        if (huffmanLength <= value.Length)
        {
            WriteInteger(output, 0x80, 7, huffmanLength);
            var span = output.GetSpan(huffmanLength);
            output.Advance(Huffman.Encode(value, span));
        }
        else
        {
            WriteInteger(output, 0x00, 7, value.Length);
            output.Write(value);
        }
    }

    private static int FindStatic(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool nameOnly)
    {
        var entries = HpackStaticTable.Entries;
        for (var i = 0; i < entries.Length; i++)
        {
            if (name.SequenceEqual(entries[i].Name) && (nameOnly || value.SequenceEqual(entries[i].Value)))
            {
                return i + 1;
            }
        }
        return 0;
    }
}
