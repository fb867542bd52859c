
namespace AuthBench.Store.Internal;

/// <summary>
/// Finds AuthBench.GarnetHost.dll. The Store project copies the host's build output into a
/// "garnet/" folder of every project that references it; AUTHBENCH_GARNET_HOST overrides.
/// </summary>
internal static class GarnetHostLocator
{
    public const string FileName = "AuthBench.GarnetHost.dll";

    public static string Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AUTHBENCH_GARNET_HOST");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return File.Exists(fromEnv)
                ? Path.GetFullPath(fromEnv)
                : throw new StoreConfigurationException($"AUTHBENCH_GARNET_HOST={fromEnv}: no such file");
        }

        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "garnet", FileName),
            Path.Combine(Path.GetDirectoryName(typeof(GarnetHostLocator).Assembly.Location) ?? AppContext.BaseDirectory, "garnet", FileName),
        };
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new StoreConfigurationException(
            $"garnet host not found at {candidates[0]}: build a project that references AuthBench.Store, or set AUTHBENCH_GARNET_HOST to AuthBench.GarnetHost.dll");
    }
}
