using System.CommandLine;
using System.Globalization;
using AuthBench.Common;
using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Relay;

/// <summary>The relay-calibrate subcommand: <see cref="RelayCalibration"/> from the command line.</summary>
public static class RelayCalibrateCommand
{
    public const string Name = "relay-calibrate";

    private static readonly Option<string> Rtt = new("--rtt") { Description = "Set round trips to calibrate, e.g. 0,0.25ms,1ms (units ms or us)", DefaultValueFactory = _ => "0,0.25ms,1ms" };
    private static readonly Option<string> Rates = new("--rates")
    {
        Description = "Round trips per second on the one connection: a light and a moderate rate (messages pipeline once rate × RTT > 1)",
        DefaultValueFactory = _ => "200,5000",
    };
    private static readonly Option<string> Duration = new("--duration") { Description = "Time per step, direct and through the relay each (e.g. 3s)", DefaultValueFactory = _ => "3s" };
    private static readonly Option<string?> Cpus = new("--cpus")
    {
        Description = "CPUs of the calibration (relay, echo server, prober), e.g. 0; off: not pinned (default: the load generator's default set)",
    };
    private static readonly Option<string?> Out = new("--out") { Description = "Output file (default results/relay/<UTC timestamp>/relay-calibration.json)" };

    public static Command Create()
    {
        var command = new Command(Name, "Measures the delaying store relay's accuracy: the round trip it adds against the set value, at each set RTT and rate (JSON).");
        foreach (var option in new Option[] { Rtt, Rates, Duration, Cpus, Out })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) => RelayCalibration.RunAsync(Bind(parse, Environment.GetCommandLineArgs()), Console.WriteLine, ct));
        return command;
    }

    /// <summary>Validated options; throws <see cref="UsageException"/>.</summary>
    public static RelayCalibrationOptions Bind(ParseResult parse, string[] commandLine)
    {
        var rtts = LoadOptions.ParseStoreRtt(parse.GetValue(Rtt)!, "--rtt");
        var rates = LoadOptions.ParseRates(parse.GetValue(Rates)!);
        if (rates.Any(r => r > 50_000))
        {
            throw new UsageException("--rates: at most 50000 round trips/s on one connection");
        }
        var duration = LoadOptions.ParseDuration(parse.GetValue(Duration)!, "--duration");
        if (duration < TimeSpan.FromSeconds(1) || duration > TimeSpan.FromMinutes(5))
        {
            throw new UsageException("--duration must lie between 1s and 5m per step");
        }
        CpuSet? cpus;
        var cpuText = parse.GetValue(Cpus);
        if (string.Equals(cpuText?.Trim(), Isolation.Off, StringComparison.OrdinalIgnoreCase))
        {
            cpus = null;
        }
        else if (cpuText is null)
        {
            cpus = Isolation.Resolve(null, null, target: false, CpuSet.ReadOnline()).Loadgen;
        }
        else
        {
            cpus = CpuSet.TryParse(cpuText, out var set, out var why) ? set : throw new UsageException($"--cpus '{cpuText}': {why}");
        }
        var output = parse.GetValue(Out)
            ?? Path.Combine("results", "relay", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), "relay-calibration.json");
        return new RelayCalibrationOptions(rtts, rates, duration, Path.GetFullPath(output), cpus, string.Join(' ', commandLine.Select(LoadCommand.Quote)));
    }
}
