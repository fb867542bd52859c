using System.Globalization;
using AuthBench.Common;

namespace AuthBench.LoadTest.Plan;

/// <summary>Which window a trial measures.</summary>
public enum WindowKind
{
    /// <summary>K users revoked at T (half by their own logout, half by the admin revoke); their requests keep the credential they held at T.</summary>
    Revocation,
    /// <summary>K users' plan changed at T; <c>GET /api/me</c> probed until it shows the new plan.</summary>
    Staleness,
}

/// <summary>
/// The window scenario of every recorded trial: <c>revocation@3s:8</c> revokes 8 users 3 s after the trial's origin;
/// <c>staleness@3s</c> (or <c>staleness@3s:2</c>) changes 1 (2) users' plan then.
/// </summary>
public sealed record WindowSpec(WindowKind Kind, TimeSpan Start, int Users)
{
    public const int MaxRevokedUsers = 1000;

    /// <summary>Each changed user is probed every <see cref="ProbeInterval"/>: a few users, not hundreds.</summary>
    public const int MaxStaleUsers = 16;

    /// <summary>The staleness probe's period: one <c>GET /api/me</c> per changed user (the window's resolution).</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>The API's token lifetime when --window is given and --token-lifetime is not: short, so that a 30 s trial shows a JWT's acceptance ending at its expiry.</summary>
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(20);

    public static string Name(WindowKind kind) => kind switch
    {
        WindowKind.Revocation => "revocation",
        WindowKind.Staleness => "staleness",
    };

    private const string Usage = "--window: use revocation@<T>:<K> (K users revoked T into each trial, e.g. revocation@3s:8) or staleness@<T>[:<K>] (e.g. staleness@3s)";

    public static WindowSpec Parse(string text)
    {
        var t = text.Trim();
        var at = t.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            throw new UsageException($"{Usage}; got '{text}'");
        }
        var kind = t[..at].ToLowerInvariant() switch
        {
            "revocation" => WindowKind.Revocation,
            "staleness" => WindowKind.Staleness,
            _ => throw new UsageException($"{Usage}; got '{text}'"),
        };
        var parts = t[(at + 1)..].Split(':');
        if (parts.Length > 2 || (kind == WindowKind.Revocation && parts.Length != 2))
        {
            throw new UsageException($"{Usage}; got '{text}'");
        }
        var start = LoadOptions.ParseDuration(parts[0], "--window start");
        if (start <= TimeSpan.Zero)
        {
            throw new UsageException($"--window '{text}': the start must be after the trial's origin (e.g. 3s)");
        }
        var max = kind == WindowKind.Revocation ? MaxRevokedUsers : MaxStaleUsers;
        var min = kind == WindowKind.Revocation ? 2 : 1;
        var users = 1;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out users) || users < min || users > max))
        {
            throw new UsageException($"--window '{text}': the number of users must be a whole number from {min} to {max}"
                + (kind == WindowKind.Revocation ? " (half are revoked by logout, half by the admin revoke)" : ""));
        }
        return new WindowSpec(kind, start, users);
    }

    /// <summary>Users revoked by their own logout; the rest (<see cref="Users"/> minus these) by the admin revoke.</summary>
    public int LogoutUsers => Kind == WindowKind.Revocation ? (Users + 1) / 2 : 0;

    public override string ToString() => Kind == WindowKind.Revocation || Users != 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Name(Kind)}@{Durations.Format(Start)}:{Users}")
        : $"{Name(Kind)}@{Durations.Format(Start)}";
}
