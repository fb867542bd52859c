using System.Globalization;
using System.Text.RegularExpressions;

namespace AuthBench.Report;

/// <summary>One alternated round of scripts/crosscheck-wrk.sh: wrk then the engine, closed loop, same API and endpoint.</summary>
public sealed record CrosscheckRound(int Round, double WrkRps, double EngineRps, double WrkCpuUsPerRequest, double EngineCpuUsPerRequest)
{
    public double Ratio => WrkRps > 0 ? EngineRps / WrkRps : double.NaN;
}

/// <summary>
/// A saved output of scripts/crosscheck-wrk.sh (results/crosscheck/*.txt). The script prints text, not JSON, so this
/// reads its own lines (command, date and commit, machine, then one row per tool and round); hand-written because the
/// format is ours and small. Rows that do not parse are skipped, and a file without a wrk and an engine row for the same
/// round has no rounds.
/// </summary>
public sealed partial record Crosscheck(string File, string? Command, string? Date, string? Commit, string? Machine, IReadOnlyList<CrosscheckRound> Rounds)
{
    public static Crosscheck Read(string path)
    {
        string? command = null, date = null, commit = null, machine = null;
        var wrk = new Dictionary<int, (double Rps, double Cpu)>();
        var engine = new Dictionary<int, (double Rps, double Cpu)>();
        foreach (var line in System.IO.File.ReadLines(path))
        {
            if (line.StartsWith("command: ", StringComparison.Ordinal))
            {
                command = line["command: ".Length..].Trim();
            }
            else if (DateLine().Match(line) is { Success: true } d)
            {
                (date, commit) = (d.Groups["date"].Value, d.Groups["commit"].Value.Trim());
            }
            else if (line.StartsWith("machine: ", StringComparison.Ordinal))
            {
                machine = line["machine: ".Length..].Trim();
            }
            else if (Row().Match(line) is { Success: true } row)
            {
                var round = int.Parse(row.Groups["round"].Value, CultureInfo.InvariantCulture);
                var figures = (Number(row.Groups["rps"].Value), Number(row.Groups["cpu"].Value));
                (row.Groups["tool"].Value == "wrk" ? wrk : engine)[round] = figures;
            }
        }
        var rounds = wrk.Keys.Intersect(engine.Keys).Order()
            .Select(r => new CrosscheckRound(r, wrk[r].Rps, engine[r].Rps, wrk[r].Cpu, engine[r].Cpu)).ToList();
        return new Crosscheck(Path.GetFileName(path), command, date, commit, machine, rounds);
    }

    /// <summary>Every saved cross-check in a folder, by file name; empty when the folder does not exist.</summary>
    public static IReadOnlyList<Crosscheck> ReadAll(string? directory) =>
        directory is null || !Directory.Exists(directory) ? []
        : [.. Directory.GetFiles(directory, "*.txt").Order(StringComparer.Ordinal).Select(Read)];

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^date:\s*(?<date>\S+)\s+commit:\s*(?<commit>.+)$")]
    private static partial Regex DateLine();

    /// <summary>tool, round, req/s, p50 µs, p99 µs, client CPU µs/request.</summary>
    [GeneratedRegex(@"^(?<tool>wrk|engine)\s+(?<round>\d+)\s+(?<rps>[\d.]+)\s+[\d.]+\s+[\d.]+\s+(?<cpu>[\d.]+)\s*$")]
    private static partial Regex Row();
}
