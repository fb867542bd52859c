using System.Globalization;
using System.Text;

namespace AuthBench.Common;

/// <summary>
/// A set of CPU numbers in the kernel's list format ("0-1", "0,2", "1"), as in /sys/devices/system/cpu/online,
/// Cpus_allowed_list and taskset -c. Immutable; <see cref="ToString"/> gives the canonical list.
/// </summary>
public sealed class CpuSet : IEquatable<CpuSet>
{
    /// <summary>CPU numbers above this are refused (the affinity mask we pass holds 1,024 bits, as glibc's cpu_set_t).</summary>
    public const int MaxCpu = 1023;

    private const string OnlinePath = "/sys/devices/system/cpu/online";
    private readonly int[] _cpus;

    private CpuSet(IEnumerable<int> cpus) => _cpus = [.. cpus.Distinct().Order()];

    public IReadOnlyList<int> Cpus => _cpus;

    public int Count => _cpus.Length;

    public bool IsEmpty => _cpus.Length == 0;

    public static CpuSet Of(params IEnumerable<int> cpus) => new(cpus);

    /// <summary>Parses a list such as <c>0-3,6</c>; throws <see cref="FormatException"/> with the reason.</summary>
    public static CpuSet Parse(string text)
    {
        if (!TryParse(text, out var set, out var why))
        {
            throw new FormatException(why);
        }
        return set;
    }

    public static bool TryParse(string? text, out CpuSet set, out string why)
    {
        set = new CpuSet([]);
        why = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            why = "an empty CPU list";
            return false;
        }
        var cpus = new List<int>();
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = dash < 0 ? part : part[..dash];
            var last = dash < 0 ? part : part[(dash + 1)..];
            if (!TryCpu(first, out var from) || !TryCpu(last, out var to) || to < from)
            {
                why = $"'{part}' is not a CPU number or range (e.g. 1, 0-1, 0,2)";
                return false;
            }
            for (var cpu = from; cpu <= to; cpu++)
            {
                cpus.Add(cpu);
            }
        }
        set = new CpuSet(cpus);
        return true;
    }

    /// <summary>The online CPUs from /sys/devices/system/cpu/online; null when it cannot be read (not Linux).</summary>
    public static CpuSet? ReadOnline() =>
        ProcStat.TryReadText(OnlinePath) is { } text && TryParse(text, out var set, out _) ? set : null;

    public bool Contains(int cpu) => Array.BinarySearch(_cpus, cpu) >= 0;

    public bool IsSubsetOf(CpuSet other) => _cpus.All(other.Contains);

    public bool Overlaps(CpuSet other) => _cpus.Any(other.Contains);

    public CpuSet Except(CpuSet other) => new(_cpus.Where(c => !other.Contains(c)));

    public CpuSet Union(CpuSet other) => new(_cpus.Concat(other._cpus));

    /// <summary>The canonical list as the kernel prints it: ascending, runs as ranges ("0-1,5").</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (var i = 0; i < _cpus.Length;)
        {
            var j = i;
            while (j + 1 < _cpus.Length && _cpus[j + 1] == _cpus[j] + 1)
            {
                j++;
            }
            if (text.Length > 0)
            {
                text.Append(',');
            }
            text.Append(CultureInfo.InvariantCulture, $"{_cpus[i]}");
            if (j > i)
            {
                text.Append('-').Append(CultureInfo.InvariantCulture, $"{_cpus[j]}");
            }
            i = j + 1;
        }
        return text.ToString();
    }

    public bool Equals(CpuSet? other) => other is not null && _cpus.AsSpan().SequenceEqual(other._cpus);

    public override bool Equals(object? obj) => Equals(obj as CpuSet);

    public override int GetHashCode() => _cpus.Aggregate(17, (h, c) => (h * 31) + c);

    private static bool TryCpu(string text, out int cpu) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu <= MaxCpu;
}
