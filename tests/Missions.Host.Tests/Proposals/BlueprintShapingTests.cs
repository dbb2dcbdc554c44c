using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Missions.Host.Conversations;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Proposals;

/// <summary>
/// Blueprints shape the mission: picked on the proposal, one fills the objective from its template, brings its tasks,
/// staff member and auto-run, and asks its context checklist as the proposal's questions; changing it takes the old
/// checklist away. Answers given on the card become the mission's context; an auto-run mission whose checklist is not
/// all answered does not start by itself, and its card says what it waits for and offers Run anyway.
/// </summary>
public sealed class BlueprintShapingTests
{
    private static readonly DateTimeOffset Start = new(2031, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Theory, Sqlite, Postgres]
    public async Task A_blueprint_picked_on_the_proposal_shapes_it_and_its_answers_become_the_missions_context(Provider provider)
    {
        await using var bot = await BotHarness.StartAsync(provider, null, new FakeTimeProvider(Start));
        var here = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(here, "research onboarding tools for the support team");
        Assert.Null(proposal.BlueprintName);
        Assert.Contains(proposal.BlueprintOptions!, o => o.Title == "Competitor summary");
        var competitors = Guid.Parse(proposal.BlueprintOptions!.Single(o => o.Title == "Competitor summary").Id);
        var announcement = Guid.Parse(proposal.BlueprintOptions!.Single(o => o.Title == "Announcement draft").Id);
        var own = proposal.Questions;

        var shaped = Card(await bot.PressAsync(here, new EditProposal(proposal.Id, proposal.Version, new ProposalEdits(BlueprintId: Patch(competitors)))));
        Assert.Equal("Competitor summary", shaped.BlueprintName);
        Assert.Equal("A one-page comparison of competitors on research onboarding tools for the support team, with what it means for our position.", shaped.Objective);
        Assert.Equal(["List the competitors and sources", "Compare them on the topic", "Write the summary and recommendation"], shaped.Tasks);
        Assert.Equal([.. own, "Which competitors matter?", "Where the result will be used?", "Deadline?"], shaped.Questions);
        Assert.Equal(("Researcher", false), (shaped.AssigneeName, shaped.AutoRun));

        // Another blueprint: its shape in place of the first one's (the first one's checklist goes).
        var reshaped = Card(await bot.PressAsync(here, new EditProposal(proposal.Id, shaped.Version, new ProposalEdits(BlueprintId: Patch(announcement)))));
        Assert.Equal("A ready-to-review announcement about research onboarding tools for the support team for [audience].", reshaped.Objective);
        Assert.Equal([.. own, "Audience?", "Channel (blog, email, chat)?", "Key facts and dates?"], reshaped.Questions);
        Assert.Equal(["Collect the facts", "Draft the announcement", "Tighten and check tone"], reshaped.Tasks);
        Assert.Equal(("Writer", true), (reshaped.AssigneeName, reshaped.AutoRun));

        // Approved with one checklist question answered: the mission has the tasks and the context, and does not start
        // by itself; its card says what it waits for.
        var answers = reshaped.Questions.Select(q => q == "Audience?" ? "Customers on the Team plan" : "").ToList();
        var approved = Card(await bot.PressAsync(here, new ApproveProposal(proposal.Id, new ProposalEdits(Answers: answers))));
        Assert.Equal(["Channel (blog, email, chat)?", "Key facts and dates?"], approved.Waiting);
        var mission = await bot.App.WithDbAsync(db => db.Missions.AsNoTracking().SingleAsync());
        Assert.Equal(["Audience? — Customers on the Team plan"], mission.Context);
        Assert.True(mission.AutoRun);
        Assert.Equal(["Collect the facts", "Draft the announcement", "Tighten and check tone"],
            await bot.App.WithDbAsync(db => db.MissionTasks.Where(t => t.MissionId == mission.Id).OrderBy(t => t.Position).Select(t => t.Title).ToListAsync()));
        Assert.Equal(0, await bot.App.WithDbAsync(db => db.Runs.CountAsync()));
        Assert.Contains("Not started by itself", Host.Cards.ViewCards.Render(approved).CardJson, StringComparison.Ordinal);
        Assert.Contains("\"Run anyway\"", Host.Cards.ViewCards.Render(approved).CardJson, StringComparison.Ordinal);

        // Every checklist question answered: approving starts it.
        var second = await bot.ProposeAsync(here, "draft the launch announcement for customers");
        var draft = Card(await bot.PressAsync(here, new EditProposal(second.Id, second.Version, new ProposalEdits(BlueprintId: Patch(announcement)))));
        var all = draft.Questions.Select(q => q.EndsWith('?') && !own.Contains(q) ? "Known" : "").ToList();
        var started = Card(await bot.PressAsync(here, new ApproveProposal(second.Id, new ProposalEdits(Answers: all))));
        Assert.Empty(started.Waiting ?? []);
        Assert.Equal(1, await bot.App.WithDbAsync(db => db.Runs.CountAsync()));
    }

    [Fact]
    public async Task Answers_sent_with_a_blueprint_change_stay_with_their_questions()
    {
        await using var bot = await BotHarness.StartAsync(Provider.Sqlite, null, new FakeTimeProvider(Start));
        var here = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(here, "research onboarding tools for the support team");
        var own = proposal.Questions;
        Assert.NotEmpty(own);
        var announcement = Guid.Parse(proposal.BlueprintOptions!.Single(o => o.Title == "Announcement draft").Id);
        var competitors = Guid.Parse(proposal.BlueprintOptions!.Single(o => o.Title == "Competitor summary").Id);
        var shaped = Card(await bot.PressAsync(here, new EditProposal(proposal.Id, proposal.Version, new ProposalEdits(BlueprintId: Patch(announcement)))));

        // Answered as the card showed the questions, and another blueprint picked in the same press.
        var answers = shaped.Questions.Select(q => q == own[0] ? "Within two weeks" : q == "Audience?" ? "Support agents" : "").ToList();
        var reshaped = Card(await bot.PressAsync(here, new EditProposal(proposal.Id, shaped.Version, new ProposalEdits(BlueprintId: Patch(competitors), Answers: answers))));

        Assert.Equal([.. own, "Which competitors matter?", "Where the result will be used?", "Deadline?"], reshaped.Questions);
        Assert.Equal("Within two weeks", reshaped.AnswerAt(0));
        Assert.DoesNotContain("Support agents", reshaped.Answers ?? []);
    }

    [Fact]
    public async Task The_proposers_suggestion_brings_the_blueprints_tasks_and_checklist_and_keeps_its_own_objective()
    {
        await using var bot = await BotHarness.StartAsync(Provider.Sqlite, null, new FakeTimeProvider(Start));
        var here = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(here, "compare Stripe and Adyen fees for the finance team");

        Assert.Equal("Competitor summary", proposal.BlueprintName);
        Assert.Equal(["List the competitors and sources", "Compare them on the topic", "Write the summary and recommendation"], proposal.Tasks);
        Assert.Contains("Which competitors matter?", proposal.Questions);
        Assert.DoesNotContain("{topic}", proposal.Objective, StringComparison.Ordinal);
        Assert.DoesNotContain("one-page comparison of competitors on", proposal.Objective, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_the_API_a_blueprint_is_picked_and_questions_answered_on_a_proposal_and_its_card_follows()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await chat.SendAsync("research onboarding tools for the support team");
        var card = (await chat.PollAsync()).Last(a => DirectLineClient.CardOf(a) is not null);
        var proposal = await app.WithDbAsync(db => db.Proposals.AsNoTracking().SingleAsync());
        var blueprint = await app.WithDbAsync(db => db.Blueprints.Where(b => b.Name == "Competitor summary").Select(b => b.Id).SingleAsync());
        using var api = app.CreateClient();

        using var withoutVersion = new HttpRequestMessage(HttpMethod.Patch, $"/api/proposals/{proposal.Id}") { Content = JsonContent.Create(new { blueprintId = blueprint }) };
        Assert.Equal(System.Net.HttpStatusCode.PreconditionRequired, (await api.SendAsync(withoutVersion)).StatusCode);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/proposals/{proposal.Id}") { Content = JsonContent.Create(new { blueprintId = blueprint }) };
        patch.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{proposal.Version}\""));
        var shaped = await MissionsApp.ReadOkAsync(await api.SendAsync(patch));
        Assert.Equal(3, shaped["tasks"]!.AsArray().Count);
        var questions = shaped["questions"]!.AsArray().Select(q => q!.GetValue<string>()).ToList();
        Assert.Contains("Which competitors matter?", questions);

        // The card in the conversation follows, in place.
        var replaced = Assert.Single(await chat.PollAsync(), a => a["id"]!.GetValue<string>() == card["id"]!.GetValue<string>());
        Assert.Contains("1. List the competitors and sources", DirectLineClient.Texts(DirectLineClient.CardOf(replaced)!));

        var answers = questions.Select(q => q == "Which competitors matter?" ? "Intercom and Zendesk" : "").ToList();
        var approved = await MissionsApp.ReadOkAsync(await api.PostAsJsonAsync($"/api/proposals/{proposal.Id}/approve", new { answers }));
        Assert.Equal("Intercom and Zendesk", approved["answers"]![questions.IndexOf("Which competitors matter?")]!.GetValue<string>());
        Assert.Equal(["Which competitors matter? — Intercom and Zendesk"], await app.WithDbAsync(db => db.Missions.Select(m => m.Context).SingleAsync()));
    }

    [Fact]
    public async Task In_web_chat_Save_changes_on_the_card_shapes_it_in_place()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await chat.SendAsync("research onboarding tools for the support team");
        await chat.PollAsync();
        var card = chat.LastCard();
        var blueprint = await app.WithDbAsync(db => db.Blueprints.Where(b => b.Name == "Announcement draft").Select(b => b.Id).SingleAsync());
        await chat.ClickAsync(card, "save", new Dictionary<string, string?> { ["blueprintId"] = blueprint.ToString() });
        await chat.PollAsync();
        Assert.Contains("1. Collect the facts", DirectLineClient.Texts(chat.LastCard()));
    }

    private static ProposalView Card(BotReply reply) => Assert.IsType<ProposalView>(reply.ActionResult);

    private static Host.Web.Patch<Guid?> Patch(Guid id) => Host.Web.Patch.Of<Guid?>(id);
}
