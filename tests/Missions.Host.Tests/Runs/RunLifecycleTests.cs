using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Runs;

/// <summary>
/// The second half of the loop through Direct Line, with the cards as Web Chat shows them: approve → run → review →
/// changes → run → approve → done. One progress card per run, updated in place; a review prompt with artifact links.
/// </summary>
public sealed class RunLifecycleTests
{
    private const string Request = "can someone pull together a pricing summary for the Q3 deck by Friday?";

    /// <summary>Polls until a card in the transcript matches, or fails after 30 s.</summary>
    internal static async Task<JsonObject> WaitForCardAsync(DirectLineClient chat, MissionsApp app, Func<JsonObject, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await chat.PollAsync();
            var found = chat.Transcript.FirstOrDefault(a => DirectLineClient.CardOf(a) is { } card && match(card));
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow >= deadline)
            {
                var state = await app.WithDbAsync(async db =>
                    string.Join("\n", (await db.Runs.AsNoTracking().ToListAsync()).Select(r => $"run {r.Id} {r.Status} {r.Trigger} attempt {r.Attempt} error {r.Error}"))
                    + "\n" + string.Join("\n", (await db.RunLogEntries.AsNoTracking().OrderBy(l => l.Id).ToListAsync()).Select(l => $"log {l.RunId} {l.Level} {l.Step}: {l.Text}"))
                    + "\n" + string.Join("\n", (await db.OutboxMessages.AsNoTracking().OrderBy(o => o.Id).ToListAsync()).Select(o => $"outbox {o.Id} {o.Kind} {o.ViewKey} {o.Status} due {o.NextAttemptAt:O} sent {o.SentAt:O} {o.LastError}")));
                Assert.Fail("Timed out waiting for a card.\n" + state + "\nTranscript:\n" + string.Join("\n", chat.Transcript.Select(a => a.ToJsonString())));
            }

            await Task.Delay(100);
        }
    }

    internal static bool Says(JsonObject card, string text) => DirectLineClient.Texts(card).Any(t => t.Contains(text, StringComparison.Ordinal));

    /// <summary>The artifact links: the card's Open buttons.</summary>
    internal static IReadOnlyList<string> Links(JsonObject card) => DirectLineClient.OpenUrls(card).ToList();

    [Theory, Sqlite, Postgres]
    public async Task Approve_run_review_request_changes_run_again_approve_done(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await chat.SendAsync(Request);
        await chat.PollAsync();
        await chat.ClickAsync(chat.LastCard(), "approve");
        await chat.PollAsync();

        // The mission card's Run button queues a run.
        await chat.SendAsync("show M-1");
        await chat.PollAsync();
        var missionCard = chat.LastCard();
        Assert.Contains("runMission", DirectLineClient.ActionIds(missionCard));
        await chat.ClickAsync(missionCard, "runMission");

        var review = await WaitForCardAsync(chat, app, c => Says(c, "Ready for review · M-1"));
        var reviewCard = DirectLineClient.CardOf(review)!;
        Assert.Contains("approveReview", DirectLineClient.ActionIds(reviewCard));
        Assert.Contains("requestChanges", DirectLineClient.ActionIds(reviewCard));
        Assert.Contains(DirectLineClient.Texts(reviewCard), t => t.StartsWith("Drafted offline (no AI model)", StringComparison.Ordinal));

        // One progress card for the run, updated in place to its end: every step ticked off.
        var progress = chat.Transcript.Where(a => DirectLineClient.CardOf(a) is { } c && Says(c, "Run · M-1")).ToList();
        var progressCard = DirectLineClient.CardOf(Assert.Single(progress))!;
        Assert.Contains("Finished.", DirectLineClient.Texts(progressCard));
        foreach (var step in OfflineStaffAgent.Steps)
        {
            Assert.Contains("✓ " + step, DirectLineClient.Texts(progressCard));
        }

        Assert.Empty(DirectLineClient.ActionIds(progressCard));

        // Every step is in the run's log, in order, however quickly the steps went (quick ones are written together).
        var logged = await app.WithDbAsync(db => db.RunLogEntries.Where(l => l.Text == RunViews.StepStarted).OrderBy(l => l.Id).Select(l => l.Step).ToListAsync());
        Assert.Equal(OfflineStaffAgent.Steps, logged);

        // The artifact links work over HTTP: the brief rendered, the PDF downloaded.
        var links = Links(reviewCard);
        Assert.Equal(2, links.Count);
        using var web = app.CreateClient();
        var pages = new List<HttpResponseMessage>();
        foreach (var path in links.Select(l => new Uri(l).PathAndQuery))
        {
            pages.Add(await web.GetAsync(path));
        }

        Assert.All(pages, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        var html = pages.Single(p => p.Content.Headers.ContentType!.MediaType == "text/html");
        var text = await html.Content.ReadAsStringAsync();
        Assert.Matches("<h1[^>]*>M-1: Pull together", text);
        Assert.Contains("No AI model was used", text, StringComparison.Ordinal);
        var pdf = pages.Single(p => p.Content.Headers.ContentType!.MediaType == "application/pdf");
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("attachment", pdf.Content.Headers.ContentDisposition!.DispositionType);

        // Request changes: the card shows the decision for everyone, the comment is kept, a new run starts.
        await chat.ClickAsync(reviewCard, "confirmChanges", new Dictionary<string, string?> { ["changes"] = "Add a table of the three cheapest plans." });
        var decided = await WaitForCardAsync(chat, app, c => Says(c, "Changes requested: a new run has started"));
        Assert.Equal(review["id"]!.GetValue<string>(), decided["id"]!.GetValue<string>());
        // No decision buttons any more; the artifacts stay reachable.
        Assert.Equal(["artifact1", "artifact2"], DirectLineClient.ActionIds(DirectLineClient.CardOf(decided)!));

        var second = await WaitForCardAsync(chat, app, c => Says(c, "Ready for review · M-1") && c != reviewCard && DirectLineClient.ActionIds(c).Contains("approveReview"));
        var secondCard = DirectLineClient.CardOf(second)!;
        Assert.NotEqual(review["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
        Assert.Contains(DirectLineClient.Texts(secondCard), t => t.Contains("Add a table of the three cheapest plans", StringComparison.Ordinal));
        Assert.Contains(DirectLineClient.ActionIds(secondCard), id => id == "artifact1");
        Assert.Equal(2, chat.Transcript.Count(a => DirectLineClient.CardOf(a) is { } c && Says(c, "Run · M-1")));
        var secondBrief = await (await web.GetAsync(new Uri(Links(secondCard).First(l => !l.Contains(".pdf", StringComparison.Ordinal))).PathAndQuery)).Content.ReadAsStringAsync();
        Assert.Contains("Add a table of the three cheapest plans", secondBrief, StringComparison.Ordinal);

        // Approve: the mission is done.
        await chat.ClickAsync(secondCard, "approveReview");
        await WaitForCardAsync(chat, app, c => Says(c, "Approved: M-1 is done"));
        var mission = await MissionsApp.ReadOkAsync(await web.GetAsync("/api/missions/M-1"));
        Assert.Equal("Done", mission["status"]!.GetValue<string>());

        // "show M-1" gives the latest run and fresh links to its artifacts (what the 410 page tells people to do).
        await chat.SendAsync("show M-1");
        await chat.PollAsync();
        var shown = chat.LastCard();
        Assert.Contains(", approved", shown.ToJsonString(), StringComparison.Ordinal); // the "Latest run" fact
        var fresh = Links(shown);
        Assert.Equal(2, fresh.Count);
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync(new Uri(fresh[0]).PathAndQuery)).StatusCode);

        var runs = await app.WithDbAsync(db => db.Runs.AsNoTracking().OrderBy(r => r.QueuedAt).ToListAsync());
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.Equal(ReviewOutcome.ChangesRequested, runs[0].ReviewOutcome);
        Assert.Equal("Add a table of the three cheapest plans.", runs[0].ReviewComment);
        Assert.Equal(RunTriggers.ChangesRequested, runs[1].Trigger);
        Assert.Equal(ReviewOutcome.Approved, runs[1].ReviewOutcome);
        Assert.Equal(4, await app.WithDbAsync(db => db.Artifacts.CountAsync()));
        Assert.Contains("Changes requested: Add a table", await app.WithDbAsync(db => db.Comments.Select(c => c.Text).SingleAsync()), StringComparison.Ordinal);

        // At most one progress message every two seconds in the conversation, however fast the steps went.
        var progressRows = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(o => o.Kind == "progress").OrderBy(o => o.Id).ToListAsync());
        Assert.True(progressRows.Count >= 2);
        for (var i = 1; i < progressRows.Count; i++)
        {
            Assert.True(progressRows[i].SentAt!.Value - progressRows[i - 1].SentAt!.Value >= TimeSpan.FromSeconds(2), $"progress {i} sent too soon after the last");
        }
    }

    [Theory, Sqlite, Postgres]
    public async Task A_mission_with_tasks_runs_each_task_in_order_then_waits_for_review(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var api = app.CreateClient();
        await app.CreateMissionAsync();
        foreach (var title in new[] { "List the competitors and sources", "Compare them on price", "Write the summary" })
        {
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/missions/M-1/tasks", System.Net.Http.Json.JsonContent.Create(new { title }))).StatusCode);
        }

        await MissionsApp.ReadOkAsync(await api.PostAsync("/api/missions/M-1/runs", null), HttpStatusCode.Accepted);
        var runs = await app.WaitForAsync(async db =>
            await db.Runs.AsNoTracking().OrderBy(r => r.QueuedAt).ToListAsync() is { Count: 3 } all && all.All(r => r.Status == RunStatus.Succeeded) ? all : null);

        var tasks = await app.WithDbAsync(db => db.MissionTasks.AsNoTracking().OrderBy(t => t.Position).ToListAsync());
        Assert.Equal(tasks.Select(t => (Guid?)t.Id), runs.Select(r => r.TaskId));              // one run per task, in order
        Assert.All(tasks, t => Assert.Equal(Host.Missions.MissionTaskStatus.Done, t.Status));
        Assert.Equal([RunTriggers.Requested, RunTriggers.NextTask, RunTriggers.NextTask], runs.Select(r => r.Trigger));
        Assert.True(runs[0].FinishedAt <= runs[1].StartedAt && runs[1].FinishedAt <= runs[2].StartedAt);
        Assert.Contains("task 2 of 3", runs[1].Summary, StringComparison.Ordinal);
        var mission = await MissionsApp.ReadOkAsync(await api.GetAsync("/api/missions/M-1"));
        Assert.Equal("Review", mission["status"]!.GetValue<string>());
        Assert.Equal(["M-1-task-1-brief.md", "M-1-task-1-brief.pdf", "M-1-task-2-brief.md", "M-1-task-2-brief.pdf", "M-1-task-3-brief.md", "M-1-task-3-brief.pdf"],
            await app.WithDbAsync(db => db.Artifacts.AsNoTracking().OrderBy(a => a.Name).Select(a => a.Name).ToListAsync()));
    }

    [Fact]
    public async Task Approving_a_proposal_with_auto_run_starts_its_run_in_the_same_step()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        // The seeded "Announcement draft" blueprint runs on approval.
        await chat.SendAsync("draft the launch announcement for customers by Friday");
        await chat.PollAsync();
        var proposal = await app.WithDbAsync(db => db.Proposals.AsNoTracking().SingleAsync());
        Assert.True(proposal.AutoRun);
        // The card says what approving does, and asks the blueprint's checklist, each with its answer box.
        var pending = chat.LastCard();
        Assert.True(Says(pending, "Approving starts Writer on it at once."));
        var boxes = AnswerBoxes(pending);
        Assert.Equal(["Audience?", "Channel (blog, email, chat)?", "Key facts and dates?"], boxes.Values.Where(q => proposal.Questions.IndexOf(q) >= proposal.Questions.Count - 3));
        await chat.ClickAsync(pending, "approve", boxes.ToDictionary(b => b.Key, b => (string?)("Known: " + b.Value)));

        var run = await app.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync()); // queued with the approval, not later
        Assert.Equal(RunTriggers.Approved, run.Trigger);
        // The decided card offers no "Run M-1 now" (the run is under way), only the mission's page.
        await chat.PollAsync();
        var decided = DirectLineClient.CardOf(chat.Activity(await app.CardMessageIdAsync(proposal.Id)))!;
        Assert.True(Says(decided, "Approved as M-1"));
        Assert.True(Says(decided, "Writer is starting on it now; progress follows here."));
        Assert.Equal(["openMission"], DirectLineClient.ActionIds(decided));
        await WaitForCardAsync(chat, app, c => Says(c, "Ready for review · M-1"));
        Assert.Contains(chat.Transcript, a => DirectLineClient.CardOf(a) is { } c && Says(c, "Run · M-1") && Says(c, "Finished."));
    }

    [Fact]
    public async Task An_auto_run_mission_whose_checklist_is_not_answered_waits_and_its_card_offers_Run_anyway()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await chat.SendAsync("draft the launch announcement for customers by Friday");
        await chat.PollAsync();
        var proposal = await app.WithDbAsync(db => db.Proposals.AsNoTracking().SingleAsync());
        var pending = chat.LastCard();
        // Only the audience is answered.
        var audience = AnswerBoxes(pending).Single(b => b.Value == "Audience?").Key;
        await chat.ClickAsync(pending, "approve", new Dictionary<string, string?> { [audience] = "Customers on the Team plan" });

        await chat.PollAsync();
        var decided = DirectLineClient.CardOf(chat.Activity(await app.CardMessageIdAsync(proposal.Id)))!;
        Assert.True(Says(decided, "Approved as M-1"));
        Assert.Contains(DirectLineClient.Texts(decided), t => t.StartsWith("Not started by itself: its blueprint asks “Channel (blog, email, chat)?” “Key facts and dates?”", StringComparison.Ordinal));
        Assert.Equal(0, await app.WithDbAsync(db => db.Runs.CountAsync()));
        Assert.Equal(["Audience? — Customers on the Team plan"], await app.WithDbAsync(db => db.Missions.Select(m => m.Context).SingleAsync()));

        // Run anyway: the run starts, and is given what was told.
        Assert.Contains("runMission", DirectLineClient.ActionIds(decided));
        await chat.ClickAsync(decided, "runMission");
        await WaitForCardAsync(chat, app, c => Says(c, "Ready for review · M-1"));
        Assert.Equal(3, await app.WithDbAsync(db => db.MissionTasks.CountAsync()));
        var first = await app.WithDbAsync(db => db.Runs.OrderBy(r => r.QueuedAt).Select(r => r.Id).FirstAsync());
        using var api = app.CreateClient();
        var run = await MissionsApp.ReadOkAsync(await api.GetAsync($"/api/runs/{first}"));
        var md = new Uri(run["artifacts"]!.AsArray().Single(a => a!["name"]!.GetValue<string>().EndsWith(".md", StringComparison.Ordinal))!["url"]!.GetValue<string>());
        Assert.Contains("Told before it started:", await api.GetStringAsync(md.PathAndQuery), StringComparison.Ordinal);
    }

    /// <summary>The proposal card's answer boxes: input id → the question it answers.</summary>
    private static Dictionary<string, string> AnswerBoxes(JsonObject card) =>
        card["body"]!.AsArray().SelectMany(e => e!["items"]?.AsArray() ?? []).Where(e => e!["id"]?.GetValue<string>().StartsWith("answer.", StringComparison.Ordinal) == true)
            .ToDictionary(e => e!["id"]!.GetValue<string>(), e => e!["label"]!.GetValue<string>());

    [Fact]
    public async Task Only_permitted_reviewers_decide_on_a_result()
    {
        var (app, writer, lead) = await MissionsApp.StartWithWriterAndLeadAsync();
        await using var _ = app;
        using var __ = writer;
        using var ___ = lead;
        // Making a mission without a proposal is approving it: the lead may, the writer may not.
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.PostAsync("/api/missions", System.Net.Http.Json.JsonContent.Create(new { title = "Summarise pricing", objective = "A pricing summary." }))).StatusCode);
        var made = await MissionsApp.ReadOkAsync(await lead.PostAsync("/api/missions", System.Net.Http.Json.JsonContent.Create(new { title = "Summarise pricing", objective = "A pricing summary." })), HttpStatusCode.Created);
        Assert.Equal("api:lead", made["approvedBy"]!["id"]!.GetValue<string>());
        var run = await ArtifactLinkTests.RunToEndAsync(writer, "M-1");

        var refused = await writer.PostAsync($"/api/runs/{run["id"]}/review", System.Net.Http.Json.JsonContent.Create(new { outcome = "approve" }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("may not review", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Review", (await MissionsApp.ReadOkAsync(await writer.GetAsync("/api/missions/M-1")))["status"]!.GetValue<string>());

        var approved = await MissionsApp.ReadOkAsync(await lead.PostAsync($"/api/runs/{run["id"]}/review", System.Net.Http.Json.JsonContent.Create(new { outcome = "approve" })));
        Assert.Equal("Approved", approved["review"]!["outcome"]!.GetValue<string>());
        Assert.Equal("lead", approved["review"]!["by"]!.GetValue<string>());
        Assert.Equal("Done", (await MissionsApp.ReadOkAsync(await writer.GetAsync("/api/missions/M-1")))["status"]!.GetValue<string>());
    }

    [Theory, Sqlite, Postgres]
    public async Task Through_the_API_done_is_a_review_decision_that_only_a_reviewer_makes(Provider provider)
    {
        var (app, writer, lead) = await MissionsApp.StartWithWriterAndLeadAsync(provider, new Dictionary<string, string?> { ["Missions:Runs:OfflineStepDelay"] = "00:00:00.010" });
        await using var _ = app;
        using var __ = writer;
        using var ___ = lead;
        await MissionsApp.ReadOkAsync(await lead.PostAsJsonAsync("/api/missions", new { title = "Summarise pricing", objective = "A pricing summary." }), HttpStatusCode.Created);
        await MissionsApp.ReadOkAsync(await lead.PostAsJsonAsync("/api/missions", new { title = "Tidy the drive", objective = "A tidy shared drive." }), HttpStatusCode.Created);
        var run = await ArtifactLinkTests.RunToEndAsync(writer, "M-1");

        // The writer cannot skip review, whichever way they ask.
        foreach (var (path, body) in new (string, object)[] { ("/api/missions/M-1/transitions", new { to = "Done" }), ("/api/missions/M-1/move", new { status = "Done" }) })
        {
            var refused = await MissionsApp.ReadProblemAsync(await writer.PostAsJsonAsync(path, body), HttpStatusCode.Forbidden);
            Assert.Contains("writer may not review results or mark missions done", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal("Review", (await MissionsApp.ReadOkAsync(await writer.GetAsync("/api/missions/M-1")))["status"]!.GetValue<string>());
        Assert.Null((await MissionsApp.ReadOkAsync(await writer.GetAsync($"/api/runs/{run["id"]}")))["review"]);

        // The lead's move to done is the review decision: the result is approved by the lead.
        var moved = await MissionsApp.ReadOkAsync(await lead.PostAsJsonAsync("/api/missions/M-1/move", new { status = "Done" }));
        Assert.Equal("Done", moved["status"]!.GetValue<string>());
        var decided = await MissionsApp.ReadOkAsync(await writer.GetAsync($"/api/runs/{run["id"]}"));
        Assert.Equal(("Approved", "lead"), (decided["review"]!["outcome"]!.GetValue<string>(), decided["review"]!["by"]!.GetValue<string>()));

        // A mission with no run (work done by people): anyone takes it to review, only the lead closes it.
        await MissionsApp.ReadOkAsync(await writer.PostAsJsonAsync("/api/missions/M-2/transitions", new { to = "InProgress" }));
        await MissionsApp.ReadOkAsync(await writer.PostAsJsonAsync("/api/missions/M-2/transitions", new { to = "Review" }));
        await MissionsApp.ReadProblemAsync(await writer.PostAsJsonAsync("/api/missions/M-2/transitions", new { to = "Done" }), HttpStatusCode.Forbidden);
        Assert.Equal("Done", (await MissionsApp.ReadOkAsync(await lead.PostAsJsonAsync("/api/missions/M-2/transitions", new { to = "Done" })))["status"]!.GetValue<string>());
    }
}
