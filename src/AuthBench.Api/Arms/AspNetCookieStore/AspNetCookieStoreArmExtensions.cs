using AuthBench.Contracts.Arms;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthBench.Api.Arms.AspNetCookieStore;

/// <summary>The aspnet-cookie-store arm's registration, in the shape of ASP.NET Core's <c>CookieExtensions.AddCookie</c>.</summary>
public static class AspNetCookieStoreArmExtensions
{
    /// <summary>Registers the aspnet-cookie-store arm under its catalogue name.</summary>
    public static AuthenticationBuilder AddAspNetCookieStoreArm(this AuthenticationBuilder builder) =>
        builder.AddAspNetCookieStoreArm(ArmCatalogue.AspNetCookieStore.Name);

    /// <summary>
    /// Registers the cookie handler under <paramref name="authenticationScheme"/> exactly as <c>AddCookie</c> does
    /// (its post-configuration, which builds the ticket format from Data Protection, and its validation), with the
    /// fail-closed subclass as handler and <see cref="RedisTicketStore"/> as <see cref="CookieAuthenticationOptions.SessionStore"/>.
    /// </summary>
    public static AuthenticationBuilder AddAspNetCookieStoreArm(this AuthenticationBuilder builder, string authenticationScheme)
    {
        builder.Services.AddTicketKeyRing();
        builder.Services.TryAddSingleton(sp => new RedisTicketStore(
            sp.GetRequiredService<StoreConnection>().Databases, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddKeyedSingleton<ICredentialIssuer>(ArmCatalogue.AspNetCookieStore.Id, (sp, _) => new AspNetCookieStoreCredentialIssuer(
            sp.GetRequiredService<RedisTicketStore>(), sp.GetRequiredService<AuthBenchOptions>(), sp.GetRequiredService<IServiceScopeFactory>(), authenticationScheme));
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IPostConfigureOptions<CookieAuthenticationOptions>, PostConfigureCookieAuthenticationOptions>());
        builder.Services.AddOptions<CookieAuthenticationOptions>(authenticationScheme)
            .Validate(o => o.Cookie.Expiration == null, "Cookie.Expiration is ignored, use ExpireTimeSpan instead.")
            // Through the provider: a dependency of Configure<T> is resolved whenever any cookie scheme's options
            // are built, and the store connection exists only for an arm that needs it.
            .Configure<IServiceProvider>((cookie, sp) => cookie.SessionStore = sp.GetRequiredService<RedisTicketStore>());
        return builder.AddScheme<CookieAuthenticationOptions, TicketStoreCookieHandler>(
            authenticationScheme, null, cookie => StockCookies.Configure(cookie, ArmCatalogue.AspNetCookieStoreName));
    }
}
