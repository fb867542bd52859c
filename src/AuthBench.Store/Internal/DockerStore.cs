using AuthBench.Common;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

using Testcontainers.Redis;

namespace AuthBench.Store.Internal;

/// <summary>
/// Redis in a container through Testcontainers.
/// Port-mapped (default): Testcontainers.Redis, the host port bound to 127.0.0.1 — what users of
/// Docker Desktop and CI runners expect. It needs the daemon's bridge network, so it cannot work
/// against a daemon started with --bridge=none (as scripts/ci-docker.sh does, to keep test traffic
/// on loopback); there the host-network variant is used.
/// Host network: redis-server binds 127.0.0.1:&lt;free port&gt; in the host's network namespace.
/// </summary>
internal sealed class DockerStore : IProvisionedStore
{
    private const int PortAttempts = 3;
    private const string ReadyLine = "Ready to accept connections";
    private readonly IContainer _container;
    private readonly bool _hostNetwork;
    private readonly string _image;
    private readonly Lock _owner = new();
    private string _endpoint = "";
    private string _version = "unknown";
    private bool _disposed;

    private readonly TimeSpan _startTimeout;

    private DockerStore(IContainer container, bool hostNetwork, string image, string password, TimeSpan startTimeout)
    {
        _container = container;
        _hostNetwork = hostNetwork;
        _image = image;
        Password = password;
        _startTimeout = startTimeout;
    }

    public StoreKind Kind => StoreKind.Docker;

    public string Version => _version;

    public string Topology => "standalone";

    public string Endpoint => _endpoint;

    public string ConnectionString => $"{_endpoint},password={Password},allowAdmin=true";

    public int? ProcessId => null;

    /// <summary>Host networking keeps the port across a restart; a port mapping may not.</summary>
    public bool CanRestart => _hostNetwork;

    private string Password { get; }

    public static async Task<DockerStore> StartNewAsync(StoreOptions options, Action<string>? log, CancellationToken ct)
    {
        var password = Secrets.NewPassword();
        for (var attempt = 1; ; attempt++)
        {
            var port = options.DockerHostNetwork ? LocalPorts.FindFree() : 0;
            var container = options.DockerHostNetwork
                ? BuildHostNetwork(options, port, password)
                : BuildPortMapped(options, password);
            var store = new DockerStore(container, options.DockerHostNetwork, options.DockerImage, password, options.StartTimeout);
            OwnedProcesses.AddCleanup(store, () => container.DisposeAsync().AsTask());
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(options.StartTimeout + TimeSpan.FromSeconds(5));
                await container.StartAsync(timeout.Token).ConfigureAwait(false);
                store._endpoint = options.DockerHostNetwork
                    ? $"127.0.0.1:{port}"
                    : $"{LoopbackName(container.Hostname)}:{container.GetMappedPublicPort(6379)}";
                var identity = await StoreProbe.IdentifyAsync(
                    StackExchange.Redis.ConfigurationOptions.Parse(store.ConnectionString), options.StartTimeout, "docker redis", ct).ConfigureAwait(false);
                store._version = identity.Version;
                log?.Invoke($"docker {options.DockerImage} ({(options.DockerHostNetwork ? "host network" : "port mapped")}) {store._version} on {store._endpoint}");
                return store;
            }
            catch (Exception ex) when (ex is not StoreConfigurationException || attempt < PortAttempts)
            {
                var logs = await TryLogsAsync(container).ConfigureAwait(false);
                await store.DisposeAsync().ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                if (options.DockerHostNetwork && attempt < PortAttempts && logs.Contains("Address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    log?.Invoke($"docker: port {port} was taken meanwhile, trying another");
                    continue;
                }

                var said = StoreConfigurationException.OneLine(logs);
                if (said.Length > 300)
                {
                    said = "..." + said[^300..];
                }

                throw new StoreConfigurationException(
                    $"docker redis ({options.DockerImage}, {(options.DockerHostNetwork ? "host network" : "port mapped")}) did not start: {StoreConfigurationException.OneLine(ex.Message)}{(said.Length > 0 ? $"; container said: {said}" : "")}",
                    ex);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        RequireRestartable("stop");
        await _container.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        RequireRestartable("start");
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _container.StartAsync(cancellationToken).ConfigureAwait(false);
        // The wait strategy reads the container's log, which still holds the first start's ready line: it can return
        // before the restarted server listens. Done means answering, as for the first start and the child processes.
        var deadline = DateTime.UtcNow + _startTimeout;
        while (true)
        {
            try
            {
                await StoreProbe.IdentifyAsync(StackExchange.Redis.ConfigurationOptions.Parse(ConnectionString),
                    TimeSpan.FromSeconds(2), "docker redis", cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StoreConfigurationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task PauseAsync(CancellationToken cancellationToken = default)
    {
        RequireRestartable("pause");
        return _container.PauseAsync(cancellationToken);
    }

    public Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        RequireRestartable("resume");
        return _container.UnpauseAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_owner)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        OwnedProcesses.RemoveCleanup(this);
        await _container.DisposeAsync().ConfigureAwait(false);
    }

    public override string ToString() => ((IProvisionedStore)this).Describe();

    private static IContainer BuildHostNetwork(StoreOptions options, int port, string password) =>
        new ContainerBuilder(options.DockerImage)
            .WithCreateParameterModifier(p => p.HostConfig!.NetworkMode = "host")
            .WithCommand(
                "redis-server",
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--protected-mode", "no",
                "--save", "",
                "--appendonly", "no",
                "--requirepass", password)
            .WithLabel("org.authbench.store", "docker-host")
            // Testcontainers' default wait is an hour; a store that is not up in StartTimeout is broken.
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged(ReadyLine, w => w.WithTimeout(options.StartTimeout)))
            .Build();

    private static RedisContainer BuildPortMapped(StoreOptions options, string password)
    {
        var localDaemon = Environment.GetEnvironmentVariable("DOCKER_HOST") is not { Length: > 0 } host
            || host.StartsWith("unix://", StringComparison.Ordinal)
            || host.StartsWith("npipe://", StringComparison.Ordinal);
        return new RedisBuilder(options.DockerImage)
            .WithCommand("redis-server", "--save", "", "--appendonly", "no", "--requirepass", password)
            // The module's readiness check runs redis-cli ping inside the container; with a password
            // it needs this to authenticate.
            .WithEnvironment("REDISCLI_AUTH", password)
            .WithCreateParameterModifier(p =>
            {
                // Docker publishes on every interface by default; a local store is for this machine only.
                if (localDaemon && p.HostConfig?.PortBindings is { } bindings)
                {
                    foreach (var binding in bindings.Values.SelectMany(b => b))
                    {
                        binding.HostIP = "127.0.0.1";
                    }
                }
            })
            .WithLabel("org.authbench.store", "docker")
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged(ReadyLine, w => w.WithTimeout(options.StartTimeout)))
            .Build();
    }

    private static string LoopbackName(string hostname) =>
        hostname is "localhost" or "::1" ? "127.0.0.1" : hostname;

    private static async Task<string> TryLogsAsync(IContainer container)
    {
        try
        {
            var (stdout, stderr) = await container.GetLogsAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return (stdout + "\n" + stderr).Trim();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return string.Empty;
        }
    }

    private void RequireRestartable(string verb)
    {
        if (!_hostNetwork)
        {
            throw new NotSupportedException($"cannot {verb} a port-mapped docker store: its host port may change; use docker-host");
        }
    }
}
