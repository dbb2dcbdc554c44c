using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;
using Missions.Host.Tests.Runs;

namespace Missions.Host.Tests.Ai;

/// <summary>
/// The whole loop with a model configured, as a person meets it in web chat: the model drafts the proposal, the
/// staff agent's deliverable is the artifact with its tokens on the run, and replay writes a gap report. Without a
/// model, replay works the same way offline.
/// </summary>
public sealed class ModelThroughChatTests
{
    private const string Request = "hey, can someone reconcile the stripe payouts with the ledger for october by friday?";

    /// <summary>The due date the model answers: ahead of today, whatever today is (the proposer drops a date in the past).</summary>
    private static readonly DateOnly Due = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);

    /// <summary>A model that drafts proposals, reads the mission through its tool, and writes the deliverable or the gap report.</summary>
    private static ModelServer.Answer Model(ModelServer.Request request)
    {
        if (request.Body["response_format"] is not null)
        {
            return ModelServer.Answer.Json(new JsonObject
            {
                ["title"] = "Reconcile October's Stripe payouts against the ledger",
                ["objective"] = "Every October Stripe payout matched to a ledger entry, with each difference explained.",
                ["assignee"] = "s1", // the Analyst, first by name
                ["project"] = "p1",
                ["dueDate"] = Due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["blueprint"] = "none",
                ["questions"] = new JsonArray(),
                ["confidence"] = 0.9,
            });
        }

        if (!request.Messages.Any(m => m["role"]!.GetValue<string>() == "tool"))
        {
            return ModelServer.Answer.Call(request.Text.Contains("Replay mission", StringComparison.Ordinal) ? "read_artifacts" : "read_mission");
        }

        return request.Text.Contains("Replay mission", StringComparison.Ordinal)
            ? ModelServer.Answer.Text("Summary: Verdict: partly meets the objective — the differences are listed but not explained.\n# Gap report\n\n- Explain each difference.")
            : ModelServer.Answer.Text("Summary: 212 payouts matched; 3 differences found.\n# October reconciliation\n\n| Payout | Ledger | Difference |\n|---|---|---|\n| po_1 | 120.00 | 0.50 |\n") with { InputTokens = 900, OutputTokens = 300 };
    }

    [Fact]
    public async Task With_a_model_a_request_is_drafted_by_it_run_by_the_staff_agent_and_replayed_against_the_objective()
    {
        await using var model = await ModelServer.StartAsync();
        model.Default = Model;
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Missions:AI:Endpoint"] = model.HttpBase + "/v1/",
            ["Missions:AI:ApiKey"] = "sk-local-test",
            ["Missions:AI:Model"] = "gpt-test",
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var chat = await DirectLineClient.StartAsync(http);

        await chat.SendAsync(Request);
        await chat.PollAsync();
        var card = chat.LastCard();
        Assert.Contains("Reconcile October's Stripe payouts against the ledger", DirectLineClient.Texts(card));
        var proposal = await app.WithDbAsync(db => db.Proposals.AsNoTracking().SingleAsync());
        Assert.Equal(DraftPaths.Model, proposal.DraftedBy);
        Assert.Equal("Analyst", await app.WithDbAsync(db => db.Staff.Where(s => s.Id == proposal.AssigneeId).Select(s => s.Name).SingleAsync()));
        Assert.Equal(Due, proposal.DueDate);

        await chat.ClickAsync(card, "approve");
        await chat.SendAsync("run M-1");
        var review = DirectLineClient.CardOf(await RunLifecycleTests.WaitForCardAsync(chat, app, c => RunLifecycleTests.Says(c, "Ready for review · M-1")))!;
        Assert.Contains("212 payouts matched; 3 differences found.", DirectLineClient.Texts(review));
        Assert.Contains("replay", DirectLineClient.ActionIds(review));

        var run = await app.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync());
        // Both calls of the run count: the tool call (120 + 80) and the answer (900 + 300).
        Assert.Equal((1020, 380), (run.InputTokens, run.OutputTokens));
        Assert.Contains("Tokens: 1020 input, 380 output, 1400 total.", await app.WithDbAsync(db => db.RunLogEntries.Where(l => l.RunId == run.Id).Select(l => l.Text).ToListAsync()));
        var artifact = await app.WithDbAsync(db => db.Artifacts.AsNoTracking().SingleAsync(a => a.RunId == run.Id && a.ContentType == "text/markdown"));
        Assert.Equal("M-1-deliverable.md", artifact.Name);
        using var downloaded = await http.GetAsync(DirectLineClient.OpenUrls(review).First(u => u.Contains(artifact.Id.ToString("N"), StringComparison.Ordinal)));
        Assert.Contains("October reconciliation", await downloaded.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Replay from chat: a gap report with the verdict; the mission stays in review.
        await chat.SendAsync("replay M-1");
        var report = DirectLineClient.CardOf(await RunLifecycleTests.WaitForCardAsync(chat, app, c => RunLifecycleTests.Says(c, "Replay against the objective · M-1")))!;
        Assert.Contains(DirectLineClient.Texts(report), t => t.StartsWith("Verdict: partly meets the objective", StringComparison.Ordinal));
        Assert.DoesNotContain("approveReview", DirectLineClient.ActionIds(report));
        Assert.Equal(MissionStatus.Review, await app.WithDbAsync(db => db.Missions.Select(m => m.Status).SingleAsync()));
        var replay = await app.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync(r => r.Trigger == RunTriggers.Replay));
        Assert.Equal(RunStatus.Succeeded, replay.Status);
        Assert.Contains("M-1-replay.md", await app.WithDbAsync(db => db.Artifacts.Where(a => a.RunId == replay.Id).Select(a => a.Name).ToListAsync()));
        // The replay read the result it checks.
        Assert.Contains(model.Requests, r => r.Messages.Any(m => m["role"]!.GetValue<string>() == "tool" && m["content"]!.ToString().Contains("October reconciliation", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_a_model_replay_checks_the_result_offline_and_is_refused_before_there_is_one()
    {
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, null);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var chat = await DirectLineClient.StartAsync(http);
        await chat.SendAsync(Request);
        await chat.PollAsync();
        Assert.Equal(DraftPaths.Offline, await app.WithDbAsync(db => db.Proposals.Select(p => p.DraftedBy).SingleAsync()));
        await chat.ClickAsync(chat.LastCard(), "approve");

        await chat.SendAsync("replay M-1");
        await chat.PollAsync();
        Assert.Contains("has no finished result to check yet", chat.LastText(), StringComparison.Ordinal);

        await chat.SendAsync("run M-1");
        var review = DirectLineClient.CardOf(await RunLifecycleTests.WaitForCardAsync(chat, app, c => RunLifecycleTests.Says(c, "Ready for review · M-1")))!;
        await chat.ClickAsync(review, "approveReview");
        // The Replay button on the review prompt, after approval: the mission stays done.
        await chat.ClickAsync(review, "replay");
        var report = DirectLineClient.CardOf(await RunLifecycleTests.WaitForCardAsync(chat, app, c => RunLifecycleTests.Says(c, "Replay against the objective · M-1")))!;
        Assert.Contains(DirectLineClient.Texts(report), t => t.StartsWith("Verdict:", StringComparison.Ordinal) && t.Contains("Checked offline", StringComparison.Ordinal));
        Assert.Equal(MissionStatus.Done, await app.WithDbAsync(db => db.Missions.Select(m => m.Status).SingleAsync()));
        // A replay is a report, not a result to review.
        var replay = await app.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync(r => r.Trigger == RunTriggers.Replay));
        var refused = await http.PostAsJsonAsync($"/api/runs/{replay.Id}/review", new { outcome = "approve" });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
    }
}
