namespace AuthBench.LoadTest.Engine.Http2;

/// <summary>
/// An HPACK dynamic table (RFC 7541 section 2.3.2 and 4): newest entry first (index 62), an entry's size is
/// name + value + 32 octets, and the oldest entries are evicted to stay within the maximum size.
/// </summary>
internal sealed class HpackDynamicTable
{
    public const int EntryOverhead = 32;

    // Oldest first; index 62 is the last element.
    private readonly List<(byte[] Name, byte[] Value)> _entries = [];

    public HpackDynamicTable(int maxSize) => MaxSize = maxSize;

    public int MaxSize { get; private set; }

    /// <summary>The table's size as RFC 7541 section 4.1 counts it.</summary>
    public int Size { get; private set; }

    public int Count => _entries.Count;

    /// <summary>The entry at HPACK index <paramref name="index"/> (62 = newest).</summary>
    public (byte[] Name, byte[] Value) this[int index] => _entries[_entries.Count - 1 - (index - HpackStaticTable.Count - 1)];

    public void Add(byte[] name, byte[] value)
    {
        var size = name.Length + value.Length + EntryOverhead;
        while (Size + size > MaxSize && _entries.Count > 0)
        {
            Evict();
        }
        // An entry larger than the table empties it and is not added (section 4.4).
        if (size <= MaxSize)
        {
            _entries.Add((name, value));
            Size += size;
        }
    }

    public void Resize(int maxSize)
    {
        MaxSize = maxSize;
        while (Size > MaxSize)
        {
            Evict();
        }
    }

    /// <summary>The lowest HPACK index whose name (and value, when <paramref name="nameOnly"/> is false) matches; 0 when none.</summary>
    public int Find(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool nameOnly)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            var (n, v) = _entries[i];
            if (name.SequenceEqual(n) && (nameOnly || value.SequenceEqual(v)))
            {
                return HpackStaticTable.Count + 1 + (_entries.Count - 1 - i);
            }
        }
        return 0;
    }

    private void Evict()
    {
        var (n, v) = _entries[0];
        Size -= n.Length + v.Length + EntryOverhead;
        _entries.RemoveAt(0);
    }
}
