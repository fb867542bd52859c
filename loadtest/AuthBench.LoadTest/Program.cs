using System.Runtime.InteropServices;
using AuthBench.LoadTest.Cli;
using AuthBench.LoadTest.Orchestration;

// Socket completions run on the epoll thread instead of hopping to the thread pool: on two cores shared with
// the server this halves the generator's CPU per request. Set before the first socket exists; the API processes
// we start get their environment without it (ApiProcess), so the server is measured as it ships.
if (Environment.GetEnvironmentVariable(ApiProcess.InlineCompletionsVariable) is null)
{
    Environment.SetEnvironmentVariable(ApiProcess.InlineCompletionsVariable, "1");
    ApiProcess.RemoveInlineCompletionsFromChildren = true;
}

// Ctrl+C and SIGTERM cancel the run; the runner then stops its processes and writes what it measured.
using var cancel = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
// Console.CancelKeyPress also decides what SIGINT does once any library subscribes to it (the store provisioning
// does): it must say "cancel" too, or the process would end before the results are written.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await LoadCommand.RunAsync(args, (options, _) => new Runner(options, Progress.ForConsole()).RunAsync(cancel.Token), cancel.Token);
