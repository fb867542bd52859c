using System.Globalization;
using AuthBench.LoadTest.Engine;

namespace AuthBench.LoadTest.Orchestration;

/// <summary>
/// The live display: on a terminal one status line rewritten in place every 250 ms; when output is redirected
/// (CI, pipes) a plain line every 5 s, so logs stay readable.
/// </summary>
public sealed class Progress(TextWriter output, bool interactive)
{
    private readonly object _gate = new();
    private bool _lineOpen;

    public static Progress ForConsole() => new(Console.Out, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb");

    public void Line(string message)
    {
        lock (_gate)
        {
            if (_lineOpen)
            {
                output.Write("\r\x1b[2K");
                _lineOpen = false;
            }
            output.WriteLine(message);
            output.Flush();
        }
    }

    /// <summary>Shows the trial's progress until the returned handle is disposed.</summary>
    public IDisposable Track(string what, TimeSpan planned, Func<Recorder?> recorder)
    {
        var started = DateTime.UtcNow;
        var period = interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5);
        var timer = new Timer(_ =>
        {
            var r = recorder();
            if (r is null)
            {
                return;
            }
            var s = r.Read();
            var elapsed = DateTime.UtcNow - started;
            var text = string.Create(CultureInfo.InvariantCulture,
                $"  {what}  {elapsed.TotalSeconds:0}/{planned.TotalSeconds:0} s  responses {s.Responses}  p99 {s.P99Micros / 1000.0:0.00} ms  errors {s.Errors}");
            lock (_gate)
            {
                if (interactive)
                {
                    output.Write("\r\x1b[2K" + text);
                    _lineOpen = true;
                }
                else
                {
                    output.WriteLine(text);
                }
                output.Flush();
            }
        }, null, period, period);
        return timer;
    }
}
