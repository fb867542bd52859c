using AuthBench.Contracts.Arms;
using Microsoft.AspNetCore.Authentication;

namespace AuthBench.Api.Arms.None;

/// <summary>The baseline arm: no handler at all, so the authentication middleware has no default scheme to run.</summary>
public static class NoneArmExtensions
{
    /// <summary>Registers the baseline's issuer (login checks the password and hands out nothing); no authentication scheme.</summary>
    public static AuthenticationBuilder AddNoneArm(this AuthenticationBuilder builder)
    {
        builder.Services.AddKeyedSingleton<ICredentialIssuer, NoCredentialIssuer>(ArmCatalogue.None.Id);
        return builder;
    }
}
