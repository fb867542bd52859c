using System.Globalization;
using AuthBench.Common;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Plan;
using Spectre.Console;
using Recorder = AuthBench.LoadTest.Engine.Recorder;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>
/// The run's progress: lines the run prints, one line per trial start with the run's time left
/// (<see cref="ProgressEstimate"/>), and the current trial's live figures; at a terminal a Spectre.Console live display
/// (lines are written through its console, above the display), otherwise plain lines.
/// The figures come from <see cref="Recorder.Peek"/>, which takes no lock of the engine's; one timer per 250 ms
/// (live) or 5 s (plain) is the display's only cost to the generator.
/// </summary>
public sealed class Progress
{
    public static readonly TimeSpan LivePeriod = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan PlainPeriod = TimeSpan.FromSeconds(5);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly object _gate = new();
    private readonly TextWriter? _plain;
    private readonly IAnsiConsole? _console;
    private readonly TimeProvider _time;
    private ProgressEstimate? _estimate;
    private LiveView? _live;
    private ITimer? _liveTimer;
    private TrialView? _trial;

    /// <summary>Plain lines to <paramref name="output"/>.</summary>
    public Progress(TextWriter output, TimeProvider? time = null)
    {
        _plain = output;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The live display on <paramref name="console"/> (tests give it one in memory).</summary>
    internal Progress(IAnsiConsole console, TimeProvider time)
    {
        _console = console;
        _time = time;
    }

    /// <summary>The trial under way (its sequence number), 0 before the first.</summary>
    public int CurrentTrial
    {
        get
        {
            lock (_gate)
            {
                return _estimate?.Current ?? 0;
            }
        }
    }

    public ProgressMode Mode => _console is null ? ProgressMode.Plain : ProgressMode.Live;

    /// <summary>The live display at a terminal, plain lines otherwise (<see cref="ProgressText.Detect"/>).</summary>
    public static Progress ForConsole() =>
        ProgressText.DetectConsole() switch
        {
            ProgressMode.Live => new Progress(AnsiConsole.Console, TimeProvider.System),
            ProgressMode.Plain => new Progress(Console.Out),
        };

    public void Line(string message)
    {
        lock (_gate)
        {
            if (_console is not null)
            {
                _console.WriteLine(message);
            }
            else
            {
                _plain!.WriteLine(message);
                _plain.Flush();
            }
        }
    }

    /// <summary>The run's plan is known: the estimate starts, and at a terminal the live display.</summary>
    public void Begin(PlanOutline outline)
    {
        lock (_gate)
        {
            _estimate = new ProgressEstimate(outline, _time);
            var planned = TimeSpan.Zero;
            foreach (var d in outline.Durations.Take(outline.Certain))
            {
                planned += d;
            }
            var count = outline.Certain == outline.Durations.Count
                ? string.Create(Inv, $"{outline.Durations.Count} trial(s)")
                : string.Create(Inv, $"{outline.Certain} to {outline.Durations.Count} trials (the SLO search takes more steps while its brackets are open)");
            var line = $"plan: {count}, {ProgressText.Spoken(planned)} of trials{(outline.Certain == outline.Durations.Count ? "" : " at least")} plus the overhead between them";
            if (_console is null)
            {
                _plain!.WriteLine(line);
                _plain.Flush();
                return;
            }
            _console.WriteLine(line);
            _live ??= LiveView.Start(_console);
            _liveTimer ??= _time.CreateTimer(_ => Redraw(), null, LivePeriod, LivePeriod);
        }
    }

    /// <summary>A trial starts: one line with the run's progress and time left.</summary>
    public void TrialStarted(int sequence, string what, TimeSpan duration)
    {
        lock (_gate)
        {
            _estimate?.Start(sequence);
        }
        Line(string.Create(Inv, $"{_estimate?.Describe() ?? string.Create(Inv, $"trial {sequence}")}: {what} ({duration.TotalSeconds:0.#} s)"));
    }

    /// <summary>Shows the trial's live figures until the returned handle is disposed (plain: a status line every 5 s).</summary>
    public IDisposable Track(string what, TimeSpan planned, Func<Recorder?> recorder)
    {
        var view = new TrialView(what, planned, recorder, _time.GetTimestamp());
        if (_console is not null)
        {
            lock (_gate)
            {
                _trial = view;
            }
            return new Untrack(this, view, null);
        }
        var timer = _time.CreateTimer(_ =>
        {
            if (view.Status(_time) is { } text)
            {
                lock (_gate)
                {
                    _plain!.WriteLine("  " + text);
                    _plain.Flush();
                }
            }
        }, null, PlainPeriod, PlainPeriod);
        return new Untrack(this, view, timer);
    }

    /// <summary>Ends the live display (cleared, the cursor given back); later lines go to the console as plain text. Idempotent.</summary>
    public void Close()
    {
        LiveView? live;
        lock (_gate)
        {
            _liveTimer?.Dispose();
            _liveTimer = null;
            live = _live;
            _live = null;
            _trial = null;
        }
        live?.Stop();
    }

    /// <summary>A failure: the display ends first, so that the line on stderr is not drawn over.</summary>
    public void Error(string message)
    {
        Close();
        Console.Error.WriteLine(message);
    }

    private void Redraw()
    {
        lock (_gate)
        {
            if (_live is null)
            {
                return;
            }
            var run = _estimate is { Current: > 0 } e ? e.Describe() : "setting up: starting the store and the APIs, logging users in";
            _live.Show(run, _estimate?.Fraction(), _trial, _trial?.Figures(), _trial?.Fraction(_time));
        }
    }

    private void Untracked(TrialView view)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_trial, view))
            {
                _trial = null;
            }
        }
    }

    /// <summary>The trial on show: what it is, for how long, and where its figures are read.</summary>
    private sealed class TrialView(string what, TimeSpan planned, Func<Recorder?> recorder, long started)
    {
        /// <summary>The plain status line: what, how far, and the figures.</summary>
        public string? Status(TimeProvider time) => Figures() is { } figures
            ? string.Create(Inv, $"{what}  {time.GetElapsedTime(started).TotalSeconds:0}/{planned.TotalSeconds:0} s  {figures}")
            : null;

        /// <summary>The figures alone (the live display's trial row, whose label is the line above it and whose time is a column):
        /// Spectre.Console's text layout costs in proportion to the text, so the row is kept short.</summary>
        public string? Figures()
        {
            if (recorder() is not { } r)
            {
                return null;
            }
            var s = r.Peek();
            return string.Create(Inv, $"responses {s.Responses}  p99 {s.P99Micros / 1000.0:0.00} ms  errors {s.Errors}");
        }

        public double Fraction(TimeProvider time) => planned <= TimeSpan.Zero ? 1 : Math.Clamp(time.GetElapsedTime(started) / planned, 0, 1);
    }

    private sealed class Untrack(Progress owner, TrialView view, ITimer? timer) : IDisposable
    {
        public void Dispose()
        {
            timer?.Dispose();
            owner.Untracked(view);
        }
    }

    /// <summary>
    /// The Spectre.Console progress display: a task for the run and one for the trial. It refreshes only when told
    /// (<see cref="Show"/>, every 250 ms) or when a line is written through its console, which draws the line above it.
    /// </summary>
    private sealed class LiveView
    {
        private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ProgressContext _context = null!;
        private ProgressTask _run = null!;
        private ProgressTask _trial = null!;
        private object? _trialShown;
        private Task _display = Task.CompletedTask;

        public static LiveView Start(IAnsiConsole console)
        {
            var view = new LiveView();
            var started = new TaskCompletionSource();
            view._display = new Spectre.Console.Progress(console)
                .AutoRefresh(false)
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    view._context = context;
                    view._run = context.AddTask("run", maxValue: 1);
                    view._trial = context.AddTask("trial", maxValue: 1);
                    started.SetResult();
                    await view._stop.Task.ConfigureAwait(false);
                });
            // A display that cannot start (another live display holds the console) fails here rather than waiting forever.
            Task.WaitAny(started.Task, view._display);
            if (view._display.IsFaulted)
            {
                view._display.GetAwaiter().GetResult();
            }
            return view;
        }

        /// <param name="trialKey">The trial shown: a new one gets a new task, so that its elapsed time starts at 0.</param>
        public void Show(string run, double? runFraction, object? trialKey, string? trial, double? trialFraction)
        {
            _run.Description = Markup.Escape(run);
            _run.IsIndeterminate = runFraction is null;
            _run.Value = runFraction ?? 0;
            if (trialKey is not null && !ReferenceEquals(trialKey, _trialShown))
            {
                _ = _context.RemoveTask(_trial);
                _trial = _context.AddTask("trial", maxValue: 1);
                _trialShown = trialKey;
            }
            _trial.Description = Markup.Escape(trial ?? "between trials");
            _trial.Value = trial is null ? 0 : trialFraction ?? 0;
            _context.Refresh();
        }

        public void Stop()
        {
            _stop.TrySetResult();
            _display.GetAwaiter().GetResult();
        }
    }
}
