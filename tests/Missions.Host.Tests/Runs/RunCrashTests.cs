using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Runs;

/// <summary>
/// A real host process is killed in the middle of a run and started again: the run is taken up once its lease has
/// run out, finishes exactly once, and the conversation gets one progress card and one review prompt, nothing lost
/// and nothing twice.
/// </summary>
public sealed class RunCrashTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Theory, Sqlite, Postgres]
    public async Task A_host_killed_mid_run_finishes_the_run_exactly_once_after_a_restart(Provider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var settings = database.HostSettings(new Dictionary<string, string>
        {
            // Web chat tokens survive the restart when both processes share the key.
            ["Missions:WebChat:TokenKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Missions:Runs:OfflineStepDelay"] = "00:00:00.700",
            ["Missions:Runs:Lease"] = "00:00:03",
            ["Logging:LogLevel:Default"] = "Warning",
        });

        var first = await HostProcess.StartAsync(settings);
        using (var http = new HttpClient { BaseAddress = first.Address })
        using (var chat = await DirectLineClient.StartAsync(http))
        {
            await chat.SendAsync("can someone pull together a pricing summary for the Q3 deck by Friday?");
            await chat.PollAsync();
            await chat.ClickAsync(chat.LastCard(), "approve");
            await chat.SendAsync("run M-1");
        }

        // Two steps in, the process dies without any chance to clean up.
        var run = await database.WaitForAsync(async db =>
            await db.RunLogEntries.CountAsync(l => l.Text == RunViews.StepStarted) >= 2 ? await db.Runs.AsNoTracking().SingleAsync() : null, "the run to be under way", Within, first);
        Assert.Equal(RunStatus.Running, run.Status);
        await first.KillAsync();
        await using (var db = database.CreateContext())
        {
            var held = await db.Runs.AsNoTracking().SingleAsync();
            Assert.Equal(RunStatus.Running, held.Status);
            Assert.NotNull(held.LeaseOwner); // still claimed by a host that no longer exists
        }

        await using var second = await HostProcess.StartAsync(settings);
        var done = await database.WaitForAsync(async db =>
            await db.Runs.AsNoTracking().SingleAsync() is { Status: RunStatus.Succeeded } r ? r : null, "the run to finish on the second host", Within, second);
        await database.WaitForAsync(async db =>
            await db.OutboxMessages.AnyAsync() && await db.OutboxMessages.AllAsync(o => o.Status == OutboxStatus.Sent) ? (bool?)true : null, "every message to be delivered", Within, second);

        await using (var db = database.CreateContext())
        {
            Assert.Equal(1, await db.Runs.CountAsync());
            Assert.Equal(2, done.Attempt); // the second host's attempt
            Assert.Equal(2, await db.RunLogEntries.CountAsync(l => l.RunId == done.Id && l.Step == "Started"));
            Assert.Equal(1, await db.RunLogEntries.CountAsync(l => l.RunId == done.Id && l.Step == "Finished"));
            Assert.Equal(2, await db.Artifacts.CountAsync(a => a.RunId == done.Id));
            Assert.Equal("Review", (await db.Missions.SingleAsync()).Status.ToString());

            // The transcript: one progress message for the run (updated in place, ending finished), one review prompt.
            var messages = await db.DirectLineActivities.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
            var progress = messages.Where(m => m.Json.Contains("Run \\u00B7 M-1", StringComparison.Ordinal) || m.Json.Contains("Run · M-1", StringComparison.Ordinal)).ToList();
            var reviews = messages.Where(m => m.Json.Contains("Ready for review", StringComparison.Ordinal)).ToList();
            Assert.Single(progress.Select(m => m.ActivityId).Distinct());
            Assert.Single(reviews.Select(m => m.ActivityId).Distinct());
            Assert.Contains("Finished.", progress.Last().Json, StringComparison.Ordinal);
            Assert.Contains("attempt 2", progress.Last().Json, StringComparison.Ordinal);
        }
    }
}
