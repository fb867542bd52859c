namespace AuthBench.Store;

/// <summary>
/// Bad store input or a store that cannot be reached or started. The message is one line meant
/// for the user (which endpoint or mode, and what failed); it never carries stack trace text.
/// </summary>
public sealed class StoreConfigurationException : Exception
{
    public StoreConfigurationException()
        : base("store configuration error")
    {
    }

    public StoreConfigurationException(string message)
        : base(OneLine(message))
    {
    }

    public StoreConfigurationException(string message, Exception innerException)
        : base(OneLine(message), innerException)
    {
    }

    internal static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        while (line.Contains("  ", StringComparison.Ordinal))
        {
            line = line.Replace("  ", " ", StringComparison.Ordinal);
        }

        return line;
    }
}
