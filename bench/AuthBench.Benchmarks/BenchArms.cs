using AuthBench.Contracts.Arms;
using BenchmarkDotNet.Running;

namespace AuthBench.Benchmarks;

/// <summary>The catalogue as benchmark parameters: arm-wide classes run once per label ([ParamsSource]), so a new arm is measured without a new method.</summary>
public static class BenchArms
{
    /// <summary>The benchmark parameter that carries a label; the report reads it by this name.</summary>
    public const string LabelParameter = "Label";

    /// <summary>Every label of every arm, the baseline first.</summary>
    public static IEnumerable<string> AllLabels => ArmCatalogue.All.SelectMany(a => a.Labels);

    /// <summary>Every label of an arm that carries a credential.</summary>
    public static IEnumerable<string> CredentialLabels =>
        ArmCatalogue.All.Where(a => a.Transport != CredentialTransport.None).SelectMany(a => a.Labels);

    /// <summary>The arm and algorithm of a label parameter; throws for a label outside the catalogue.</summary>
    public static (ArmDescriptor Arm, string? Alg) Parse(string label) =>
        ArmCatalogue.ParseLabel(label) ?? throw new InvalidOperationException($"'{label}' is no label of the arm catalogue ({ArmCatalogue.NameList})");

    /// <summary>The label parameter of a case, or null for a class that does not run over the catalogue.</summary>
    public static string? LabelOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == LabelParameter)?.Value as string;

    /// <summary>
    /// The case the head-to-head figures divide by: the class's baseline method (published runs: SessionLookup) or,
    /// over the catalogue, the session arm's row.
    /// </summary>
    public static BenchmarkCase? HeadToHeadReference(IEnumerable<BenchmarkCase> cases, BenchmarkCase? like = null) =>
        cases.FirstOrDefault(b => (like is null || (b.Descriptor.Type == like.Descriptor.Type && b.Job == like.Job))
            && (b.Descriptor.Baseline || LabelOf(b) == ArmCatalogue.Session.Name));
}
