using System.Globalization;
using AuthBench.Common;
using AuthBench.LoadTest.Plan;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>
/// The run's time left, from its outline: the planned time of the trials still to come plus, for each of them, the
/// overhead measured so far per trial (wall time between trial starts beyond the trial's planned length: probes, result
/// files, pausing the other APIs, a fleet restart). Before the first trial ends the overhead is unknown and taken as 0.
/// When the outline's tail is only possible (the SLO search), the count and the time left are a range.
/// </summary>
public sealed class ProgressEstimate(PlanOutline outline, TimeProvider time, string noun = "trial")
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private long? _firstStart;
    private long _currentStart;
    private int _current;
    private TimeSpan _plannedBefore;

    /// <summary>_prefix[i]: the planned time of the first i trials.</summary>
    private readonly TimeSpan[] _prefix = Prefix(outline.Durations);

    public PlanOutline Outline { get; } = outline;

    /// <summary>The trial being run (its sequence number, from 1); 0 before the first.</summary>
    public int Current => _current;

    /// <summary>Marks the start of trial <paramref name="sequence"/> (from 1).</summary>
    public void Start(int sequence)
    {
        var now = time.GetTimestamp();
        _firstStart ??= now;
        _plannedBefore = Sum(0, Math.Min(sequence - 1, Outline.Durations.Count));
        _current = sequence;
        _currentStart = now;
    }

    /// <summary>Measured overhead per trial so far (zero before a trial has ended).</summary>
    public TimeSpan OverheadPerTrial()
    {
        if (_firstStart is not { } first || _current <= 1)
        {
            return TimeSpan.Zero;
        }
        var beyond = time.GetElapsedTime(first, _currentStart) - _plannedBefore;
        return beyond > TimeSpan.Zero ? beyond / (_current - 1) : TimeSpan.Zero;
    }

    /// <summary>Time left now, at least and at most (equal when the outline is certain); within a trial it counts down.</summary>
    public (TimeSpan Least, TimeSpan Most) Left()
    {
        var count = Outline.Durations.Count;
        var index = Math.Clamp(_current - 1, 0, count);
        var overhead = OverheadPerTrial();
        // The current trial's planned remainder; the trials after it each with their measured overhead.
        var inTrial = TimeSpan.Zero;
        if (_current >= 1 && index < count)
        {
            inTrial = Outline.Durations[index] - time.GetElapsedTime(_currentStart);
            inTrial = inTrial > TimeSpan.Zero ? inTrial : TimeSpan.Zero;
        }
        var next = _current >= 1 ? index + 1 : 0;
        var certainEnd = Math.Max(Outline.Certain, next);
        TimeSpan After(int end) => end <= next ? TimeSpan.Zero : Sum(next, end) + (overhead * (end - next));
        return (inTrial + After(Math.Min(certainEnd, count)), inTrial + After(count));
    }

    /// <summary>Done so far as a fraction of the run's time (elapsed over elapsed plus left); null while the length is a range.</summary>
    public double? Fraction()
    {
        var (least, most) = Left();
        if (least != most)
        {
            return null;
        }
        if (_firstStart is not { } first)
        {
            return 0;
        }
        var elapsed = time.GetElapsedTime(first);
        var whole = elapsed + least;
        return whole <= TimeSpan.Zero ? 1 : elapsed / whole;
    }

    /// <summary>"trial 12/90, 13 %, about 3 min 20 s left", or with a possible tail "trial 12 of 40 to 100, 3 min 10 s to 8 min left".</summary>
    public string Describe()
    {
        var (least, most) = Left();
        var total = Outline.Durations.Count;
        var certain = Math.Max(Outline.Certain, _current);
        if (certain >= total)
        {
            return string.Create(Inv, $"{noun} {_current}/{total}, {(Fraction() ?? 0) * 100:0} %, about {ProgressText.Spoken(least)} left");
        }
        return string.Create(Inv, $"{noun} {_current} of {certain} to {total}, {ProgressText.Spoken(least)} to {ProgressText.Spoken(most)} left");
    }

    private static TimeSpan[] Prefix(IReadOnlyList<TimeSpan> durations)
    {
        var prefix = new TimeSpan[durations.Count + 1];
        for (var i = 0; i < durations.Count; i++)
        {
            prefix[i + 1] = prefix[i] + durations[i];
        }
        return prefix;
    }

    private TimeSpan Sum(int from, int to) => _prefix[to] - _prefix[from];
}
