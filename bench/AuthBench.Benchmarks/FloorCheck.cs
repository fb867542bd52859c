using System.Diagnostics;
using System.Globalization;
using AuthBench.Core;
using Microsoft.IdentityModel.Tokens;

namespace AuthBench.Benchmarks;

/// <summary>
/// <c>--check-floors</c>: proves each floor cheaper than what it is the floor of, on a noisy machine too. Unlike
/// separate BenchmarkDotNet processes, which a busy neighbour can slow down one at a time, it alternates short
/// batches of the floor and the measured operation in one process, so drift hits both sides alike, and compares the
/// fastest batch of each side: on a machine where neighbours preempt us, the least disturbed batch is the closest to
/// the intrinsic cost (the medians are printed too). A sanity check, not a measurement: the tables come from
/// BenchmarkDotNet.
/// </summary>
public static class FloorCheck
{
    private const int Rounds = 61;
    private static readonly TimeSpan BatchTarget = TimeSpan.FromMilliseconds(1);

    public static async Task<bool> RunAsync(string? redisConnectionString, Action<string> log)
    {
        var ok = true;
        foreach (var alg in Enum.GetValues<JwtAlgorithm>())
        {
            foreach (var profile in Enum.GetValues<ClaimProfile>())
            {
                using var ring = await TokenRing.CreateAsync(alg, profile);
                using var floor = new SignatureFloor(ring.Keys);
                var handler = JwtTokens.CreateHandler();
                var parameters = JwtTokens.CreateValidationParameters(ring.Keys);
                ok &= await CompareAsync($"JwtValidation {alg} {profile.ToName()}: Floor_SignatureVerify < JsonWebTokenHandler",
                    i => Task.FromResult(floor.Verify(ring.SigningInputs[i], ring.Signatures[i])),
                    async i => (await handler.ValidateTokenAsync(ring.Tokens[i], parameters)).IsValid,
                    log);
            }
        }
        if (redisConnectionString is null)
        {
            log("floors: no store, session floors not checked");
            return ok;
        }
        await using var lease = await StoreLease.OpenAsync();
        var db = lease.Multiplexer.GetDatabase();
        var sessions = new RedisSessionStore(lease.Multiplexer);
        foreach (var profile in Enum.GetValues<ClaimProfile>())
        {
            var ring = await SessionRing.CreateAsync(sessions, profile);
            ok &= await CompareAsync($"SessionLookup {profile.ToName()}: Floor_PingAsync < SessionStore_GetAsync",
                async _ => await db.PingAsync() > TimeSpan.Zero,
                async i => await sessions.GetAsync(ring.Ids[i]) is not null,
                log);
            ok &= await CompareAsync($"SessionLookup {profile.ToName()}: PingSync < SessionStore_Get",
                _ => Task.FromResult(db.Ping() > TimeSpan.Zero),
                i => Task.FromResult(sessions.Get(ring.Ids[i]) is not null),
                log);
            await ring.DeleteAsync(db);
        }
        return ok;
    }

    private static async Task<bool> CompareAsync(string what, Func<int, Task<bool>> floor, Func<int, Task<bool>> measured, Action<string> log)
    {
        var batch = await CalibrateAsync(measured);
        var floorTimes = new List<double>(Rounds);
        var measuredTimes = new List<double>(Rounds);
        var next = 0;
        for (var round = 0; round < Rounds + 2; round++)
        {
            var f = await TimeBatchAsync(floor, batch, next);
            var m = await TimeBatchAsync(measured, batch, next);
            next = (next + batch) & Ring.Mask;
            if (round >= 2) // the first rounds warm up both sides
            {
                floorTimes.Add(f);
                measuredTimes.Add(m);
            }
        }
        var floorBest = floorTimes.Min();
        var measuredBest = measuredTimes.Min();
        var pass = floorBest < measuredBest;
        log(string.Create(CultureInfo.InvariantCulture,
            $"{(pass ? "PASS" : "FAIL")} {what}: {floorBest:0} ns vs {measuredBest:0} ns per op, ratio {measuredBest / floorBest:0.00} (fastest of {Rounds} alternating batches of {batch}; medians {Median(floorTimes):0} vs {Median(measuredTimes):0} ns)"));
        return pass;
    }

    private static async Task<int> CalibrateAsync(Func<int, Task<bool>> op)
    {
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.Elapsed < TimeSpan.FromMilliseconds(20))
        {
            await op(n & Ring.Mask);
            n++;
        }
        return Math.Max(1, (int)(n * BatchTarget.TotalMilliseconds / clock.Elapsed.TotalMilliseconds));
    }

    private static async Task<double> TimeBatchAsync(Func<int, Task<bool>> op, int batch, int start)
    {
        var begin = Stopwatch.GetTimestamp();
        for (var k = 0; k < batch; k++)
        {
            if (!await op((start + k) & Ring.Mask))
            {
                throw new InvalidOperationException("an operation under check failed (a token or session was rejected)");
            }
        }
        return Stopwatch.GetElapsedTime(begin).TotalNanoseconds / batch;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
