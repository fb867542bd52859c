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

// The token arms' cookie transport variant: the same contract, the token in the __Host-jwt cookie.

public sealed class JwtCookieHs256ContractTests(JwtCookieHs256ContractTests.Api fixture) : ArmContractTests<JwtCookieHs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.Jwt.InTransport(CredentialTransport.Cookie), "HS256");
}

public sealed class JwtCookieEs256ContractTests(JwtCookieEs256ContractTests.Api fixture) : ArmContractTests<JwtCookieEs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.Jwt.InTransport(CredentialTransport.Cookie), "ES256");
}

public sealed class JwtDenylistCookieHs256ContractTests(JwtDenylistCookieHs256ContractTests.Api fixture)
    : ArmContractTests<JwtDenylistCookieHs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.JwtDenylist.InTransport(CredentialTransport.Cookie), "HS256");
}

public sealed class HybridHs256ContractTests(HybridHs256ContractTests.Api fixture) : ArmContractTests<HybridHs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.Hybrid, "HS256");
}

public sealed class HybridEs256ContractTests(HybridEs256ContractTests.Api fixture) : ArmContractTests<HybridEs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.Hybrid, "ES256");
}

public sealed class AspNetCookieContractTests(AspNetCookieContractTests.Api fixture) : ArmContractTests<AspNetCookieContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.AspNetCookie);
}

public sealed class AspNetCookieStoreContractTests(AspNetCookieStoreContractTests.Api fixture)
    : ArmContractTests<AspNetCookieStoreContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.AspNetCookieStore);
}

public sealed class JwtDenylistCachedHs256ContractTests(JwtDenylistCachedHs256ContractTests.Api fixture)
    : ArmContractTests<JwtDenylistCachedHs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.JwtDenylistCached, "HS256");
}

public sealed class JwtDenylistCachedCookieHs256ContractTests(JwtDenylistCachedCookieHs256ContractTests.Api fixture)
    : ArmContractTests<JwtDenylistCachedCookieHs256ContractTests.Api>(fixture)
{
    public sealed class Api() : ArmFixture(ArmCatalogue.JwtDenylistCached.InTransport(CredentialTransport.Cookie), "HS256");
}
