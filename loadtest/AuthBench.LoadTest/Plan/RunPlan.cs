using System.Globalization;

namespace AuthBench.LoadTest.Plan;

/// <summary>One trial of the plan: an arm at a rate (null: closed loop), for a time; warm-ups are run but not recorded.</summary>
/// <param name="Arm">Index into <see cref="LoadOptions.Arms"/>.</param>
/// <param name="Key">The histogram key its recorded trials merge under: the rate, "max" or "soak-&lt;rate&gt;".</param>
public sealed record PlannedTrial(int Arm, double? Rate, int Repetition, TimeSpan Duration, string Key, bool Record, int? SoakMinute);

/// <summary>
/// Which trials run in which order: per rate, every arm's warm-up, then the arms in alternation (A B A B ...) for each
/// repetition, so that machine drift cancels in their ratios; soak runs one arm after the other, minute by minute.
/// </summary>
public static class RunPlan
{
    public static IEnumerable<PlannedTrial> Trials(LoadOptions options)
    {
        if (options.FindMax)
        {
            return Rounds(options, null, "max");
        }
        if (options.Soak is { } soak)
        {
            return Soak(options, soak);
        }
        return options.Rates.SelectMany(rate => Rounds(options, rate, string.Create(CultureInfo.InvariantCulture, $"{rate:0.##}")));
    }

    /// <summary>Tokens must outlive the run: the API's token lifetime covers the planned time twice over (15 min to 24 h).</summary>
    public static TimeSpan TokenLifetime(LoadOptions options)
    {
        var trials = options.FindMax ? 1 : options.Rates.Count;
        var perRate = options.Arms.Count * (options.Warmup + ((options.Duration + TimeSpan.FromSeconds(5)) * options.Repeat));
        var planned = (perRate * trials) + (options.Soak ?? TimeSpan.Zero) * options.Arms.Count;
        var lifetime = (planned * 2) + TimeSpan.FromMinutes(10);
        return lifetime < TimeSpan.FromMinutes(15) ? TimeSpan.FromMinutes(15) : lifetime > TimeSpan.FromHours(24) ? TimeSpan.FromHours(24) : lifetime;
    }

    private static IEnumerable<PlannedTrial> Rounds(LoadOptions options, double? rate, string key)
    {
        if (options.Warmup > TimeSpan.Zero)
        {
            for (var arm = 0; arm < options.Arms.Count; arm++)
            {
                yield return new PlannedTrial(arm, rate, 0, options.Warmup, key, Record: false, SoakMinute: null);
            }
        }
        for (var rep = 1; rep <= options.Repeat; rep++)
        {
            for (var arm = 0; arm < options.Arms.Count; arm++)
            {
                yield return new PlannedTrial(arm, rate, rep, options.Duration, key, Record: true, SoakMinute: null);
            }
        }
    }

    /// <summary>Soak: per arm, back-to-back one-minute trials at the one rate; the summary compares the first and last minute.</summary>
    private static IEnumerable<PlannedTrial> Soak(LoadOptions options, TimeSpan soak)
    {
        var rate = options.Rates[0];
        var key = string.Create(CultureInfo.InvariantCulture, $"soak-{rate:0.##}");
        var minutes = (int)Math.Ceiling(soak.TotalMinutes);
        for (var arm = 0; arm < options.Arms.Count; arm++)
        {
            if (options.Warmup > TimeSpan.Zero)
            {
                yield return new PlannedTrial(arm, rate, 0, options.Warmup, key, Record: false, SoakMinute: null);
            }
            for (var minute = 1; minute <= minutes; minute++)
            {
                var length = TimeSpan.FromMinutes(Math.Min(1, soak.TotalMinutes - (minute - 1)));
                yield return new PlannedTrial(arm, rate, 1, length, key, Record: true, SoakMinute: minute);
            }
        }
    }
}
