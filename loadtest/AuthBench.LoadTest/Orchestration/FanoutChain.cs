using AuthBench.Common;
using AuthBench.Contracts.Fanout;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>
/// Starts the services behind the edge of a fan-out chain (<see cref="FanoutSpec"/>): the same API, the same arm and
/// options, every process on the API's CPU set. Ports are chosen up front so that the edge can be told its downstream
/// before that one runs; the edge starts first, because each downstream service fetches the edge's key set at start.
/// </summary>
public static class FanoutChain
{
    /// <summary>The edge's extra arguments and the downstream ports, for a chain of <paramref name="fanout"/>.Services.</summary>
    public static (IReadOnlyList<string> EdgeArgs, IReadOnlyList<int> Ports) Plan(FanoutSpec fanout)
    {
        var ports = Enumerable.Range(0, fanout.Services - 1).Select(_ => LocalPorts.FindFree()).Distinct().ToList();
        if (ports.Count != fanout.Services - 1)
        {
            throw new InvalidOperationException("could not find distinct free loopback ports for the fan-out chain; try again");
        }
        return (ports.Count == 0 ? [] : [.. ModeArgs(fanout), "--downstream", Url(ports[0])], ports);
    }

    /// <summary>The arguments of downstream service <paramref name="index"/> (0 = the one right after the edge).</summary>
    public static IReadOnlyList<string> DownstreamArgs(ArmSpec arm, FanoutSpec fanout, Uri edge, IReadOnlyList<int> ports, int index)
    {
        var args = new List<string>(ModeArgs(fanout));
        if (arm.Arm.HasAlgorithm || fanout.Mode is FanoutMode.EdgeToken)
        {
            args.Add("--jwks-from");
            args.Add(new Uri(edge, FanoutModes.JwksPath).ToString());
        }
        if (index + 1 < ports.Count)
        {
            args.Add("--downstream");
            args.Add(Url(ports[index + 1]));
        }
        return args;
    }

    private static string[] ModeArgs(FanoutSpec fanout) => fanout.Mode switch
    {
        FanoutMode.PerService => [],
        FanoutMode.EdgeToken => ["--fanout-mode", FanoutModes.Name(fanout.Mode)],
    };

    private static string Url(int port) => $"http://127.0.0.1:{port}";
}
