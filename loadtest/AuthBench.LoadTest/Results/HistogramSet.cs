using AuthBench.Contracts.Results;
using AuthBench.LoadTest.Engine;
using LongHistogram = HdrHistogram.LongHistogram;

namespace AuthBench.LoadTest.Results;

/// <summary>
/// The latency and service-time histograms of a run, each merging every recorded repetition of one arm at one rate,
/// written as <c>latency-&lt;label&gt;-&lt;key&gt;.hgrm</c> and <c>service-time-&lt;label&gt;-&lt;key&gt;.hgrm</c> and listed in
/// <see cref="RunResults.Histograms"/> so that readers find them by arm and rate.
/// </summary>
public sealed class HistogramSet
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Label, string Key), (HistogramFiles Files, LongHistogram Latency, LongHistogram Service)> _entries = [];

    /// <summary>Adds one trial's histograms; returns the files entry when this arm and key are new (for <see cref="RunResults.Histograms"/>).</summary>
    public HistogramFiles? Add(string label, double? targetRps, string key, LongHistogram latency, LongHistogram serviceTime)
    {
        lock (_gate)
        {
            HistogramFiles? added = null;
            if (!_entries.TryGetValue((label, key), out var entry))
            {
                added = new HistogramFiles(label, targetRps, key, $"latency-{label}-{key}.hgrm", $"service-time-{label}-{key}.hgrm");
                entry = (added, new LongHistogram(Recorder.HighestTrackableMicros, 3), new LongHistogram(Recorder.HighestTrackableMicros, 3));
                _entries[(label, key)] = entry;
            }
            entry.Latency.Add(latency);
            entry.Service.Add(serviceTime);
            return added;
        }
    }

    /// <summary>Calls <paramref name="write"/> for each pair, under the set's lock (a trial may add while files are written).</summary>
    public void ForEach(Action<HistogramFiles, LongHistogram, LongHistogram> write)
    {
        lock (_gate)
        {
            foreach (var (files, latency, service) in _entries.Values)
            {
                write(files, latency, service);
            }
        }
    }
}
