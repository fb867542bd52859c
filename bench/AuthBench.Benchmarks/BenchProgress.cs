using System.Diagnostics;
using AuthBench.Common;
using BenchmarkDotNet.EventProcessors;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.Results;
using Spectre.Console;

namespace AuthBench.Benchmarks;

/// <summary>
/// Benchmarks done out of the run's total and the time left (<see cref="ProgressText.Counted"/>: the mean time of the
/// benchmarks done so far, for each one left). At a terminal a Spectre.Console live display, BenchmarkDotNet's own
/// console output then going to its log file only (<see cref="BenchConfig"/>); elsewhere one plain line per benchmark
/// start among BenchmarkDotNet's output. Runs in the host process, which waits while a benchmark's own process measures:
/// the live display redraws once a second, nothing more.
/// </summary>
public sealed class BenchProgress : EventProcessor
{
    private static readonly TimeSpan RedrawPeriod = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private readonly IAnsiConsole? _console;
    private readonly Stopwatch _clock = new();
    private int _total;
    private int _current;
    private int _done;
    private string _stage = "validating";
    private string _benchmark = "";
    private Live? _live;
    private Timer? _timer;

    private BenchProgress(IAnsiConsole? console) => _console = console;

    /// <summary>The display for <paramref name="mode"/> (<see cref="HostOptions.ProgressMode"/> picks it).</summary>
    public static BenchProgress For(ProgressMode mode) => mode switch
    {
        ProgressMode.Live => new BenchProgress(AnsiConsole.Console),
        ProgressMode.Plain => new BenchProgress(null),
    };

    public ProgressMode Mode => _console is null ? ProgressMode.Plain : ProgressMode.Live;

    public override void OnStartBuildStage(IReadOnlyList<BuildPartition> partitions)
    {
        string line;
        lock (_gate)
        {
            _total = partitions.Sum(p => p.Benchmarks.Length);
            _stage = $"building {partitions.Count} benchmark project(s) for {_total} benchmark(s)";
            line = _stage;
        }
        Say(line);
        if (_console is not null)
        {
            lock (_gate)
            {
                _live ??= Live.Start(_console);
                _timer ??= new Timer(_ => Redraw(), null, TimeSpan.Zero, RedrawPeriod);
            }
        }
    }

    public override void OnBuildComplete(BuildPartition partition, BuildResult buildResult)
    {
        if (!buildResult.IsBuildSuccess)
        {
            lock (_gate)
            {
                // Benchmarks whose project did not build are not run: they leave the total.
                _total -= partition.Benchmarks.Length;
            }
        }
    }

    public override void OnStartRunBenchmark(BenchmarkCase benchmarkCase)
    {
        string line;
        lock (_gate)
        {
            _clock.Start();
            _current++;
            _benchmark = $"{benchmarkCase.Descriptor.DisplayInfo} {benchmarkCase.Parameters.DisplayInfo}".TrimEnd();
            _stage = ProgressText.Counted("benchmark", _current, Math.Max(_total, _current), _done, _clock.Elapsed);
            line = $"{_stage}: {_benchmark}";
        }
        if (_console is null)
        {
            Say(line);
        }
        else
        {
            Redraw();
        }
    }

    public override void OnEndRunBenchmark(BenchmarkCase benchmarkCase, BenchmarkReport report)
    {
        lock (_gate)
        {
            _done++;
        }
    }

    public override void OnEndRunStage() => Close();

    /// <summary>Ends the live display (cleared, the cursor given back); idempotent.</summary>
    public void Close()
    {
        Live? live;
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            live = _live;
            _live = null;
        }
        live?.Stop();
        if (live is not null)
        {
            Say(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_done} of {Math.Max(_total, _current)} benchmark(s) run in {ProgressText.Spoken(_clock.Elapsed)}"));
        }
    }

    private void Say(string line)
    {
        if (_console is null)
        {
            // Among BenchmarkDotNet's own lines, marked as its comment lines are.
            Console.WriteLine("// AuthBench: " + line);
        }
        else
        {
            _console.WriteLine(line);
        }
    }

    private void Redraw()
    {
        lock (_gate)
        {
            if (_live is null)
            {
                return;
            }
            var total = Math.Max(_total, _current);
            var run = _current == 0 ? _stage : ProgressText.Counted("benchmark", _current, total, _done, _clock.Elapsed);
            _live.Show(run, total == 0 ? 0 : (double)_done / total, _current == 0 ? "" : _benchmark);
        }
    }

    /// <summary>The Spectre.Console display: the run, and the benchmark under way.</summary>
    private sealed class Live
    {
        private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ProgressContext _context = null!;
        private ProgressTask _run = null!;
        private ProgressTask _benchmark = null!;
        private string _shown = "";
        private Task _display = Task.CompletedTask;

        public static Live Start(IAnsiConsole console)
        {
            var live = new Live();
            var started = new TaskCompletionSource();
            live._display = new Progress(console)
                .AutoRefresh(false)
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    live._context = context;
                    live._run = context.AddTask("benchmarks", maxValue: 1);
                    live._benchmark = context.AddTask("", maxValue: 1);
                    live._benchmark.IsIndeterminate = true;
                    started.SetResult();
                    await live._stop.Task.ConfigureAwait(false);
                });
            Task.WaitAny(started.Task, live._display);
            if (live._display.IsFaulted)
            {
                live._display.GetAwaiter().GetResult();
            }
            return live;
        }

        public void Show(string run, double fraction, string benchmark)
        {
            _run.Description = Markup.Escape(run);
            _run.Value = fraction;
            if (benchmark != _shown)
            {
                // A new task per benchmark, so that its elapsed time starts at 0.
                _ = _context.RemoveTask(_benchmark);
                _benchmark = _context.AddTask(Markup.Escape(benchmark), maxValue: 1);
                _benchmark.IsIndeterminate = true;
                _shown = benchmark;
            }
            _context.Refresh();
        }

        public void Stop()
        {
            _stop.TrySetResult();
            _display.GetAwaiter().GetResult();
        }
    }
}
