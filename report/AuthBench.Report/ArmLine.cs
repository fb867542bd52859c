using AuthBench.Contracts.Arms;

namespace AuthBench.Report;

/// <summary>An arm's descriptor as one line of words for shell scripts (<c>read -r name transport cookie store alg</c>).</summary>
public static class ArmLine
{
    /// <summary>The arm of that name, the baseline when none is given; throws <see cref="ArgumentException"/> naming the valid arms.</summary>
    public static string Line(string? name)
    {
        var arm = string.IsNullOrWhiteSpace(name)
            ? ArmCatalogue.Baseline
            : ArmCatalogue.Find(name) ?? throw new ArgumentException($"unknown arm '{name}': use {ArmCatalogue.NameList}");
        // The enum's own names, lower-cased: none, cookie, bearerheader.
        var transport = arm.Transport.ToString().ToLowerInvariant();
        var needsStore = arm.UsesStore || arm.LoginNeedsStore;
        return $"{arm.Name} {transport} {arm.CookieName ?? "-"} {(needsStore ? "true" : "false")} {(arm.HasAlgorithm ? "true" : "false")}";
    }
}
