using AuthBench.Api;
using AuthBench.Api.Arms;
using AuthBench.Api.Fanout;
using AuthBench.Api.Hosting;
using AuthBench.Api.Metrics;

if (CommandLine.Handle(args) is { } exitCode)
{
    return exitCode;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddAuthBenchHosting();
builder.Services.AddAuthBenchArms();
builder.Services.AddAuthBenchFanout();
builder.Services.AddAuthBenchMetrics();

await using var app = builder.Build();
if (await app.PrepareAuthBenchAsync() is not { } options)
{
    return 2;
}
if (!await app.PrepareFanoutAsync())
{
    return 2;
}
app.UseAuthBenchMetrics(options);
app.UseAuthBench();
app.MapAuthBench(options);
app.MapFanout(options);
app.MapAuthBenchMetrics(options);
app.PrintReadinessLine(options);

await app.RunAsync();
return 0;

/// <summary>The entry point's type, public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
