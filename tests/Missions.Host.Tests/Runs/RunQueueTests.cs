using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Runs;

/// <summary>A host works through a long queue at the pace its runs finish, not at the pace of its polls.</summary>
public sealed class RunQueueTests
{
    [Fact]
    public async Task More_queued_runs_than_one_look_finds_are_all_run_without_waiting_for_the_next_poll()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Missions:Runs:MaxConcurrent"] = "2",
            // Were the runs past the first look's 64 left to a poll, they would wait a minute.
            ["Missions:Runs:PollInterval"] = "00:01:00",
        };
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, settings);
        // Eighty runs queued in one transaction, and the worker told once, as queueing does when it commits.
        await app.QueueRunsForNewMissionsAsync(80);
        app.Services.GetRequiredService<RunSignal>().Pulse();

        // Within the 20 s the wait allows: far less than the minute to the next poll.
        var runs = await app.WaitForAsync(async db =>
        {
            var all = await db.Runs.AsNoTracking().ToListAsync();
            return all.All(r => r.Status == RunStatus.Succeeded) ? all : null;
        });
        Assert.Equal(80, runs.Count);
        Assert.All(runs, r => Assert.Equal(1, r.Attempt));
    }
}
