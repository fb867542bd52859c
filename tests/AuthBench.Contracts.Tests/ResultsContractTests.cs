using System.Text.Json;
using System.Text.Json.Nodes;
using AuthBench.Contracts.Results;

namespace AuthBench.Contracts.Tests;

public class ResultsContractTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuthBench.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("the tests run inside the repository");
    }

    /// <summary>Every published load run of the repository: the contract must read what the load tool has written.</summary>
    public static TheoryData<string> PublishedRuns()
    {
        var data = new TheoryData<string>();
        var load = Path.Combine(RepoRoot(), "results", "load");
        foreach (var file in Directory.Exists(load) ? Directory.GetFiles(load, "results.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray() : [])
        {
            data.Add(Path.GetRelativePath(RepoRoot(), file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PublishedRuns))]
    public void A_published_results_file_reads_back_without_losing_a_field(string relativePath)
    {
        var json = File.ReadAllText(Path.Combine(RepoRoot(), relativePath));

        var results = ResultsJson.Deserialize(json);
        var again = JsonNode.Parse(ResultsJson.Serialize(results))!;

        Assert.NotEmpty(results.Trials);
        // A list the file lacks (older runs have no histogram list) reads as empty, never as null.
        Assert.NotNull(results.Histograms);
        Assert.NotNull(results.SkippedProbes);
        AssertContains(JsonNode.Parse(json)!, again, "$");
    }

    [Fact]
    public void Writing_and_reading_round_trips()
    {
        var run = Sample();

        var text = ResultsJson.Serialize(run);
        var back = ResultsJson.Deserialize(text);

        Assert.Equal(text, ResultsJson.Serialize(back));
        Assert.Equal("jwt-denylist-ES256", back.Trials[0].Label);
        Assert.Equal("latency-jwt-denylist-ES256-8000.hgrm", back.Histograms[0].LatencyFile);
        Assert.Equal(3, back.Trials[0].Errors["http_503"]);
    }

    [Fact]
    public void Field_names_are_snake_case_as_readers_expect()
    {
        using var doc = JsonDocument.Parse(ResultsJson.Serialize(Sample()));
        var root = doc.RootElement;

        Assert.Equal(RunResults.CurrentSchemaVersion, root.GetProperty("schema_version").GetInt32());
        var trial = root.GetProperty("trials")[0];
        Assert.Equal(8000, trial.GetProperty("target_rps").GetDouble());
        Assert.Equal(120, trial.GetProperty("latency_us").GetProperty("p99").GetInt64());
        Assert.Equal("latency-jwt-denylist-ES256-8000.hgrm", root.GetProperty("histograms")[0].GetProperty("latency_file").GetString());
        // Dictionary keys are data, not names: kept as written.
        Assert.Equal(3, trial.GetProperty("errors").GetProperty("http_503").GetInt64());
    }

    [Fact]
    public void Refreshes_round_trip_and_a_trial_without_them_reads_null()
    {
        var run = Sample();
        run.Trials.Add(new TrialResult
        {
            Arm = "hybrid",
            Alg = "HS256",
            Label = "hybrid-HS256",
            Endpoint = "/auth/refresh",
            LatencyUs = new Percentiles(1, 1, 1, 1, 1, 1, 1),
            ServiceTimeUs = new Percentiles(1, 1, 1, 1, 1, 1, 1),
            BytesPerRequest = new BytesPerRequest(1, 1),
            Refreshes = new RefreshResult(RefreshResult.Driven, 100, 98, new Dictionary<string, long> { ["rejected_401"] = 2 }, 0, 400, 900, 1200, 450.5, 3.02, 2, 0),
        });

        var text = ResultsJson.Serialize(run);
        var back = ResultsJson.Deserialize(text);

        Assert.Equal(text, ResultsJson.Serialize(back));
        Assert.Null(back.Trials[0].Refreshes);
        var refreshes = back.Trials[1].Refreshes!;
        Assert.Equal(98, refreshes.Succeeded);
        Assert.Equal(2, refreshes.Failures["rejected_401"]);
        Assert.Equal(3.02, refreshes.StoreCommandsPerRefresh);
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(2, doc.RootElement.GetProperty("trials")[1].GetProperty("refreshes").GetProperty("users_without_token").GetInt64());
    }

    [Fact]
    public void A_file_that_is_not_a_results_file_is_a_json_error() =>
        Assert.ThrowsAny<JsonException>(() => ResultsJson.Deserialize("null"));

    private static RunResults Sample()
    {
        var run = new RunResults
        {
            Mode = "open-loop",
            StartedUtc = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            Settings = new RunSettings(["jwt-denylist"], ["ES256"], "typical", "/api/me", [8000], false, 64, 1024, 30, 10, 3, 10000, "auto", null, false, null, null, 1),
            Environment = new EnvironmentInfo { Cores = 2, GitCommit = "abc" },
        };
        run.Trials.Add(new TrialResult
        {
            Arm = "jwt-denylist",
            Alg = "ES256",
            Claims = "typical",
            Label = "jwt-denylist-ES256",
            Endpoint = "/api/me",
            TargetRps = 8000,
            Repetition = 1,
            Errors = new Dictionary<string, long> { ["http_503"] = 3 },
            LatencyUs = new Percentiles(50, 80, 120, 200, 300, 400, 60.5),
            ServiceTimeUs = new Percentiles(40, 70, 110, 190, 290, 390, 50.5),
            BytesPerRequest = new BytesPerRequest(300, 250),
        });
        run.Histograms.Add(new HistogramFiles("jwt-denylist-ES256", 8000, "8000", "latency-jwt-denylist-ES256-8000.hgrm", "service-time-jwt-denylist-ES256-8000.hgrm"));
        return run;
    }

    /// <summary>Every member of <paramref name="expected"/> is in <paramref name="actual"/> with the same value (numbers compared as numbers).</summary>
    private static void AssertContains(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected null, got {actual?.ToJsonString()}");
                break;
            case JsonObject o:
                var ao = Assert.IsType<JsonObject>(actual);
                foreach (var (key, value) in o)
                {
                    Assert.True(ao.ContainsKey(key), $"{path}.{key} is lost when read through the contract");
                    AssertContains(value, ao[key], $"{path}.{key}");
                }
                break;
            case JsonArray a:
                var aa = Assert.IsType<JsonArray>(actual);
                Assert.Equal(a.Count, aa.Count);
                for (var i = 0; i < a.Count; i++)
                {
                    AssertContains(a[i], aa[i], $"{path}[{i}]");
                }
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                Assert.True(actual is JsonValue av && av.GetValueKind() == JsonValueKind.Number && v.GetValue<decimal>() == av.GetValue<decimal>(),
                    $"{path}: expected {v.ToJsonString()}, got {actual?.ToJsonString()}");
                break;
            default:
                Assert.Equal(expected.ToJsonString(), actual?.ToJsonString());
                break;
        }
    }
}
