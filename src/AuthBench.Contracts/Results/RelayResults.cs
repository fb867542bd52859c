using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthBench.Contracts.Results;

/// <summary>
/// The store relay during one trial (results.json trials[].store_relay): the round trip it added by design and how
/// late it released what it held, as its own clock saw it (release minus arrival minus the set one-way delay).
/// </summary>
/// <param name="RttMs">The set round trip: half of it one way, half the other.</param>
/// <param name="Chunks">Reads it forwarded, both directions (one read can hold several pipelined commands).</param>
public sealed record StoreRelayResult(double RttMs, long Chunks, double LatenessP50Us, double LatenessP99Us, double LatenessMaxUs);

/// <summary>A figure with its 95 % interval.</summary>
public sealed record Estimate(double Value, double Low, double High);

/// <summary>One step of a relay calibration: round trips at one set RTT and one rate, direct and through the relay.</summary>
/// <param name="AddedMedianUs">Median round trip through the relay minus the direct median: what the relay adds.</param>
/// <param name="ErrorMedianUs">Added median minus the set RTT: the relay's own error at the median.</param>
public sealed record RelayCalibrationStep(
    double SetRttMs,
    double RateRps,
    double DurationS,
    long DirectSamples,
    long RelaySamples,
    Estimate DirectMedianUs,
    Estimate DirectP99Us,
    Estimate RelayMedianUs,
    Estimate RelayP99Us,
    Estimate AddedMedianUs,
    Estimate AddedP99Us,
    double ErrorMedianUs,
    double ErrorP99Us,
    StoreRelayResult Lateness);

/// <summary>relay-calibration.json: the delaying relay's accuracy, added RTT against the set value.</summary>
public sealed class RelayCalibrationResults
{
    public required DateTimeOffset StartedUtc { get; init; }
    public DateTimeOffset? FinishedUtc { get; set; }
    public required string Method { get; init; }
    public required string CommandLine { get; init; }
    /// <summary>How the relay's release thread ran: scheduling policy, timer slack, its CPU set as read back.</summary>
    public string? Scheduler { get; set; }
    public string? Cpus { get; init; }
    public string? Commit { get; init; }
    public List<RelayCalibrationStep> Steps { get; init; } = [];
}

/// <summary>Serializer for relay-calibration.json (source-generated, the naming of results.json).</summary>
public static class RelayCalibrationJson
{
    public static string Serialize(RelayCalibrationResults results) => JsonSerializer.Serialize(results, RelayJsonContext.Default.RelayCalibrationResults);

    public static RelayCalibrationResults Deserialize(string json) =>
        JsonSerializer.Deserialize(json, RelayJsonContext.Default.RelayCalibrationResults) ?? throw new JsonException("relay-calibration.json holds null");
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RelayCalibrationResults))]
public sealed partial class RelayJsonContext : JsonSerializerContext;
