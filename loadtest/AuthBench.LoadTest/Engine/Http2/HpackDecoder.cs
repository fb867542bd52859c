namespace AuthBench.LoadTest.Engine.Http2;

/// <summary>
/// The HPACK decoder the load tool needs for response header blocks (RFC 7541 section 6): every representation,
/// the dynamic table, Huffman literals. It returns the fields so that the caller can read <c>:status</c>.
/// </summary>
internal sealed class HpackDecoder
{
    private readonly HpackDynamicTable _table;
    private readonly int _settingsMaxSize;

    /// <param name="maxTableSize">The SETTINGS_HEADER_TABLE_SIZE this side announced: the ceiling of any size update.</param>
    public HpackDecoder(int maxTableSize = HpackEncoder.DefaultTableSize)
    {
        _table = new HpackDynamicTable(maxTableSize);
        _settingsMaxSize = maxTableSize;
    }

    public int DynamicTableSize => _table.Size;

    /// <summary>Decodes a whole header block; calls <paramref name="onField"/> for each field in order.</summary>
    public void Decode(ReadOnlySpan<byte> block, Action<byte[], byte[]> onField)
    {
        var p = 0;
        while (p < block.Length)
        {
            var b = block[p];
            if ((b & 0x80) != 0)
            {
                var index = ReadInteger(block, ref p, 7);
                var (name, value) = Lookup(index);
                onField(name, value);
            }
            else if ((b & 0xC0) == 0x40)
            {
                var (name, value) = ReadLiteral(block, ref p, 6);
                _table.Add(name, value);
                onField(name, value);
            }
            else if ((b & 0xE0) == 0x20)
            {
                var size = ReadInteger(block, ref p, 5);
                if (size > _settingsMaxSize)
                {
                    throw new Http2ProtocolException("dynamic table size update above SETTINGS_HEADER_TABLE_SIZE");
                }
                _table.Resize(size);
            }
            else
            {
                // 0000xxxx without indexing, 0001xxxx never indexed.
                var (name, value) = ReadLiteral(block, ref p, 4);
                onField(name, value);
            }
        }
    }

    private (byte[] Name, byte[] Value) ReadLiteral(ReadOnlySpan<byte> block, ref int p, int prefixBits)
    {
        var index = ReadInteger(block, ref p, prefixBits);
        var name = index == 0 ? ReadString(block, ref p) : Lookup(index).Name;
        return (name, ReadString(block, ref p));
    }

    private (byte[] Name, byte[] Value) Lookup(int index)
    {
        if (index >= 1 && index <= HpackStaticTable.Count)
        {
            return HpackStaticTable.Entries[index - 1];
        }
        if (index > HpackStaticTable.Count && index <= HpackStaticTable.Count + _table.Count)
        {
            return _table[index];
        }
        throw new Http2ProtocolException($"HPACK index {index} out of range");
    }

    private static byte[] ReadString(ReadOnlySpan<byte> block, ref int p)
    {
        if (p >= block.Length)
        {
            throw new Http2ProtocolException("truncated HPACK string");
        }
        var huffman = (block[p] & 0x80) != 0;
        var length = ReadInteger(block, ref p, 7);
        if (length > block.Length - p)
        {
            throw new Http2ProtocolException("truncated HPACK string");
        }
        var raw = block.Slice(p, length);
        p += length;
        return huffman ? Huffman.Decode(raw) : raw.ToArray();
    }

    internal static int ReadInteger(ReadOnlySpan<byte> block, ref int p, int prefixBits)
    {
        var max = (1 << prefixBits) - 1;
        var value = block[p++] & max;
        if (value < max)
        {
            return value;
        }
        var shift = 0;
        while (true)
        {
            if (p >= block.Length || shift > 21)
            {
                throw new Http2ProtocolException("bad HPACK integer");
            }
            var b = block[p++];
            value += (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}

/// <summary>The peer broke HTTP/2 or HPACK.</summary>
public sealed class Http2ProtocolException(string message) : Exception(message);
