using AuthBench.Common;
using AuthBench.Contracts.Results;
using System.Text.Json;
using AuthBench.LoadTest.Engine;
using AuthBench.LoadTest.Results;

namespace AuthBench.LoadTest.Tests;

public class ResultsTests
{
    private static RunResults Sample()
    {
        var results = new RunResults
        {
            Mode = "open-loop",
            StartedUtc = DateTimeOffset.UnixEpoch,
            Settings = new RunSettings(["none", "jwt"], ["HS256"], "typical", "/api/me", [500], false, 64, 1024, 30, 10, 3, 100, "auto", null, false, null, null, 1),
            Environment = new EnvironmentInfo { CpuModel = "cpu", Cores = 2, Os = "os", Kernel = "k", DotnetRuntime = ".NET", ApiGcMode = "server", GitCommit = "abc", CommandLine = "x" },
        };
        results.Environment.Store = new StoreInfo("redis-server", "redis 7.0.15", "standalone", "127.0.0.1:1", "redis-server redis 7.0.15 standalone @127.0.0.1:1");
        foreach (var (label, arm, sent, rep) in new[] { ("none", "none", 47.0, 1), ("jwt-HS256", "jwt", 487.0, 1), ("none", "none", 47.0, 2), ("jwt-HS256", "jwt", 489.0, 2) })
        {
            results.Trials.Add(new TrialResult
            {
                Arm = arm,
                Alg = arm == "jwt" ? "HS256" : null,
                Claims = arm == "jwt" ? "typical" : null,
                Label = label,
                Endpoint = "/api/me",
                TargetRps = 500,
                Repetition = rep,
                AchievedRps = 500,
                Requests = 15000,
                Responses = 15000,
                LatencyUs = new Percentiles(100, 200, 300, 400, 500, 600, 150),
                ServiceTimeUs = new Percentiles(90, 190, 290, 390, 490, 590, 140),
                BytesPerRequest = new BytesPerRequest(sent, 240),
                ServerCpuUsPerRequest = 100,
                ServerPeakRssMb = 90,
                LoadgenCpuUsPerRequest = 10,
                Store = new StoreCostResult(0, 0, 0, 0, new Dictionary<string, double>()),
            });
        }
        return results;
    }

    [Fact]
    public void Results_json_has_the_field_names_other_tools_read()
    {
        using var doc = JsonDocument.Parse(ResultsJson.Serialize(Sample()));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        foreach (var name in new[] { "cpu_model", "cores", "os", "kernel", "dotnet_runtime", "api_gc_mode", "packages", "store", "git_commit", "command_line" })
        {
            Assert.True(root.GetProperty("environment").TryGetProperty(name, out _), $"environment.{name}");
        }
        var trial = root.GetProperty("trials")[0];
        foreach (var name in new[] { "arm", "alg", "claims", "target_rps", "repetition", "achieved_rps", "requests", "errors", "late", "dropped",
            "latency_us", "service_time_us", "bytes_per_request", "server_cpu_us_per_request", "server_peak_rss_mb", "loadgen_cpu_us_per_request", "store" })
        {
            Assert.True(trial.TryGetProperty(name, out _), $"trials[].{name}");
        }
        foreach (var p in new[] { "p50", "p90", "p99", "p999", "p9999", "max", "mean" })
        {
            Assert.True(trial.GetProperty("latency_us").TryGetProperty(p, out _), $"latency_us.{p}");
            Assert.True(trial.GetProperty("service_time_us").TryGetProperty(p, out _), $"service_time_us.{p}");
        }
        Assert.True(trial.GetProperty("bytes_per_request").TryGetProperty("sent", out _));
        Assert.True(trial.GetProperty("bytes_per_request").TryGetProperty("received", out _));
        foreach (var s in new[] { "commands_per_request", "usec_per_request", "cpu_us_per_request", "bytes_per_request" })
        {
            Assert.True(trial.GetProperty("store").TryGetProperty(s, out _), $"store.{s}");
        }
    }

    [Fact]
    public void Isolation_order_and_cpu_fields_round_trip_under_their_public_names()
    {
        var run = Sample();
        run = new RunResults
        {
            Mode = run.Mode,
            Settings = run.Settings with { Order = "random", Seed = 42, SpinLimit = "0" },
            Environment = run.Environment,
            Trials = run.Trials,
        };
        run.Environment.Isolation = new IsolationInfo
        {
            Enabled = true,
            ApiCpus = "1",
            LoadgenCpus = "0",
            StoreCpus = "0",
            OnlineCpus = "0-1",
            IdleApisStopped = true,
            ApiGcEffective = "workstation",
            Processes = { new PinnedProcess("api", "none", 7, "1", true, ["1"], 14, null, DateTimeOffset.UnixEpoch, 0) },
        };
        var cpu = new TrialCpu(0.97, 0.001, 0.5, 0, 0.3, 0.3, 0.0005, new Dictionary<string, CpuShare> { ["cpu0"] = new(0.5, 0), ["cpu1"] = new(0.97, 0.001) });
        run.Trials[0] = new TrialResult
        {
            Arm = "none", Label = "none", Endpoint = "/api/me", LatencyUs = run.Trials[0].LatencyUs, ServiceTimeUs = run.Trials[0].ServiceTimeUs,
            BytesPerRequest = run.Trials[0].BytesPerRequest, Sequence = 3, Cpu = cpu,
        };

        var json = ResultsJson.Serialize(run);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(42, root.GetProperty("settings").GetProperty("seed").GetInt32());
        Assert.Equal("0", root.GetProperty("settings").GetProperty("spin_limit").GetString());
        var isolation = root.GetProperty("environment").GetProperty("isolation");
        foreach (var name in new[] { "enabled", "api_cpus", "loadgen_cpus", "store_cpus", "online_cpus", "idle_apis_stopped", "api_gc_effective" })
        {
            Assert.True(isolation.TryGetProperty(name, out _), $"isolation.{name}");
        }
        Assert.Equal("1", isolation.GetProperty("processes")[0].GetProperty("cpus_allowed_list")[0].GetString());
        var trial = root.GetProperty("trials")[0];
        Assert.Equal(3, trial.GetProperty("sequence").GetInt32());
        Assert.Equal(0.97, trial.GetProperty("cpu").GetProperty("api_cpu_busy").GetDouble());
        Assert.Equal(0.3, trial.GetProperty("cpu").GetProperty("loadgen_process_share").GetDouble());
        var back = ResultsJson.Deserialize(json);
        Assert.Equal(cpu.PerCpu["cpu1"], back.Trials[0].Cpu!.PerCpu["cpu1"]);
        Assert.Equal(42, back.Settings.Seed);
        Assert.True(back.Environment.Isolation!.Processes[0].Pinned);
    }

    [Fact]
    public void A_results_file_without_the_new_fields_still_reads()
    {
        var json = ResultsJson.Serialize(Sample());
        var old = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        old["settings"]!.AsObject().Remove("seed");
        old["environment"]!.AsObject().Remove("isolation");

        var back = ResultsJson.Deserialize(old.ToJsonString());
        Assert.Null(back.Settings.Seed);
        Assert.Null(back.Environment.Isolation);
    }

    [Fact]
    public void Summary_puts_arms_side_by_side_with_medians_ranges_and_the_difference_to_none()
    {
        var md = Summary.Render(Sample());

        Assert.Contains("## 500 requests/s", md, StringComparison.Ordinal);
        Assert.Contains("| metric | none | jwt-HS256 | Δ none |", md, StringComparison.Ordinal);
        Assert.Contains("| bytes sent / request | 47.0 [47.0–47.0] | 488.0 [487.0–489.0] | +441.0 (+938%) |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void A_saturation_summary_calls_itself_closed_loop_and_never_open_loop()
    {
        var run = Sample();
        var saturation = new RunResults
        {
            Mode = "find-max",
            StartedUtc = run.StartedUtc,
            Settings = run.Settings with { FindMax = true, Rates = [] },
            Environment = run.Environment,
            Trials = [.. run.Trials.Select(t => new TrialResult
            {
                Arm = t.Arm, Alg = t.Alg, Claims = t.Claims, Label = t.Label, Endpoint = t.Endpoint, TargetRps = null, Repetition = t.Repetition,
                LatencyUs = t.LatencyUs, ServiceTimeUs = t.ServiceTimeUs, BytesPerRequest = t.BytesPerRequest,
            })],
        };

        var md = Summary.Render(saturation);

        Assert.Contains("closed loop", md, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("open loop", md, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("open loop", Summary.Render(run), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Atomic_write_replaces_the_file_and_leaves_no_temporary_file()
    {
        var dir = Directory.CreateTempSubdirectory("authbench-atomic-").FullName;
        try
        {
            var path = Path.Combine(dir, "results.json");
            AtomicFile.WriteAllText(path, "old");
            AtomicFile.WriteAllText(path, "new");

            Assert.Equal("new", File.ReadAllText(path));
            Assert.Equal(["results.json"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Trials_csv_has_one_row_per_trial()
    {
        var csv = ResultWriter.Csv(Sample()).Trim().Split('\n');
        Assert.Equal(5, csv.Length);
        Assert.StartsWith("arm,alg,claims,label", csv[0], StringComparison.Ordinal);
        Assert.EndsWith(",store_rtt_ms,store_relay_lateness_p99_us,http,users_per_connection,credential_bytes_per_request", csv[0].TrimEnd('\r'), StringComparison.Ordinal);
        Assert.All(csv, row => Assert.Equal(csv[0].Split(',').Length, row.Split(',').Length));
    }

    [Fact]
    public void Histogram_files_keep_their_names_and_are_listed_by_arm_and_rate()
    {
        var dir = Directory.CreateTempSubdirectory("authbench-hgrm-").FullName;
        try
        {
            var results = Sample();
            var set = new HistogramSet();
            var latency = new HdrHistogram.LongHistogram(Recorder.HighestTrackableMicros, 3);
            latency.RecordValue(120);
            foreach (var (label, rep) in new[] { ("jwt-denylist-HS256", 1), ("jwt-denylist-HS256", 2), ("none", 1) })
            {
                if (set.Add(label, 500, "500", latency, latency) is { } files)
                {
                    results.Histograms.Add(files);
                }
            }
            new ResultWriter(dir).WriteAll(results, set);

            var read = ResultsJson.Read(Path.Combine(dir, "results.json"));
            Assert.Equal(
                [new HistogramFiles("jwt-denylist-HS256", 500, "500", "latency-jwt-denylist-HS256-500.hgrm", "service-time-jwt-denylist-HS256-500.hgrm"),
                 new HistogramFiles("none", 500, "500", "latency-none-500.hgrm", "service-time-none-500.hgrm")],
                read.Histograms);
            Assert.All(read.Histograms, h => Assert.True(File.Exists(Path.Combine(dir, h.LatencyFile)) && File.Exists(Path.Combine(dir, h.ServiceTimeFile))));
            // The two repetitions of one arm and rate are merged into one file.
            Assert.Matches(@"Total count\s*=\s*2\]", File.ReadAllText(Path.Combine(dir, "latency-jwt-denylist-HS256-500.hgrm")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
