using AuthBench.Contracts.Arms;

namespace AuthBench.Api.Tests;

// Every arm's contract (ArmContractTests): one subclass per arm and algorithm, its fixture nested in it.

public sealed class NoneContractTests(NoneContractTests.Api fixture) : ArmContractTests<NoneContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.None);
}

public sealed class SessionContractTests(SessionContractTests.Api fixture) : ArmContractTests<SessionContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.Session);
}

public sealed class SessionCachedContractTests(SessionCachedContractTests.Api fixture) : ArmContractTests<SessionCachedContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.SessionCached);
}

public sealed class JwtHs256ContractTests(JwtHs256ContractTests.Api fixture) : ArmContractTests<JwtHs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.Jwt, "HS256");
}

public sealed class JwtEs256ContractTests(JwtEs256ContractTests.Api fixture) : ArmContractTests<JwtEs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.Jwt, "ES256");
}

public sealed class JwtDenylistHs256ContractTests(JwtDenylistHs256ContractTests.Api fixture)
    : ArmContractTests<JwtDenylistHs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.JwtDenylist, "HS256");
}

public sealed class JwtDenylistEs256ContractTests(JwtDenylistEs256ContractTests.Api fixture)
    : ArmContractTests<JwtDenylistEs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.JwtDenylist, "ES256");
}

public sealed class JwtDenylistCachedHs256ContractTests(JwtDenylistCachedHs256ContractTests.Api fixture)
    : ArmContractTests<JwtDenylistCachedHs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.JwtDenylistCached, "HS256");
}
