using System.Globalization;
using AuthBench.Core;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AuthBench.Benchmarks;

/// <summary>Shared plumbing for AuthBench's extra columns (computed in the host process from the summary).</summary>
public abstract class AuthBenchColumn(string id, string name, string legend) : IColumn
{
    public string Id => id;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;

    public abstract bool IsAvailable(Summary summary);

    public abstract string GetValue(Summary summary, BenchmarkCase benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    protected static bool In(BenchmarkCase benchmarkCase, string category) => benchmarkCase.Descriptor.HasCategory(category);
}

/// <summary>Names the store that served the session benchmarks (kind, version, topology), as provisioned for this run.</summary>
public sealed class StoreColumn() : AuthBenchColumn("AuthBenchStore", "Store", "Store that served the lookups (kind, version, topology)")
{
    public override bool IsAvailable(Summary summary) =>
        summary.BenchmarksCases.Any(b => In(b, Categories.Session) || In(b, Categories.HeadToHead) || In(b, Categories.Pipeline));

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase) => BenchStore.Description ?? "?";
}

/// <summary>The exact bytes of the header line a Size benchmark writes.</summary>
public sealed class HeaderBytesColumn() : AuthBenchColumn("AuthBenchHeaderBytes", "Bytes", "Exact bytes of the header line on the wire (HTTP/1.1, CRLF included)")
{
    public override bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => In(b, Categories.Size));

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (!In(benchmarkCase, Categories.Size))
        {
            return "-";
        }
        var method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        if (method.StartsWith("Cookie", StringComparison.Ordinal))
        {
            return CredentialSizes.CookieLine().ToString(CultureInfo.InvariantCulture);
        }
        var profile = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Claims")?.Value is ClaimProfile c ? c : ClaimProfile.Typical;
        var alg = JwtKeySet.ParseAlgorithm(method[(method.LastIndexOf('_') + 1)..]);
        return CredentialSizes.BearerLine(alg, profile).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>Baseline mean / this mean: in the head-to-head table, how many JWT verifications cost one session lookup.</summary>
public sealed class PerBaselineColumn() : AuthBenchColumn("AuthBenchPerLookup", "JWTs/lookup", "How many of this operation fit in the time of one session lookup, the class's reference (reference mean / mean)")
{
    public override bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => In(b, Categories.HeadToHead));

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var baseline = BenchArms.HeadToHeadReference(summary.BenchmarksCases, benchmarkCase);
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        var baseMean = baseline is null ? null : summary[baseline]?.ResultStatistics?.Mean;
        if (mean is not > 0 || baseMean is not > 0)
        {
            return "?";
        }
        return (baseMean.Value / mean.Value).ToString("0.0", CultureInfo.InvariantCulture);
    }
}
