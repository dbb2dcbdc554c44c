using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Data;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.WebChat;

/// <summary>The chat loop over Direct Line, as Web Chat drives it: request → proposal card → approve → mission.</summary>
public sealed class ChatLoopTests
{
    [Theory, Sqlite, Postgres]
    public async Task A_request_becomes_a_proposal_card_and_approving_it_makes_one_mission(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());

        var welcome = await chat.PollAsync();
        Assert.Contains("Tell me what you need", welcome.Single()["text"]!.GetValue<string>(), StringComparison.Ordinal);

        var sent = await chat.SendAsync("can someone pull together a competitor pricing summary for the Q3 deck by Friday?", clientActivityId: "c-1", timeZone: "Europe/London");
        var activities = await chat.PollAsync();

        // The person's own message comes back with its id and clientActivityID (Web Chat needs both).
        var echo = activities.Single(a => a["from"]!["role"]!.GetValue<string>() == "user");
        Assert.Equal(sent, echo["id"]!.GetValue<string>());
        Assert.Equal("c-1", echo["channelData"]!["clientActivityID"]!.GetValue<string>());
        Assert.Equal(chat.UserId, echo["from"]!["id"]!.GetValue<string>());

        var reply = activities.Single(a => a["from"]!["role"]!.GetValue<string>() == "bot");
        Assert.Equal(sent, reply["replyToId"]!.GetValue<string>());
        var card = DirectLineClient.CardOf(reply)!;
        Assert.Equal("AdaptiveCard", card["type"]!.GetValue<string>());
        Assert.Contains("Pull together a competitor pricing summary for the Q3 deck", DirectLineClient.Texts(card));
        Assert.Contains("approve", DirectLineClient.ActionIds(card));
        // The drafted assignee is selected on the card: its value is one of the choices, exactly.
        var assignee = card["body"]!.AsArray().Single(e => e!["id"]?.GetValue<string>() == "assigneeId")!;
        Assert.Contains(assignee["value"]!.GetValue<string>(), assignee["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()));

        var proposal = await app.WithDbAsync(db => db.Proposals.SingleAsync());
        // The card's delivery is recorded, as on every channel: its view's key with the message it went out in.
        Assert.Equal(reply["id"]!.GetValue<string>(), await app.CardMessageIdAsync(proposal.Id));
        Assert.NotNull(proposal.DueDate);
        Assert.Equal("Europe/London", await app.WithDbAsync(db => db.ConversationReferences.Select(c => c.TimeZone).SingleAsync()));

        // Change the title on the card and approve.
        await chat.ClickAsync(card, "approve", new Dictionary<string, string?> { ["title"] = "Competitor pricing one-pager for Q3" });
        var updates = await chat.PollAsync();
        var replaced = updates.Single();
        Assert.Equal(reply["id"]!.GetValue<string>(), replaced["id"]!.GetValue<string>());
        Assert.Equal(reply["timestamp"]!.GetValue<string>(), replaced["timestamp"]!.GetValue<string>());
        var decided = DirectLineClient.CardOf(replaced)!;
        Assert.Contains("Approved as M-1", DirectLineClient.Texts(decided));
        Assert.Contains(DirectLineClient.Texts(decided), t => t.StartsWith("by Alice", StringComparison.Ordinal));
        // No decision buttons any more: the next step instead — run it now, or open its page.
        Assert.Equal(["runMission", "openMission"], DirectLineClient.ActionIds(decided));
        Assert.EndsWith("/missions/M-1", DirectLineClient.OpenUrls(decided).Single(), StringComparison.Ordinal);

        using var api = app.CreateClient();
        var mission = await MissionsApp.ReadOkAsync(await api.GetAsync("/api/missions/M-1"));
        Assert.Equal("Competitor pricing one-pager for Q3", mission["title"]!.GetValue<string>());
        Assert.Equal(chat.UserId, mission["requestedBy"]!["id"]!.GetValue<string>());
        Assert.Equal(chat.UserId, mission["approvedBy"]!["id"]!.GetValue<string>());

        // Clicking the old card again (a double click, or a second person) changes nothing.
        await chat.ClickAsync(card, "approve");
        await chat.ClickAsync(card, "approve");
        Assert.Equal(1, await app.WithDbAsync(db => db.Missions.CountAsync()));
        var again = await chat.PollAsync();
        Assert.All(again, a => Assert.Equal(reply["id"]!.GetValue<string>(), a["id"]!.GetValue<string>()));
        Assert.Contains("Approved as M-1", DirectLineClient.Texts(DirectLineClient.CardOf(chat.Activity(reply["id"]!.GetValue<string>()))!));
    }

    [Theory, Sqlite, Postgres]
    public async Task Rejecting_with_a_reason_makes_no_mission(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await chat.SendAsync("draft the holiday schedule announcement");
        await chat.PollAsync();
        var card = chat.LastCard();

        await chat.ClickAsync(card, "confirmReject", new Dictionary<string, string?> { ["rejectReason"] = "HR already sent it" });
        await chat.PollAsync();

        var decided = chat.LastCard();
        Assert.Contains("Rejected", DirectLineClient.Texts(decided));
        Assert.Contains("HR already sent it", Facts(decided).Select(f => f.Value));
        Assert.Empty(DirectLineClient.ActionIds(decided));
        Assert.Equal(0, await app.WithDbAsync(db => db.Missions.CountAsync()));
        var proposal = await app.WithDbAsync(db => db.Proposals.SingleAsync());
        Assert.Equal(ProposalStatus.Rejected, proposal.Status);
        Assert.Equal("HR already sent it", proposal.RejectionReason);
    }

    [Fact]
    public async Task A_submit_style_click_is_handled_too()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await chat.SendAsync("write the Q4 newsletter by Friday");
        await chat.PollAsync();
        var proposal = await app.WithDbAsync(db => db.Proposals.SingleAsync());

        // Action.Submit (and Teams' messageBack) arrive as a message whose value carries the data; the verb may be missing.
        await chat.PostActivityAsync(new JsonObject
        {
            ["type"] = "message",
            ["value"] = new JsonObject { ["verb"] = "proposal.approve", ["proposalId"] = proposal.Id.ToString(), ["title"] = "Q4 newsletter" },
            ["channelData"] = new JsonObject { ["clientActivityID"] = "submit-1" },
        });
        await chat.PollAsync();

        var mission = await app.WithDbAsync(db => db.Missions.SingleAsync());
        Assert.Equal("Q4 newsletter", mission.Title);
        // The proposal's own message shows the decision (a newsletter matches an auto-run blueprint, so a run's cards may follow it).
        var cardMessage = await app.CardMessageIdAsync(proposal.Id);
        Assert.Contains("Approved as M-1", DirectLineClient.Texts(DirectLineClient.CardOf(chat.Activity(cardMessage))!));
    }

    [Fact]
    public async Task Two_clicks_at_once_make_one_mission_and_both_show_the_decision()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await chat.SendAsync("compare Stripe and Adyen fees for the finance team");
        var reply = (await chat.PollAsync()).Last(a => a["from"]!["role"]!.GetValue<string>() == "bot");
        var card = DirectLineClient.CardOf(reply)!;
        var gate = app.Services.GetRequiredService<WriteGate>();

        Task<string> first, second;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The writer is busy, so both clicks read the pending proposal (before their write transactions) and
            // queue for the writer: the second one's read is out of date by the time it writes.
            var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
            await using var busy = await db.BeginWriteAsync(CancellationToken.None);
            first = chat.ClickAsync(card, "approve");
            second = chat.ClickAsync(card, "approve");
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (gate.Waiting < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "The clicks never reached the writer.");
                await Task.Delay(10);
            }
        }

        await Task.WhenAll(first, second);
        Assert.Equal(1, await app.WithDbAsync(db => db.Missions.CountAsync()));
        var answers = await chat.PollAsync();
        // Both clicks answer with the decided card in place of the proposal; neither reports a conflict.
        Assert.Equal(2, answers.Count);
        Assert.All(answers, a =>
        {
            Assert.Equal(reply["id"]!.GetValue<string>(), a["id"]!.GetValue<string>());
            Assert.Contains("Approved as M-1", DirectLineClient.Texts(DirectLineClient.CardOf(a)!));
        });
    }

    [Fact]
    public async Task A_retried_delivery_is_answered_again_and_never_handled_twice()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());

        var first = await chat.SendAsync("compare Stripe and Adyen fees", clientActivityId: "retry-me");
        var second = await chat.SendAsync("compare Stripe and Adyen fees", clientActivityId: "retry-me");

        Assert.Equal(first, second);
        Assert.Equal(1, await app.WithDbAsync(db => db.Proposals.CountAsync()));
        await chat.PollAsync();
        Assert.Single(chat.Transcript, a => a["from"]!["role"]!.GetValue<string>() == "user");
    }

    [Theory, Sqlite, Postgres]
    public async Task Commands_in_plain_words(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await app.CreateMissionAsync("Compare competitor pricing");
        await app.CreateMissionAsync("Fix the login bug");

        await chat.SendAsync("help");
        await chat.PollAsync();
        Assert.Contains("**board**", chat.LastText(), StringComparison.Ordinal);

        await chat.SendAsync("board");
        await chat.PollAsync();
        var board = chat.LastCard();
        Assert.Contains("Backlog (2)", DirectLineClient.Texts(board));
        // The number in bold by the element, beside the title: no Markdown, which web chat's renderer shows as written.
        Assert.Contains("M-1", DirectLineClient.Texts(board));
        Assert.Contains(DirectLineClient.Texts(board), t => t.StartsWith("Compare competitor pricing", StringComparison.Ordinal));
        Assert.DoesNotContain(DirectLineClient.Texts(board), t => t.Contains("**", StringComparison.Ordinal));

        await chat.SendAsync("move M-2 to in progress");
        await chat.PollAsync();
        Assert.Contains("Moved M-2 to in progress.", chat.Transcript.Select(a => a["text"]?.GetValue<string>()));
        Assert.Contains("M-2 · In progress", DirectLineClient.Texts(chat.LastCard()));

        await chat.SendAsync("move M-1 to done");
        await chat.PollAsync();
        Assert.Contains("must be started", chat.LastText(), StringComparison.Ordinal);

        await chat.SendAsync("comment M-1 use the Q3 list from finance");
        await chat.PollAsync();
        Assert.Equal("Added your comment to M-1.", chat.LastText());

        await chat.SendAsync("show m-1");
        await chat.PollAsync();
        Assert.Contains("Comments", DirectLineClient.Texts(chat.LastCard()).Concat(FactTitles(chat.LastCard())));

        await chat.SendAsync("cancel M-2");
        await chat.PollAsync();
        Assert.StartsWith("Cancelled M-2", chat.LastText(), StringComparison.Ordinal);

        await chat.SendAsync("show M-404");
        await chat.PollAsync();
        Assert.Contains("There is no mission M-404", chat.LastText(), StringComparison.Ordinal);

        await chat.SendAsync("my missions");
        await chat.PollAsync();
        Assert.Contains("You have no open missions", string.Join(' ', DirectLineClient.Texts(chat.LastCard())), StringComparison.Ordinal);

        using var api = app.CreateClient();
        var comments = (await api.GetFromJsonAsync<JsonArray>("/api/missions/M-1/comments"))!;
        Assert.Equal("use the Q3 list from finance", comments.Single()!["text"]!.GetValue<string>());
        Assert.Equal("Cancelled", (await MissionsApp.ReadOkAsync(await api.GetAsync("/api/missions/M-2")))["status"]!.GetValue<string>());
    }

    private static IEnumerable<(string Title, string Value)> Facts(JsonObject card) =>
        card["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "FactSet")
            .SelectMany(f => f!["facts"]!.AsArray()).Select(f => (f!["title"]!.GetValue<string>(), f["value"]!.GetValue<string>()));

    private static IEnumerable<string> FactTitles(JsonObject card) =>
        card["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "FactSet")
            .SelectMany(f => f!["facts"]!.AsArray()).Select(f => f!["title"]!.GetValue<string>());
}
