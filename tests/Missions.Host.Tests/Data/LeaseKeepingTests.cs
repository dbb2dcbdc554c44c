using Microsoft.Extensions.Time.Testing;
using Missions.Host.Data;

namespace Missions.Host.Tests.Data;

/// <summary>
/// How a host keeps a claim (the inbox's turns, the runs): renewed a third of the way into each lease while the work
/// runs, on a clock the test moves; a renewal that fails is reported and tried again; a claim found gone ends it.
/// </summary>
public sealed class LeaseKeepingTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(9);

    /// <summary>A clock the test moves that counts the timers set on it: the keeper waits on one between renewals.</summary>
    private sealed class CountingClock() : FakeTimeProvider(new DateTimeOffset(2031, 3, 3, 9, 0, 0, TimeSpan.Zero))
    {
        private int timers;

        public int Timers => Volatile.Read(ref timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    private static async Task UntilAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(5);
        }
    }

    /// <summary>Once the keeper waits on its <paramref name="timer"/>th timer, moves the clock a third of a lease on.</summary>
    private static async Task NextThirdAsync(CountingClock clock, int timer)
    {
        await UntilAsync(() => clock.Timers == timer, $"the keeper's timer {timer}");
        clock.Advance(Lease / 3);
    }

    [Fact]
    public async Task A_claim_is_renewed_a_third_of_the_way_into_each_lease_a_failure_is_tried_again_and_a_lost_claim_ends_it()
    {
        var clock = new CountingClock();
        var started = clock.GetUtcNow();
        var renewals = new List<DateTimeOffset>();
        var failures = new List<Exception>();
        var lost = 0;
        using var stop = new CancellationTokenSource();
        var keeping = Leases.KeepAsync(Lease, clock, _ =>
        {
            lock (renewals)
            {
                renewals.Add(clock.GetUtcNow());
                return renewals.Count switch
                {
                    2 => throw new TimeoutException("the database is away for a moment"),
                    5 => Task.FromResult(false), // another host holds it now
                    _ => Task.FromResult(true),
                };
            }
        }, () => lost++, e => failures.Add(e), stop.Token);

        for (var renewal = 1; renewal <= 5; renewal++)
        {
            await NextThirdAsync(clock, renewal);
            await UntilAsync(() => { lock (renewals) { return renewals.Count == renewal; } }, $"renewal {renewal}");
        }

        await keeping; // the claim was found gone: it ends by itself

        // Every renewal came a third of a lease after the one before, long before the lease would run out, the failed
        // one's too (it was reported, and tried again at the next third); the lost claim was said once.
        var gaps = renewals.Zip(renewals.Prepend(started), (at, before) => at - before).ToList();
        Assert.Equal(Enumerable.Repeat(Lease / 3, 5), gaps);
        Assert.IsType<TimeoutException>(Assert.Single(failures));
        Assert.Equal(1, lost);
        Assert.Equal(5, clock.Timers); // no timer was set after the claim was found gone
    }

    [Fact]
    public async Task When_the_work_ends_the_claim_is_no_longer_renewed_and_not_called_lost()
    {
        var clock = new CountingClock();
        var renewals = 0;
        var lost = 0;
        using var stop = new CancellationTokenSource();
        var keeping = Leases.KeepAsync(Lease, clock, _ => Task.FromResult(Interlocked.Increment(ref renewals) > 0), () => lost++, _ => { }, stop.Token);
        for (var renewal = 1; renewal <= 2; renewal++)
        {
            await NextThirdAsync(clock, renewal);
            await UntilAsync(() => Volatile.Read(ref renewals) == renewal, $"renewal {renewal}");
        }

        await stop.CancelAsync();
        await keeping; // ends at once, waiting on no clock
        Assert.Equal((2, 0), (renewals, lost));
    }
}
