using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.Report;

/// <summary>The microbenchmark figures the headline quotes, per arm label, from either the published or the parameterised benchmark names.</summary>
public static class MicroFigures
{
    /// <summary>The benchmark parameter that names an arm label in the classes that run over the catalogue.</summary>
    public const string LabelParameter = "Label";

    /// <summary>The label the head-to-head class divides by: the session arm's store lookup.</summary>
    public static string HeadToHeadReference => ArmCatalogue.Session.Name;

    /// <summary>The label a parameterised class's rows are compared with: the session lookup in the head-to-head class, the baseline arm elsewhere.</summary>
    public static string ReferenceLabel(string type) =>
        IsHeadToHead(type) ? HeadToHeadReference : ArmCatalogue.Baseline.Name;

    public static bool IsHeadToHead(string type) => type.Contains("HeadToHead", StringComparison.Ordinal);

    /// <summary>"Label=jwt-HS256" of "Claims=Typical&amp;Label=jwt-HS256", or null.</summary>
    public static string? LabelOf(MicroBenchmark b) => Parameters(b.Parameters)
        .Where(p => p.Name == LabelParameter).Select(p => p.Value).FirstOrDefault();

    /// <summary>The parameters without the arm label: rows that differ only in their label compare with each other.</summary>
    public static string GroupKey(string parameters) =>
        string.Join("&", Parameters(parameters).Where(p => p.Name != LabelParameter).Select(p => $"{p.Name}={p.Value}"));

    private static IEnumerable<(string Name, string Value)> Parameters(string parameters) =>
        parameters.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (p[0], p.Length > 1 ? p[1] : ""));

    /// <summary>Whether the head-to-head rows are per arm label (runs over the catalogue), not per algorithm (published runs).</summary>
    public static bool HeadToHeadIsPerLabel(MicroRun? micro) =>
        micro is not null && micro.Benchmarks.Any(b => IsHeadToHead(b.Type) && LabelOf(b) is not null);

    /// <summary>
    /// Per label, how many of that arm's per-request authentications take as long as one session lookup (lookup median /
    /// the arm's median). Published runs measured one verification per algorithm (methods Jwt_HS256 ...) beside
    /// SessionLookup: every arm with that algorithm gets it (every bearer arm verifies the same token). Runs over the
    /// catalogue have one row per label (parameter Label), the session label as the reference.
    /// </summary>
    public static Dictionary<string, double> PerSessionLookup(MicroRun? micro)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (micro is null)
        {
            return result;
        }
        var h2h = micro.Benchmarks.Where(b => IsHeadToHead(b.Type)).ToList();
        var byLabel = h2h.Where(b => LabelOf(b) is not null).ToList();
        if (byLabel.Count > 0)
        {
            var reference = byLabel.FirstOrDefault(b => LabelOf(b) == HeadToHeadReference);
            if (reference is null)
            {
                return result;
            }
            foreach (var b in byLabel.Where(b => b.MedianNs > 0))
            {
                result[LabelOf(b)!] = b == reference ? 1 : reference.MedianNs / b.MedianNs;
            }
            return result;
        }
        var lookup = h2h.FirstOrDefault(b => b.Method.Contains("Session", StringComparison.Ordinal));
        if (lookup is null)
        {
            return result;
        }
        foreach (var b in h2h.Where(b => b != lookup))
        {
            var alg = ArmCatalogue.Algorithms.FirstOrDefault(a => b.Method.Contains(a, StringComparison.Ordinal) || b.Parameters.Contains(a, StringComparison.Ordinal));
            if (alg is null || b.MedianNs <= 0)
            {
                continue;
            }
            foreach (var arm in ArmCatalogue.Runs.Where(a => a.HasAlgorithm))
            {
                result[arm.Label(alg)] = lookup.MedianNs / b.MedianNs;
            }
        }
        if (result.Count > 0)
        {
            result[HeadToHeadReference] = 1;
        }
        return result;
    }

    /// <summary>
    /// From sizes.json: the credential header line in bytes for typical claims, per label of every run of the catalogue,
    /// by its transport: the bearer line for a bearer run, for a cookie run the line its own login set (cookie_lines;
    /// a token-cookie variant per algorithm from its row). Files written before cookie_lines give only the session
    /// cookie's line: it stands for the runs that send that cookie, and a cookie run with another cookie gets no figure
    /// rather than the session's.
    /// </summary>
    public static Dictionary<string, double> CredentialHeaderBytes(SizesResults? sizes)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (sizes is null)
        {
            return result;
        }
        const string claims = "typical";
        foreach (var row in sizes.Rows.Where(r => r.Claims == claims))
        {
            foreach (var run in ArmCatalogue.Runs)
            {
                switch (run.Transport)
                {
                    case CredentialTransport.None:
                        break;
                    case CredentialTransport.Cookie when run.HasAlgorithm:
                        if (row.TokenCookieHeaderBytes is { } tokenCookie)
                        {
                            result[run.Label(row.Alg)] = tokenCookie;
                        }
                        break;
                    case CredentialTransport.Cookie:
                        if (sizes.CookieLines?.FirstOrDefault(c => c.Arm == run.RunName && c.Claims == claims) is { } line)
                        {
                            result[run.Label(null)] = line.CookieHeaderBytes;
                        }
                        else if (run.CookieName == ArmCatalogue.SessionCookieName)
                        {
                            result[run.Label(null)] = row.CookieHeaderBytes;
                        }
                        break;
                    case CredentialTransport.BearerHeader:
                        if (run.HasAlgorithm)
                        {
                            result[run.Label(row.Alg)] = row.BearerHeaderBytes;
                        }
                        break;
                }
            }
        }
        return result;
    }
}
