namespace AuthBench.LoadTest.Plan;

/// <summary>A bad command line: the message is printed as one line and the exit code is 2.</summary>
public sealed class UsageException(string message) : Exception(message);
