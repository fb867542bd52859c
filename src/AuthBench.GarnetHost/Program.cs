using System.Runtime.InteropServices;

using Garnet;

// Runs an embedded Microsoft Garnet server in its own process so that the store's CPU time is
// accounted separately from the load generator's. Started by AuthBench.Store; usage:
//   dotnet AuthBench.GarnetHost.dll --port <port> --password <password> [--bind 127.0.0.1]
// Prints one readiness line ("AUTHBENCH-GARNET READY port=<port> version=<version>") and runs
// until standard input closes (its parent died or let go) or SIGTERM/SIGINT arrives.

string? port = null;
string? password = null;
var bind = "127.0.0.1";
for (var i = 0; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--port": port = args[i + 1]; break;
        case "--password": password = args[i + 1]; break;
        case "--bind": bind = args[i + 1]; break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}

if (port is null || !int.TryParse(port, out var portNumber) || portNumber is <= 0 or > 65535)
{
    Console.Error.WriteLine("usage: AuthBench.GarnetHost --port <1-65535> [--password <password>] [--bind <address>]");
    return 2;
}

// Garnet keeps its INFO counters (commands, bytes, hits) only through its metrics monitor, which
// samples once per metrics-sampling-freq second (1 is the smallest): INFO lags by up to a second.
// "--lua true": Garnet ships with EVAL/EVALSHA off; the hybrid arm's refresh-token store rotates tokens in Lua scripts.
var garnetArgs = new List<string>
{
    "--bind", bind, "--port", port, "--logger-level", "Warning", "--commandstats-monitor", "true", "--metrics-sampling-freq", "1",
    "--lua", "true",
};
if (!string.IsNullOrEmpty(password))
{
    garnetArgs.AddRange(["--auth", "Password", "--password", password]);
}

GarnetServer server;
try
{
    server = new GarnetServer([.. garnetArgs]);
    server.Start();
}
catch (Exception ex)
{
    // One line: the parent reports it (e.g. an address already in use triggers a retry on another port).
    Console.Error.WriteLine($"garnet failed to start: {ex.GetBaseException().Message}");
    return 1;
}

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });

// Standard input closing means the parent is gone: never outlive it.
var stdinWatcher = new Thread(() =>
{
    try
    {
        while (Console.In.Read() >= 0)
        {
        }
    }
    catch (IOException)
    {
    }

    stop.Cancel();
})
{ IsBackground = true, Name = "stdin-watch" };
stdinWatcher.Start();

var version = typeof(GarnetServer).Assembly.GetName().Version;
Console.WriteLine($"AUTHBENCH-GARNET READY port={port} version={version?.ToString(3)}");
Console.Out.Flush();

try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

server.Dispose();
return 0;
