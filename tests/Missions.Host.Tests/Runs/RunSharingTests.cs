using Microsoft.EntityFrameworkCore;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Runs;

/// <summary>Two hosts share one PostgreSQL database and its queue: every run is executed exactly once, by one of them.</summary>
public sealed class RunSharingTests
{
    [Theory, Postgres]
    public async Task Two_hosts_share_fifty_queued_runs_and_execute_each_exactly_once(Provider provider)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Missions:Runs:OfflineStepDelay"] = "00:00:00.020",
            ["Missions:Runs:MaxConcurrent"] = "4",
            ["Missions:Runs:PollInterval"] = "00:00:00.200",
        };
        await using var first = await MissionsApp.StartOnLoopbackAsync(provider, settings);
        await using var second = first.WithServices(_ => { });

        // Fifty missions, and fifty runs queued at once in one transaction: both hosts find them at their next look.
        await first.QueueRunsForNewMissionsAsync(50);

        var runs = await first.WaitForAsync(async db =>
        {
            var all = await db.Runs.AsNoTracking().ToListAsync();
            return all.All(r => r.Status == RunStatus.Succeeded) ? all : null;
        });

        Assert.Equal(50, runs.Count);
        var started = await first.WithDbAsync(db => db.RunLogEntries.AsNoTracking().Where(l => l.Step == "Started").ToListAsync());
        var finished = await first.WithDbAsync(db => db.RunLogEntries.AsNoTracking().Where(l => l.Step == "Finished").ToListAsync());
        var artifacts = await first.WithDbAsync(db => db.Artifacts.AsNoTracking().ToListAsync());
        Assert.All(runs, r =>
        {
            Assert.Equal(1, r.Attempt);
            Assert.Single(started, l => l.RunId == r.Id);   // taken up once
            Assert.Single(finished, l => l.RunId == r.Id);  // finished once
            Assert.Equal(2, artifacts.Count(a => a.RunId == r.Id));
        });

        // Both hosts did some of the work (each names itself in the run log).
        var hosts = started.Select(l => l.Text[(l.Text.IndexOf(" on ", StringComparison.Ordinal) + 4)..]).Distinct().ToList();
        Assert.Equal(2, hosts.Count);
        Assert.Equal(50, await first.WithDbAsync(db => db.Missions.CountAsync(m => m.Status == Host.Missions.MissionStatus.Review)));
    }
}
