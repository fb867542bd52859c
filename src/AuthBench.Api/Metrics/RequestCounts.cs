using System.Collections.Concurrent;
using Microsoft.AspNetCore.Routing;

namespace AuthBench.Api.Metrics;

/// <summary>
/// Requests served per endpoint and status class, counted with one <see cref="Interlocked.Increment(ref long)"/> each:
/// the per-endpoint slots are found by reference (the endpoint objects live as long as the app), so counting allocates
/// nothing once an endpoint has been seen. prometheus-net's labelled counters are brought up to these counts only when
/// the metrics are scraped (<see cref="ApiMetrics"/>).
/// </summary>
public sealed class RequestCounts
{
    /// <summary>The label of a request that matched no endpoint (a 404 of routing).</summary>
    public const string Unmatched = "unmatched";

    /// <summary>Status classes 1xx to 5xx (anything outside 100-599 is counted as 5xx).</summary>
    public static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly ConcurrentDictionary<Endpoint, Slots> _byEndpoint = new(ReferenceEqualityComparer.Instance);
    private readonly Slots _unmatched = new(Unmatched);

    /// <summary>Counts one answered request.</summary>
    public void Count(Endpoint? endpoint, int statusCode)
    {
        var slots = endpoint is null ? _unmatched : _byEndpoint.TryGetValue(endpoint, out var s) ? s : _byEndpoint.GetOrAdd(endpoint, static e => new Slots(LabelOf(e)));
        Interlocked.Increment(ref slots.Counts[ClassIndex(statusCode)]);
    }

    /// <summary>Every (endpoint, status class) count so far that is not zero.</summary>
    public IEnumerable<(string Endpoint, string StatusClass, long Count)> Snapshot()
    {
        foreach (var slots in _byEndpoint.Values.Append(_unmatched))
        {
            for (var i = 0; i < StatusClasses.Length; i++)
            {
                var n = Volatile.Read(ref slots.Counts[i]);
                if (n > 0)
                {
                    yield return (slots.Label, StatusClasses[i], n);
                }
            }
        }
    }

    /// <summary>The route template ("/api/me") or, for an endpoint without one, its display name.</summary>
    public static string LabelOf(Endpoint endpoint) =>
        (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint.DisplayName ?? "unnamed";

    public static int ClassIndex(int statusCode) => statusCode is >= 100 and <= 599 ? statusCode / 100 - 1 : 4;

    private sealed class Slots(string label)
    {
        public readonly long[] Counts = new long[StatusClasses.Length];

        public string Label { get; } = label;
    }
}
