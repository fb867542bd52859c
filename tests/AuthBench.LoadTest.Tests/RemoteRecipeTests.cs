using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using AuthBench.Common;
using AuthBench.Contracts;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Results;

namespace AuthBench.LoadTest.Tests;

/// <summary>
/// docs/remote.md's three-host recipe, run as written on loopback: the blocks marked <c>recipe: store</c>,
/// <c>recipe: api</c> and <c>recipe: generator</c> are handed to bash with the recipe's variables set for this machine,
/// so the recipe cannot rot without this test failing. Needs redis-server (skipped with its reason when missing, unless
/// AUTHBENCH_REQUIRE_REDIS_SERVER=1) and the Release builds of the API and the load tool. In the timing collection:
/// its three processes would otherwise load the machine under the timing-sensitive tests.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed partial class RemoteRecipeTests
{
    private const string RequireRedisServerVariable = "AUTHBENCH_REQUIRE_REDIS_SERVER";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public async Task Three_host_recipe_on_loopback_reports_server_cpu_from_metrics_and_store_commands()
    {
        RequireRedisServer();
        var root = RepoPaths.FindRoot() ?? throw new InvalidOperationException("cannot find the repository root above the test");
        var blocks = RecipeBlocks(File.ReadAllText(Path.Combine(root, "docs", "remote.md")));
        var storeHost = Bindable("127.0.0.2") ? "127.0.0.2" : "127.0.0.1";
        var apiHost = Bindable("127.0.0.3") ? "127.0.0.3" : "127.0.0.1";
        var output = Directory.CreateTempSubdirectory("authbench-remote-");
        var env = new Dictionary<string, string>
        {
            ["STORE_HOST"] = storeHost,
            ["STORE_PORT"] = FreePort(storeHost).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["STORE_PASSWORD"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            ["API_HOST"] = apiHost,
            ["API_PORT"] = FreePort(apiHost).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SCHEME"] = ArmCatalogue.Session.Name,
            ["ALG_ARGS"] = "",
            ["USERS"] = "200",
            ["RATES"] = "200",
            ["DURATION"] = "2s",
            ["WARMUP"] = "1s",
            ["REPEAT"] = "1",
            ["OUT"] = output.FullName,
        };
        var started = new List<RecipeProcess>();
        try
        {
            var store = Start(blocks["store"], env, root, started);
            await WaitForLineAsync(store, "Ready to accept connections", "redis-server");
            var api = Start(blocks["api"], env, root, started);
            await WaitForLineAsync(api, ApiReadiness.Prefix, "the API");

            var generator = Start(blocks["generator"], env, root, started, exec: false);
            using var cts = new CancellationTokenSource(RunTimeout);
            await generator.Process.WaitForExitAsync(cts.Token);
            Assert.True(generator.Process.ExitCode == 0, $"the load tool exited with {generator.Process.ExitCode}: {generator.Tail()}");

            var results = ResultsJson.Read(Path.Combine(output.FullName, "results.json"));
            var trial = Assert.Single(results.Trials);
            Assert.Equal(ServerCpuSources.Metrics, trial.ServerCpuSource);
            Assert.True(trial.ServerCpuUsPerRequest > 0, $"server CPU per request {trial.ServerCpuUsPerRequest}");
            Assert.NotNull(trial.ServerRequests);
            Assert.InRange((double)trial.ServerRequests!.Value, trial.Responses * 0.99, trial.Responses * 1.01);
            Assert.NotNull(trial.Store);
            Assert.True(trial.Store!.CommandsPerRequest >= 0.99, $"store commands per request {trial.Store.CommandsPerRequest}");
            Assert.Equal($"http://{apiHost}:{env["API_PORT"]}/metrics", results.Settings.MetricsUrl);
        }
        finally
        {
            foreach (var p in Enumerable.Reverse(started))
            {
                p.Stop();
            }
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_recipe_has_its_three_blocks_with_the_options_the_test_relies_on()
    {
        var root = RepoPaths.FindRoot() ?? throw new InvalidOperationException("cannot find the repository root above the test");
        var blocks = RecipeBlocks(File.ReadAllText(Path.Combine(root, "docs", "remote.md")));
        Assert.Contains("--metrics on", blocks["api"], StringComparison.Ordinal);
        Assert.Contains("--target", blocks["generator"], StringComparison.Ordinal);
        Assert.Contains("allowAdmin=true", blocks["generator"], StringComparison.Ordinal);
        Assert.Contains("--bind", blocks["store"], StringComparison.Ordinal);
    }

    /// <summary>The fenced sh blocks that follow a <c>&lt;!-- recipe: NAME --&gt;</c> marker, by name.</summary>
    public static Dictionary<string, string> RecipeBlocks(string markdown) =>
        RecipeBlock().Matches(markdown).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());

    [GeneratedRegex(@"<!-- recipe: (\w+) -->\s*```sh\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex RecipeBlock();

    /// <summary>
    /// Runs <paramref name="block"/> with bash. A long-running block's last command is exec'd, so that stopping the
    /// process stops the program itself, not only its shell.
    /// </summary>
    private static RecipeProcess Start(string block, Dictionary<string, string> env, string root, List<RecipeProcess> started, bool exec = true)
    {
        var script = block.Replace("\\\n", " ", StringComparison.Ordinal);
        if (exec)
        {
            var lines = script.Split('\n').ToList();
            lines[^1] = "exec " + lines[^1];
            script = string.Join('\n', lines);
        }
        var info = new ProcessStartInfo("bash", ["-euc", script])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }
        var process = new RecipeProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start bash"));
        started.Add(process);
        return process;
    }

    private static async Task WaitForLineAsync(RecipeProcess process, string text, string what)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.Output.Contains(text, StringComparison.Ordinal))
            {
                return;
            }
            Assert.False(process.Process.HasExited, $"{what} exited with {(process.Process.HasExited ? process.Process.ExitCode : 0)}: {process.Tail()}");
            await Task.Delay(100);
        }
        Assert.Fail($"{what} printed no '{text}' within {StartTimeout.TotalSeconds:0} s: {process.Tail()}");
    }

    private static bool Bindable(string address)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort(string address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static void RequireRedisServer()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "redis-server")));
        if (onPath)
        {
            return;
        }
        Assert.False(Environment.GetEnvironmentVariable(RequireRedisServerVariable) == "1",
            $"{RequireRedisServerVariable}=1 but no redis-server is on PATH (apt-get install redis-server)");
        Skip.If(true, $"no redis-server on PATH: apt-get install redis-server, or set {RequireRedisServerVariable}=1 to make this a failure");
    }

    /// <summary>A recipe's process with its output collected (stdout and stderr, in order of arrival).</summary>
    private sealed class RecipeProcess
    {
        private readonly StringBuilder _output = new();

        public RecipeProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public string Tail() => Output.Length > 2000 ? Output[^2000..] : Output;

        public void Stop()
        {
            try
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                    Process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
