using System.CommandLine;
using System.Globalization;
using AuthBench.Common;
using AuthBench.Contracts.Arms;
using AuthBench.Contracts.Fanout;
using AuthBench.LoadTest.Plan;
using AuthBench.Store;

namespace AuthBench.LoadTest.Cli;

/// <summary>The command line: System.CommandLine for parsing and help, <see cref="LoadOptions"/> for the values.</summary>
public static class LoadCommand
{
    /// <summary>The arms a run compares when --arms is not given: the baseline, a store-backed session and a self-contained token.</summary>
    public static readonly IReadOnlyList<ArmDescriptor> DefaultArms = [ArmCatalogue.Baseline, ArmCatalogue.Session, ArmCatalogue.Jwt];

    private static readonly Option<string> Arms = new("--arms")
    {
        Description = "Arms to compare, comma-separated, or all: " + string.Join("; ", ArmCatalogue.All.Select(a => $"{a.Name} ({a.Summary})"))
            + ". Transport variants, run when named (all does not include them): "
            + string.Join("; ", ArmCatalogue.Runs.Where(a => a.Variant is not null).Select(a => $"{a.RunName} ({a.Summary})")),
        DefaultValueFactory = _ => string.Join(',', DefaultArms.Select(a => a.Name)),
    };
    private static readonly Option<string> Alg = new("--alg")
    {
        Description = $"Signature algorithm(s) for the arms that sign tokens ({string.Join(", ", ArmCatalogue.All.Where(a => a.HasAlgorithm).Select(a => a.Name))}): "
            + $"{string.Join(", ", ArmCatalogue.Algorithms)} (comma-separated: one arm each)",
        DefaultValueFactory = _ => ArmCatalogue.Algorithms[0],
    };
    private static readonly Option<string> Claims = new("--claims") { Description = "Claims each credential carries: small, typical, large", DefaultValueFactory = _ => "typical" };
    private static readonly Option<string> Endpoint = new("--endpoint") { Description = "Path every request asks for", DefaultValueFactory = _ => "/api/me" };
    private static readonly Option<string> Rates = new("--rates") { Description = "Open-loop rates in requests/s, comma-separated", DefaultValueFactory = _ => "500,1000,2000" };
    private static readonly Option<bool> FindMax = new("--find-max") { Description = "Closed loop instead of rates: each arm's saturation throughput with --connections" };
    private static readonly Option<int?> Connections = new("--connections") { Description = "Keep-alive connections per arm (default 64)" };
    private static readonly Option<string> Http = new("--http")
    {
        Description = "What the engine speaks: 1.1, 2-never-indexed (HTTP/2 h2c, credential as a never-indexed literal, as HttpClient and nghttp2) "
            + "or 2-indexed (credential in the HPACK dynamic table, as browsers and Go); several with commas: a trial dimension (e.g. 1.1,2-never-indexed,2-indexed)",
        DefaultValueFactory = _ => "1.1",
    };
    private static readonly Option<string> UsersPerConnection = new("--users-per-connection")
    {
        Description = "Users each TCP connection carries: all (a gateway, the default) or N (1: a browser, one user per connection); several with commas: a trial dimension (all,1)",
        DefaultValueFactory = _ => "all",
    };
    private static readonly Option<int> MaxInFlight = new("--max-in-flight") { Description = "Open loop: outstanding requests beyond which new ones are dropped (counted)", DefaultValueFactory = _ => 1024 };
    private static readonly Option<string?> Duration = new("--duration") { Description = "Measured time per trial, e.g. 30s (default 30s)" };
    private static readonly Option<string?> Warmup = new("--warmup") { Description = "Warm-up per arm and rate, not recorded, e.g. 10s (default 10s)" };
    private static readonly Option<int?> Repeat = new("--repeat") { Description = "Rounds per rate, every arm once in each (default 3)" };
    private static readonly Option<string> Order = new("--order")
    {
        Description = "Arm order within each round: random (a permutation per round drawn from --seed) or alternate (A B C A B C)",
        DefaultValueFactory = _ => ArmOrder.Random.ToName(),
    };
    private static readonly Option<string?> Seed = new("--seed") { Description = "Seed of the random arm order, 0 to 2147483647 (default: drawn at random, printed and recorded)" };
    private static readonly Option<string?> ApiCpus = new("--api-cpus")
    {
        Description = "CPUs of the API under test, e.g. 1, 0-1 or 0,2; off turns isolation off "
            + "(default: the last online CPU when at least 2 are online, else off; off with --target)",
    };
    private static readonly Option<string?> LoadgenCpus = new("--loadgen-cpus")
    {
        Description = "CPUs of the load generator and the store (default: the online CPUs the API does not have); off turns isolation off",
    };
    private static readonly Option<string> SpinLimit = new("--spin-limit")
    {
        Description = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit in every API process: as-shipped (not set) or a number, e.g. 0 (no spinning)",
        DefaultValueFactory = _ => LoadOptions.AsShipped,
    };
    private static readonly Option<string> TimerSlack = new("--timer-slack-ns")
    {
        Description = "Timer slack of the generator's pacing thread in ns (Linux wakes a sleeper up to this late; the kernel's default is 50 µs), or kernel",
        DefaultValueFactory = _ => Engine.EngineOptions.DefaultTimerSlackNanoseconds.ToString(CultureInfo.InvariantCulture),
    };
    private static readonly Option<string> Pacing = new("--pacing")
    {
        Description = "Scheduling of the generator's pacing thread: fifo (SCHED_FIFO, runs the moment a request is due; needs root or CAP_SYS_NICE) or fair",
        DefaultValueFactory = _ => "fifo",
    };
    private static readonly Option<string?> Slo = new("--slo")
    {
        Description = "SLO capacity search instead of fixed rates: p99 targets, e.g. 1ms,5ms,10ms; per arm a closed-loop saturation trial, then a bisection per target "
            + "for the highest open-loop rate whose p99 stays under it with fewer than 0.1 % late or dropped starts (a ladder of rates, then bisection)",
    };
    private static readonly Option<int?> SloSteps = new("--slo-steps") { Description = "Bisection steps per SLO target after the ladder of rates, 1 to 8 (default 3: a bracket of 1/80 of the saturation rate)" };
    private static readonly Option<int?> Users = new("--users") { Description = "Distinct users, each logged in through POST /auth/login (default 10000)" };
    private static readonly Option<string> Store = new("--store") { Description = string.Join(" | ", StoreModes.Named.Select(m => m.ToName())) + " | <Redis connection string>", DefaultValueFactory = _ => StoreMode.Auto.ToName() };
    private static readonly Option<string?> Target = new("--target") { Description = "Drive an already running API at this URL instead of starting one (process probes are skipped)" };
    private static readonly Option<string?> Out = new("--out") { Description = "Output folder (default results/load/<UTC timestamp>)" };
    private static readonly Option<bool> Quick = new("--quick") { Description = "Smoke run of every arm in well under 2 minutes (CI)" };
    private static readonly Option<bool> RefreshOnly = new("--refresh-only")
    {
        Description = "Price one refresh: every request is POST /auth/refresh with a user's current refresh token, the rotated one swapped in, "
            + "at most one in flight per user (arms with a refresh endpoint: " + string.Join(", ", ArmCatalogue.All.Where(a => a.Lifecycle is CredentialLifecycle.RefreshedThroughStore).Select(a => a.Name))
            + "; with --rates or --find-max; mode \"refresh\" in results.json)",
    };
    private static readonly Option<string?> Fault = new("--fault") { Description = "Fault scenario in every trial, e.g. store-outage@10s:5s" };
    private static readonly Option<string?> Soak = new("--soak") { Description = "Soak mode: one long run per arm at the (single) rate, e.g. 10m" };
    private static readonly Option<string?> Window = new("--window")
    {
        Description = "Window scenario in every recorded trial: revocation@<T>:<K> (K users revoked T into the trial, half by logout, half by the admin revoke) "
            + "or staleness@<T>[:<K>] (K users' plan changed, /api/me probed every 10 ms); use a small --users pool so each user sends often",
    };
    private static readonly Option<string?> TokenLifetime = new("--token-lifetime")
    {
        Description = "The APIs' token (access) lifetime, e.g. 20s (default: outlives the run; with --window 20s)",
    };
    private static readonly Option<string?> Api = new("--api") { Description = "Path of AuthBench.Api.dll (default: the Release build in src/AuthBench.Api/bin)" };
    private static readonly Option<string?> Fanout = new("--fanout")
    {
        Description = "Fan-out: run every arm as a chain of N API processes (e.g. 1,2,4; 1 = the edge alone); requests go to "
            + $"{FanoutModes.ChainPath} and server CPU is summed over the chain. Needs RS256/ES256 for the arms that sign tokens",
    };
    private static readonly Option<string> FanoutModeOption = new("--fanout-mode")
    {
        Description = $"With --fanout: {FanoutModes.NameChoices} (several with commas); per-service = every service authenticates the "
            + "credential itself, edge-token = the edge looks it up once and passes a short ES256 token on (arms without a signed token)",
        DefaultValueFactory = _ => string.Join(',', FanoutModes.All.Select(FanoutModes.Name)),
    };
    private static readonly Option<string?> StoreRtt = new("--store-rtt")
    {
        Description = "Round trips added between API and store by a delaying TCP relay on the generator's CPUs, e.g. 0,0.25ms,1ms (units ms or us; 0: through the relay, "
            + "no delay): every arm at every value is one unit of each repetition, shuffled together, every store-backed arm's API connecting to the store through the relay",
    };
    private static readonly Option<string?> Instances = new("--instances")
    {
        Description = "API servers per arm behind a load balancer (round robin, no stickiness), e.g. 1,2,4: every arm at every count is one unit of each repetition; server CPU "
            + "is summed over the instances, the balancer's recorded apart (default: one API, no balancer)",
    };
    private static readonly Option<string> BalancerOption = new("--balancer")
    {
        Description = "With --instances: the load balancer in front of the API servers: haproxy (Debian's, on the generator's CPUs)",
        DefaultValueFactory = _ => BalancerKind.Haproxy.ToName(),
    };
    private static readonly Option<string?> MetricsUrl = new("--metrics-url")
    {
        Description = "With --target: the API's metrics endpoint (AuthBench.Api --metrics on), read before and after each trial for its CPU and request count "
            + "(default <target>/metrics)",
    };
    private static readonly Option<string?> ApiMetrics = new("--api-metrics")
    {
        Description = "Start the APIs with their metrics endpoint: off (default), on, or off,on (every arm twice, label suffix -metrics: what the endpoint's "
            + "request counter costs); server CPU stays from /proc",
    };
    private static readonly Option<string?> StoreConnections = new("--store-connections")
    {
        Description = "Store multiplexers (client connections) each store-backed API opens, e.g. 1,8,64 (1 to 64): the whole plan runs once per value, "
            + "the APIs restarted between; the arms' own store commands take the connections in turn (FusionCache near caches use the first)",
    };
    private static readonly Option<int> LoginParallelism = new("--login-parallelism") { Description = "Concurrent logins while seeding credentials", DefaultValueFactory = _ => 8 };

    public static RootCommand Create(Func<LoadOptions, CancellationToken, Task<int>> run)
    {
        var root = new RootCommand("AuthBench load test: drives the identical APIs open-loop and compares latency, bytes, server CPU and store load per request.");
        foreach (var option in new Option[] { Arms, Alg, Claims, Endpoint, Rates, FindMax, Connections, Http, UsersPerConnection, MaxInFlight, Duration, Warmup, Repeat, Order, Seed, ApiCpus, LoadgenCpus, SpinLimit, TimerSlack, Pacing, Slo, SloSteps, Users, Store, Target, Out, Quick, RefreshOnly, Fault, Soak, Window, TokenLifetime, Api, LoginParallelism, Fanout, FanoutModeOption, StoreRtt, Instances, BalancerOption, MetricsUrl, ApiMetrics, StoreConnections })
        {
            root.Options.Add(option);
        }
        root.Subcommands.Add(Relay.RelayCalibrateCommand.Create());
        root.SetAction((parse, ct) => run(Bind(parse, Environment.GetCommandLineArgs()), ct));
        return root;
    }

    /// <summary>Parses and runs; bad arguments print one line on stderr and return 2.</summary>
    public static async Task<int> RunAsync(string[] args, Func<LoadOptions, CancellationToken, Task<int>> run, CancellationToken ct)
    {
        var root = Create(run);
        var parse = root.Parse(args);
        var wantsHelp = args.Any(a => a is "--help" or "-h" or "-?");
        if (parse.Errors.Count > 0 && !wantsHelp)
        {
            Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
            return ExitCodes.Usage;
        }
        try
        {
            // Signals are handled by Program (results must be written first), not by System.CommandLine.
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    /// <summary>Turns parsed values into validated options; throws <see cref="UsageException"/>.</summary>
    public static LoadOptions Bind(ParseResult parse, string[] commandLine)
    {
        var quick = parse.GetValue(Quick);
        var findMax = parse.GetValue(FindMax);
        var arms = LoadOptions.ParseArms(parse.GetValue(Arms)!, parse.GetValue(Alg)!, parse.GetValue(Claims)!);
        if (parse.GetValue(Fanout) is { } fanout)
        {
            if (parse.GetValue(Target) is not null)
            {
                throw new UsageException("--fanout starts its own chains of API processes, so it cannot be combined with --target");
            }
            arms = FanoutSpec.Expand(arms, FanoutSpec.ParseCounts(fanout), FanoutSpec.ParseModes(parse.GetValue(FanoutModeOption)!));
        }
        else if (parse.GetResult(FanoutModeOption) is { Implicit: false })
        {
            throw new UsageException("--fanout-mode needs --fanout (e.g. --fanout 1,2,4)");
        }
        var endpoint = parse.GetValue(Endpoint)!.Trim();
        if (!endpoint.StartsWith('/') || endpoint.Any(c => c <= ' ' || c > '~'))
        {
            throw new UsageException($"--endpoint '{endpoint}' must be a path starting with / (printable ASCII, no spaces)");
        }
        // --quick: one light rate unless rates are given, so that every arm is smoke-tested in well under 2 minutes.
        var rates = LoadOptions.ParseRates(quick && parse.GetResult(Rates) is null or { Implicit: true } ? "300" : parse.GetValue(Rates)!);
        var duration = parse.GetValue(Duration) is { } d ? LoadOptions.ParseDuration(d, "--duration") : quick ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(30);
        var warmup = parse.GetValue(Warmup) is { } w ? LoadOptions.ParseDuration(w, "--warmup") : quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
        if (duration < TimeSpan.FromSeconds(1))
        {
            throw new UsageException("--duration must be at least 1s");
        }
        var repeat = parse.GetValue(Repeat) ?? (quick ? 1 : 3);
        if (repeat is < 1 or > 100)
        {
            throw new UsageException($"--repeat must be between 1 and 100, got {repeat}");
        }
        var order = RunPlan.ParseOrder(parse.GetValue(Order)!);
        var seed = parse.GetValue(Seed) is { } seedText
            ? int.TryParse(seedText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var s0) ? s0
                : throw new UsageException($"--seed '{seedText}': use a whole number from 0 to 2147483647")
            : Random.Shared.Next();
        var spinLimit = LoadOptions.ParseSpinLimit(parse.GetValue(SpinLimit)!);
        var timerSlack = LoadOptions.ParseTimerSlack(parse.GetValue(TimerSlack)!);
        var realtimePacing = parse.GetValue(Pacing)!.Trim().ToLowerInvariant() switch
        {
            "fifo" => true,
            "fair" => false,
            var other => throw new UsageException($"--pacing '{other}': use fifo or fair"),
        };
        IReadOnlyList<TimeSpan> slo = parse.GetValue(Slo) is { } sloText ? LoadOptions.ParseSlo(sloText) : [];
        var sloSteps = parse.GetValue(SloSteps) ?? 3;
        if (sloSteps is < 1 or > 8)
        {
            throw new UsageException($"--slo-steps must be between 1 and 8, got {sloSteps}");
        }
        if (slo.Count > 0 && (findMax || parse.GetValue(Soak) is not null || parse.GetValue(Fault) is not null || parse.GetResult(Rates) is { Implicit: false }))
        {
            throw new UsageException("--slo searches its own rates: it cannot be combined with --rates, --find-max, --soak or --fault");
        }
        if (parse.GetResult(SloSteps) is { Implicit: false } && slo.Count == 0)
        {
            throw new UsageException("--slo-steps needs --slo");
        }
        var users = parse.GetValue(Users) ?? (quick ? 200 : 10_000);
        if (users is < 1 or > 1_000_000)
        {
            throw new UsageException($"--users must be between 1 and 1000000, got {users}");
        }
        var connections = parse.GetValue(Connections) ?? (quick ? 16 : 64);
        if (connections is < 1 or > 10_000)
        {
            throw new UsageException($"--connections must be between 1 and 10000, got {connections}");
        }
        var httpList = LoadOptions.ParseHttpList(parse.GetValue(Http)!);
        var http = httpList[0];
        var usersPerConnectionList = LoadOptions.ParseUsersPerConnectionList(parse.GetValue(UsersPerConnection)!);
        var usersPerConnection = usersPerConnectionList[0];
        var maxInFlight = parse.GetValue(MaxInFlight);
        if (maxInFlight < connections)
        {
            throw new UsageException($"--max-in-flight ({maxInFlight}) must be at least --connections ({connections})");
        }
        var loginParallelism = parse.GetValue(LoginParallelism);
        if (loginParallelism is < 1 or > 256)
        {
            throw new UsageException($"--login-parallelism must be between 1 and 256, got {loginParallelism}");
        }
        Uri? target = null;
        if (parse.GetValue(Target) is { } t)
        {
            if (!Uri.TryCreate(t, UriKind.Absolute, out target) || target.Scheme != Uri.UriSchemeHttp || target.AbsolutePath != "/")
            {
                throw new UsageException($"--target '{t}' must be an http:// base URL such as http://127.0.0.1:5080 (HTTPS is not supported by the engine)");
            }
            if (arms.Count != 1)
            {
                throw new UsageException("--target drives one running API: name its arm with --arms (e.g. --arms jwt --alg ES256)");
            }
        }
        if (target is not null && httpList.Any(Engine.Http2.HttpWires.IsHttp2))
        {
            throw new UsageException("--http 2-*: HTTP/2 needs the API's h2c listener, which AuthBench starts; it cannot be combined with --target yet");
        }
        if (target is not null && spinLimit is not null)
        {
            throw new UsageException("--spin-limit cannot be combined with --target: the API's environment is not ours to set");
        }
        var isolation = Isolation.Resolve(parse.GetValue(ApiCpus), parse.GetValue(LoadgenCpus), target is not null, CpuSet.ReadOnline());
        var store = parse.GetValue(Store)!.Trim();
        try
        {
            _ = StoreOptions.Parse(store);
        }
        catch (StoreConfigurationException e)
        {
            throw new UsageException($"--store: {e.Message}");
        }
        var fault = parse.GetValue(Fault) is { } f ? FaultSpec.Parse(f) : null;
        if (fault is not null)
        {
            if (findMax)
            {
                throw new UsageException("--fault runs with --rates (open loop), not with --find-max");
            }
            if (target is not null)
            {
                throw new UsageException("--fault needs a store that AuthBench starts, so it cannot be combined with --target");
            }
            if (fault.Start + fault.Length >= duration)
            {
                throw new UsageException($"--fault {fault} must end inside each trial: make --duration longer than {Durations.Format(fault.Start + fault.Length)}");
            }
        }
        var window = parse.GetValue(Window) is { } wt ? WindowSpec.Parse(wt) : null;
        TimeSpan? tokenLifetime = parse.GetValue(TokenLifetime) is { } tl ? LoadOptions.ParseDuration(tl, "--token-lifetime") : null;
        if (tokenLifetime is { } lifetime && (lifetime < TimeSpan.FromSeconds(1) || lifetime > TimeSpan.FromHours(24) || lifetime.TotalSeconds % 1 != 0))
        {
            throw new UsageException($"--token-lifetime must be whole seconds from 1s to 24h, got '{parse.GetValue(TokenLifetime)}'");
        }
        if (window is not null)
        {
            if (findMax || slo.Count > 0 || parse.GetValue(Soak) is not null)
            {
                throw new UsageException("--window runs at fixed --rates (open loop): it cannot be combined with --find-max, --slo or --soak");
            }
            if (fault is not null)
            {
                throw new UsageException("--window and --fault are separate scenarios: run them in separate runs");
            }
            if (target is not null)
            {
                throw new UsageException("--window needs the APIs' admin key, so it runs on APIs this tool starts, not with --target");
            }
            if (window.Start >= duration)
            {
                throw new UsageException($"--window {window} must start inside each trial: make --duration longer than {Durations.Format(window.Start)}");
            }
            if (window.Users > users)
            {
                throw new UsageException($"--window {window} needs at least {window.Users} users: raise --users (now {users})");
            }
        }
        TimeSpan? soak = parse.GetValue(Soak) is { } s ? LoadOptions.ParseDuration(s, "--soak") : null;
        if (soak is not null)
        {
            if (findMax || rates.Count != 1)
            {
                throw new UsageException("--soak runs at one rate: give exactly one --rates value (about 70% of the arm's saturation rate)");
            }
            if (soak < TimeSpan.FromMinutes(2))
            {
                throw new UsageException("--soak must be at least 2m (it compares the first and the last minute)");
            }
        }
        var refreshOnly = parse.GetValue(RefreshOnly);
        if (refreshOnly)
        {
            if (arms.FirstOrDefault(a => a.Arm.Lifecycle is not CredentialLifecycle.RefreshedThroughStore) is { } other)
            {
                throw new UsageException($"--refresh-only drives POST {Clients.RefreshTokenCredentialSource.RefreshPath}: {other.Label} has no refresh endpoint "
                    + $"(use --arms {string.Join(',', ArmCatalogue.All.Where(a => a.Lifecycle is CredentialLifecycle.RefreshedThroughStore).Select(a => a.Name))})");
            }
            if (slo.Count > 0 || soak is not null || fault is not null)
            {
                throw new UsageException("--refresh-only runs with --rates or --find-max: it cannot be combined with --slo, --soak or --fault");
            }
            if (parse.GetResult(Endpoint) is { Implicit: false } && endpoint != Clients.RefreshTokenCredentialSource.RefreshPath)
            {
                throw new UsageException($"--refresh-only asks for {Clients.RefreshTokenCredentialSource.RefreshPath}: leave --endpoint out");
            }
            endpoint = Clients.RefreshTokenCredentialSource.RefreshPath;
        }
        IReadOnlyList<TimeSpan> storeRtt = parse.GetValue(StoreRtt) is { } rttText ? LoadOptions.ParseStoreRtt(rttText) : [];
        if (storeRtt.Count > 0)
        {
            if (target is not null)
            {
                throw new UsageException("--store-rtt relays the connection of an API that AuthBench starts: it cannot be combined with --target");
            }
            if (slo.Count > 0)
            {
                throw new UsageException("--store-rtt cannot be combined with --slo (run one search per round trip)");
            }
            if (!arms.Any(a => a.NeedsStore))
            {
                throw new UsageException("--store-rtt needs an arm that uses the store: " + string.Join(", ", ArmCatalogue.All.Where(a => a.UsesStore).Select(a => a.Name)));
            }
        }
        if ((httpList.Count > 1 || usersPerConnectionList.Count > 1) && (slo.Count > 0 || soak is not null))
        {
            throw new UsageException("--http or --users-per-connection with several values runs fixed rates or --find-max: it cannot be combined with --slo or --soak (one run per wire)");
        }
        IReadOnlyList<int> storeConnections = parse.GetValue(StoreConnections) is { } scText ? LoadOptions.ParseStoreConnections(scText) : [];
        if (storeConnections.Count > 0)
        {
            if (target is not null)
            {
                throw new UsageException("--store-connections is passed to the APIs that AuthBench starts: it cannot be combined with --target");
            }
            if (slo.Count > 0 || soak is not null)
            {
                throw new UsageException("--store-connections cannot be combined with --slo or --soak (run one per count)");
            }
            if (!arms.Any(a => a.NeedsStore))
            {
                throw new UsageException("--store-connections needs an arm that uses the store: " + string.Join(", ", ArmCatalogue.All.Where(a => a.UsesStore).Select(a => a.Name)));
            }
        }
        if (usersPerConnectionList.Any(u => u is not null) && (window is not null || refreshOnly))
        {
            // Both follow one user's requests by their number; --users-per-connection renumbers them per connection.
            throw new UsageException($"--users-per-connection cannot be combined with {(window is not null ? "--window" : "--refresh-only")}");
        }
        IReadOnlyList<int> instances = parse.GetValue(Instances) is { } instancesText ? LoadOptions.ParseInstances(instancesText) : [];
        var balancer = BalancerKinds.Parse(parse.GetValue(BalancerOption)!);
        if (instances.Count > 0)
        {
            // Each of these drives or restarts one API (or chain) of its own; none is built for a fleet behind a balancer.
            var clash = target is not null ? "--target" : fault is not null ? "--fault" : window is not null ? "--window" : parse.GetValue(Fanout) is not null ? "--fanout"
                : refreshOnly ? "--refresh-only" : slo.Count > 0 ? "--slo" : httpList.Any(h => h != Engine.Http2.HttpWire.Http11) ? "--http 2-*"
                : usersPerConnectionList.Count > 1 ? "a --users-per-connection list" : null;
            if (clash is not null)
            {
                throw new UsageException($"--instances cannot be combined with {clash}: run the API servers behind the balancer without it");
            }
            switch (balancer)
            {
                case BalancerKind.Haproxy:
                    _ = BalancerKinds.LocateHaproxy(Environment.GetEnvironmentVariable("PATH"));
                    break;
            }
        }
        else if (parse.GetResult(BalancerOption) is { Implicit: false })
        {
            throw new UsageException("--balancer needs --instances (e.g. --instances 1,2,4)");
        }
        Uri? metricsUrl = null;
        if (parse.GetValue(MetricsUrl) is { } mu)
        {
            if (target is null)
            {
                throw new UsageException("--metrics-url reads a --target's metrics endpoint; the APIs this tool starts are read from /proc (--api-metrics on gives them the endpoint)");
            }
            if (!Uri.TryCreate(mu, UriKind.Absolute, out metricsUrl) || metricsUrl.Scheme != Uri.UriSchemeHttp)
            {
                throw new UsageException($"--metrics-url '{mu}' must be an http:// URL such as http://127.0.0.1:5080/metrics");
            }
        }
        else if (target is not null)
        {
            metricsUrl = LoadOptions.DefaultMetricsUrl(target);
        }
        var apiMetricsText = parse.GetValue(ApiMetrics);
        if (apiMetricsText is not null)
        {
            if (target is not null)
            {
                throw new UsageException("--api-metrics starts the APIs with their metrics endpoint: with --target, start the API with --metrics on yourself");
            }
            var switches = LoadOptions.ParseApiMetrics(apiMetricsText);
            arms = [.. arms.SelectMany(a => switches.Select(on => a with { Metrics = on }))];
        }
        var outDir = parse.GetValue(Out) ?? Path.Combine("results", "load", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        return new LoadOptions
        {
            Arms = arms,
            Endpoint = endpoint,
            Rates = rates,
            FindMax = findMax,
            Connections = connections,
            Http = http,
            UsersPerConnection = usersPerConnection,
            HttpList = httpList,
            UsersPerConnectionList = usersPerConnectionList,
            MaxInFlight = maxInFlight,
            Duration = duration,
            Warmup = warmup,
            Repeat = repeat,
            Order = order,
            Seed = seed,
            Isolation = isolation,
            SpinLimit = spinLimit,
            TimerSlackNs = timerSlack,
            RealtimePacing = realtimePacing,
            SloP99 = slo,
            SloSteps = sloSteps,
            Users = users,
            Store = store,
            Target = target,
            OutputDirectory = Path.GetFullPath(outDir),
            Quick = quick,
            RefreshOnly = refreshOnly,
            Fault = fault,
            Window = window,
            TokenLifetime = tokenLifetime,
            AdminKey = window is null ? null : Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            Soak = soak,
            ApiPath = parse.GetValue(Api),
            LoginParallelism = loginParallelism,
            StoreRtt = storeRtt,
            Instances = instances,
            Balancer = balancer,
            MetricsUrl = metricsUrl,
            ApiMetrics = apiMetricsText,
            StoreConnections = storeConnections,
            CommandLine = string.Join(' ', commandLine.Select(Quote)),
        };
    }

    internal static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@+".Contains(c)) ? arg : $"'{arg.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
