using AuthBench.Api.Arms;
using AuthBench.Contracts.Arms;
using Microsoft.AspNetCore.Http;

namespace AuthBench.Api.Tests;

/// <summary>Where each run of the catalogue is guarded against cross-origin requests: wherever a cookie of the run goes, and nowhere else.</summary>
public sealed class CrossOriginGuardTests
{
    public static TheoryData<string> Runs() => [.. ArmCatalogue.Runs.Select(r => r.RunName)];

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_run_is_guarded_on_every_path_its_cookies_reach_and_only_there(string runName)
    {
        var run = ArmCatalogue.FindRun(runName)!;

        var guarded = CrossOriginGuard.GuardedPath(run);

        if (run.Transport is CredentialTransport.Cookie)
        {
            Assert.Equal(PathString.Empty, guarded);
        }
        else if (run.Lifecycle is CredentialLifecycle.RefreshedThroughStore)
        {
            Assert.Equal(new PathString("/auth"), guarded);
            Assert.True(new PathString("/auth/refresh").StartsWithSegments(guarded!.Value));
            Assert.False(new PathString("/api/me").StartsWithSegments(guarded!.Value));
        }
        else
        {
            Assert.Null(guarded);
        }
    }
}
