using AuthBench.Api.Arms;
using AuthBench.Api.Hosting;
using AuthBench.Store;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}
if (CommandLine.FindUnknownOption(args) is { } unknown)
{
    Console.Error.WriteLine($"error: {unknown}");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddAuthBenchHosting();
builder.Services.AddAuthBenchArms();

await using var app = builder.Build();

AuthBenchOptions options;
try
{
    options = await app.PrepareAuthBenchAsync();
}
catch (Exception e) when (e is ArgumentException or StoreConfigurationException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

app.UseAuthBench();
app.MapAuthBench(options);
app.PrintReadinessLine(options);

await app.RunAsync();
return 0;

/// <summary>The entry point's type, public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
