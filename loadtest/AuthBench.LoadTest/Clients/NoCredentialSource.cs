using AuthBench.Contracts.Arms;

namespace AuthBench.LoadTest.Clients;

/// <summary>The baseline's client: no login, no credential, nothing to renew.</summary>
public sealed class NoCredentialSource(ArmDescriptor arm, TimeProvider time) : ICredentialSource
{
    public ArmDescriptor Arm { get; } = arm;

    public bool NeedsLogin => false;

    public Task<Credential> LoginAsync(HttpClient client, UserLogin user, CancellationToken ct) =>
        Task.FromResult(new Credential(null, time.GetUtcNow(), null));

    public Task<Credential> RenewAsync(HttpClient client, UserLogin user, Credential current, CancellationToken ct) => Task.FromResult(current);
}
