using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Missions;

/// <summary>Many people clicking at once: exactly one change wins each step, the rest get 409, nothing is lost.</summary>
public sealed class ConcurrencyTests
{
    private const int Racers = 20;

    [Theory, Sqlite, Postgres]
    public async Task Twenty_concurrent_transitions_per_step_one_wins_the_rest_get_409_and_the_trail_has_no_gaps(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        var mission = await app.CreateMissionAsync();
        var number = mission["number"]!.GetValue<string>();
        var version = mission["version"]!.GetValue<long>();
        string[] steps = ["InProgress", "Review", "InProgress", "Review", "Done", "Backlog", "InProgress", "Cancelled"];

        foreach (var step in steps)
        {
            var clients = Enumerable.Range(0, Racers).Select(_ => app.CreateClient()).ToList();
            // Half the racers send the version they read (If-Match), half rely on the status guard alone.
            var responses = await Task.WhenAll(clients.Select((c, i) =>
                MissionsApp.TransitionAsync(c, number, step, i % 2 == 0 ? version : null)));

            var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
            var losers = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
            Assert.True(winners.Count == 1, $"{step}: {winners.Count} winners; statuses {string.Join(",", responses.Select(r => (int)r.StatusCode))}");
            Assert.Equal(Racers - 1, losers.Count);
            foreach (var loser in losers)
            {
                var problem = await MissionsApp.ReadProblemAsync(loser, HttpStatusCode.Conflict);
                Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()));
            }

            var won = await MissionsApp.ReadOkAsync(winners[0]);
            Assert.Equal(step, won["status"]!.GetValue<string>());
            Assert.Equal(version + 1, won["version"]!.GetValue<long>());
            version++;
            clients.ForEach(c => c.Dispose());
        }

        using var client = app.CreateClient();
        var trail = (await client.GetFromJsonAsync<JsonArray>($"/api/missions/{number}/activity"))!
            .Select(e => e!.AsObject())
            .Where(e => e["missionVersion"] is not null)
            .ToList();
        Assert.Equal(steps.Length + 1, trail.Count); // "created" plus one entry per step, no more
        for (var i = 0; i < trail.Count; i++)
        {
            Assert.Equal(i + 1, trail[i]["missionVersion"]!.GetValue<long>());
            if (i > 0)
            {
                Assert.Equal(trail[i - 1]["toStatus"]!.GetValue<string>(), trail[i]["fromStatus"]!.GetValue<string>());
                Assert.Equal(steps[i - 1], trail[i]["toStatus"]!.GetValue<string>());
            }
        }
    }

    [Theory, Sqlite, Postgres]
    public async Task Twenty_concurrent_approvals_of_one_proposal_make_exactly_one_mission(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        var proposal = await app.SeedProposalAsync();

        var clients = Enumerable.Range(0, Racers).Select(_ => app.CreateClient()).ToList();
        var responses = await Task.WhenAll(clients.Select(c => c.PostAsJsonAsync($"/api/proposals/{proposal.Id}/approve", new { })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(Racers - 1, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var missions = await app.WithDbAsync(db => db.Missions.Where(m => m.ProposalId == proposal.Id).ToListAsync());
        Assert.Single(missions);
        var approved = await MissionsApp.ReadOkAsync(responses.Single(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(Mission.FormatNumber(missions[0].Number), approved["missionNumber"]!.GetValue<string>());
        clients.ForEach(c => c.Dispose());
    }

    [Theory, Sqlite, Postgres]
    public async Task Concurrent_creates_never_share_a_number(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        var created = await Task.WhenAll(Enumerable.Range(0, Racers).Select(i => app.CreateMissionAsync($"Mission {i}")));

        var numbers = created.Select(m => m["number"]!.GetValue<string>()).ToList();
        Assert.Equal(Racers, numbers.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, Racers).Select(n => $"M-{n}").Order(), numbers.Order());
    }

    /// <summary>
    /// On PostgreSQL a mission number is taken in a statement of its own: a turn that took one and has not committed
    /// yet holds up nobody else's mission (in its transaction, the counter's row would stay locked until it commits).
    /// </summary>
    [Theory, Postgres]
    public async Task A_number_taken_by_a_transaction_still_open_holds_up_no_other_mission(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        long taken;
        await using (var open = await db.BeginWriteAsync(CancellationToken.None))
        {
            taken = await Counters.NextAsync(db, Counters.MissionNumber, CancellationToken.None);
            var created = await app.CreateMissionAsync("Not held up").WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(Mission.FormatNumber(taken + 1), created["number"]!.GetValue<string>());
        }

        // The open transaction rolled back: its number stays unused, never given to another mission.
        var next = await app.CreateMissionAsync("After the rollback");
        Assert.Equal(Mission.FormatNumber(taken + 2), next["number"]!.GetValue<string>());
    }
}
