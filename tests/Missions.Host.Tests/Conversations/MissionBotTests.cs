using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;
using Missions.Host.Web;

namespace Missions.Host.Tests.Conversations;

/// <summary>
/// The bot with no channel at all: turns of words and typed buttons in, views out. What every channel relies on —
/// commands, proposals, each button, and every refusal — holds here, before any wire format is involved.
/// </summary>
public sealed class MissionBotTests
{
    [Fact]
    public async Task Help_and_empty_text_list_the_commands()
    {
        await using var bot = await BotHarness.StartAsync();
        var here = await bot.ConversationAsync();

        Assert.Equal(ChatCommands.Help, BotHarness.Only<HelpView>(await bot.SayAsync(here, "help")).Lines);
        Assert.Equal(ChatCommands.Help, BotHarness.Only<HelpView>(await bot.SayAsync(here, "   ")).Lines);
    }

    [Fact]
    public async Task A_greeting_or_thanks_on_its_own_is_answered_in_kind_and_proposes_nothing()
    {
        await using var bot = await BotHarness.StartAsync();
        var here = await bot.ConversationAsync();

        foreach (var hello in new[] { "hi", "Hello!", "hey there", "good morning team", "hi 👋" })
        {
            Assert.Equal(ChatCommands.Greeting, BotHarness.Only<NoticeView>(await bot.SayAsync(here, hello)).Text);
        }

        foreach (var thanks in new[] { "thanks!", "Thank you so much", "thx", "ok", "great, thanks", "cheers", "👍", "got it." })
        {
            Assert.Equal(ChatCommands.Acknowledged, BotHarness.Only<NoticeView>(await bot.SayAsync(here, thanks)).Text);
        }

        Assert.Equal(0, await bot.App.WithDbAsync(db => db.Proposals.CountAsync()));

        // Anything more than that is a request, greeting or not.
        foreach (var request in new[] { "hi, can you draft the partner newsletter", "thanks, now draft the partner newsletter", "ok draft the partner newsletter" })
        {
            Assert.IsType<RequestCommand>(ChatCommands.Parse(request));
        }

        Assert.Equal("Draft the partner newsletter", (await bot.ProposeAsync(here, "hi! can you draft the partner newsletter")).Title);
    }

    [Theory, Sqlite, Postgres]
    public async Task A_request_becomes_a_pending_proposal_of_this_conversation_and_approving_it_with_edits_makes_one_mission(Provider provider)
    {
        await using var bot = await BotHarness.StartAsync(provider);
        var here = await bot.ConversationAsync();

        var proposal = await bot.ProposeAsync(here, "can someone pull together a competitor pricing summary for the Q3 deck by Friday?");
        Assert.Equal(ProposalStatus.Pending, proposal.Status);
        Assert.StartsWith("Pull together a competitor pricing summary", proposal.Title, StringComparison.Ordinal);
        Assert.Equal("Alice", proposal.RequestedByName);
        var stored = await bot.App.WithDbAsync(db => db.Proposals.SingleAsync());
        Assert.Equal(here, stored.ConversationReferenceId);
        Assert.Equal("user-alice", stored.RequestedById);

        var edits = new ProposalEdits(Title: Patch.Of<string>("Competitor pricing one-pager"));
        var approved = await bot.PressAsync(here, new ApproveProposal(proposal.Id, edits), BotHarness.Bob);
        // The decision replaced the card already (the outbox has it); the reply carries it for channels that answer inline.
        Assert.Empty(approved.Posts);
        var decided = Assert.IsType<ProposalView>(approved.ActionResult);
        Assert.Equal((ProposalStatus.Approved, "M-1", "Bob"), (decided.Status, decided.MissionNumber, decided.DecidedByName));
        Assert.EndsWith("/missions/M-1", decided.MissionUrl, StringComparison.Ordinal);

        // A second click changes nothing and shows the decision again, in place.
        var again = await bot.PressAsync(here, new ApproveProposal(proposal.Id, edits));
        Assert.Equal(again.ActionResult, Assert.Single(again.Posts));
        Assert.Equal(ProposalStatus.Approved, ((ProposalView)again.ActionResult!).Status);
        var mission = await bot.App.WithDbAsync(db => db.Missions.SingleAsync());
        Assert.Equal(("Competitor pricing one-pager", "user-alice", "user-bob"), (mission.Title, mission.RequestedById, mission.ApprovedById));
    }

    [Fact]
    public async Task Rejecting_keeps_the_reason_and_makes_no_mission()
    {
        await using var bot = await BotHarness.StartAsync();
        var here = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(here, "draft the holiday schedule announcement");

        var rejected = (ProposalView)(await bot.PressAsync(here, new RejectProposal(proposal.Id, "HR already sent it"))).ActionResult!;

        Assert.Equal((ProposalStatus.Rejected, "HR already sent it"), (rejected.Status, rejected.RejectionReason));
        Assert.Equal(0, await bot.App.WithDbAsync(db => db.Missions.CountAsync()));
    }

    [Fact]
    public async Task Buttons_about_a_proposal_or_run_of_another_conversation_change_nothing()
    {
        await using var bot = await BotHarness.StartAsync();
        var mine = await bot.ConversationAsync();
        var theirs = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(theirs, "pull together a pricing summary for the finance team");

        var forged = await Assert.ThrowsAsync<DomainException>(() => bot.PressAsync(mine, new ApproveProposal(proposal.Id, new ProposalEdits(Title: Patch.Of<string>("Mine now")))));
        Assert.Equal(Refusal.NotPermitted, forged.Kind);
        await Assert.ThrowsAsync<DomainException>(() => bot.PressAsync(mine, new RejectProposal(proposal.Id, null)));
        Assert.Equal(ProposalStatus.Pending, (await bot.App.WithDbAsync(db => db.Proposals.SingleAsync())).Status);

        // Their mission's run: its cards went to their conversation, so nobody elsewhere may cancel or review it by id.
        await bot.PressAsync(theirs, new ApproveProposal(proposal.Id, new ProposalEdits()));
        await bot.SayAsync(theirs, "run M-1");
        var run = await bot.App.WithDbAsync(db => db.Runs.SingleAsync());
        foreach (var action in new ChatAction[] { new CancelRun(run.Id), new RetryRun(run.Id), new ApproveReview(run.Id), new RequestChanges(run.Id, "more") })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => bot.PressAsync(mine, action));
            Assert.Equal(Refusal.NotPermitted, refused.Kind);
        }

        Assert.NotEqual(RunStatus.Cancelled, (await bot.App.WithDbAsync(db => db.Runs.SingleAsync(r => r.Id == run.Id))).Status);
    }

    [Fact]
    public async Task Only_verified_identities_on_the_approver_list_may_decide_never_a_display_name()
    {
        await using var bot = await BotHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Missions:Approvers:Allowed:0"] = "Alice",                                // a name: matches nobody
            ["Missions:Approvers:Allowed:1"] = "1f0c5ad3-2b7e-4c61-9d2e-0c8f7a3b9e11", // an Entra object id
        });
        var here = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(here, "write the Q4 partner newsletter");

        var byName = await bot.PressAsync(here, new ApproveProposal(proposal.Id, new ProposalEdits()), new ChatUser("user-x", "Alice"));
        Assert.Contains("may not approve", BotHarness.Only<NoticeView>(byName).Text, StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Pending, ((ProposalView)byName.ActionResult!).Status); // the card stays as it was

        var byDirectory = await bot.PressAsync(here, new ApproveProposal(proposal.Id, new ProposalEdits()), new ChatUser("29:carol", "Carol", "1f0c5ad3-2b7e-4c61-9d2e-0c8f7a3b9e11"));
        Assert.Equal(ProposalStatus.Approved, ((ProposalView)byDirectory.ActionResult!).Status);
    }

    [Theory, Sqlite, Postgres]
    public async Task Commands_list_show_move_comment_cancel_and_refuse_with_reasons(Provider provider)
    {
        await using var bot = await BotHarness.StartAsync(provider);
        var here = await bot.ConversationAsync();
        await bot.App.CreateMissionAsync("Compare competitor pricing");
        await bot.App.CreateMissionAsync("Fix the login bug");

        var board = BotHarness.Only<BoardView>(await bot.SayAsync(here, "board"));
        Assert.Equal(["Backlog", "In progress", "Review", "Done"], board.Columns.Select(c => c.Title));
        Assert.Equal(["M-1", "M-2"], board.Columns[0].Missions.Select(m => m.Number));
        Assert.EndsWith("/board", board.Url, StringComparison.Ordinal);

        var moved = await bot.SayAsync(here, "move M-2 to in progress");
        Assert.Equal("Moved M-2 to in progress.", Assert.IsType<NoticeView>(moved.Posts[0]).Text);
        Assert.Equal(MissionStatus.InProgress, Assert.IsType<MissionView>(moved.Posts[1]).Status);
        Assert.Contains("I don't know the column", BotHarness.Only<NoticeView>(await bot.SayAsync(here, "move M-2 to somewhere")).Text, StringComparison.Ordinal);
        var lifecycle = await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "move M-1 to done"));
        Assert.Equal((Refusal.Conflict, "invalid-transition"), (lifecycle.Kind, lifecycle.Code));

        Assert.Equal("Added your comment to M-1.", BotHarness.Only<NoticeView>(await bot.SayAsync(here, "comment M-1 use the Q3 list from finance")).Text);
        var shown = BotHarness.Only<MissionView>(await bot.SayAsync(here, "show m-1"));
        Assert.Equal((1, "Compare competitor pricing"), (shown.CommentCount, shown.Title));

        Assert.StartsWith("Cancelled M-2", BotHarness.Only<NoticeView>(await bot.SayAsync(here, "cancel M-2")).Text, StringComparison.Ordinal);
        Assert.Equal(MissionStatus.Cancelled, (await bot.App.WithDbAsync(db => db.Missions.SingleAsync(m => m.Number == 2))).Status);

        Assert.Equal(Refusal.NotFound, (await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "show M-404"))).Kind);
        Assert.Equal(Refusal.Invalid, (await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "show M-99999999999999999999"))).Kind);
        Assert.Equal(Refusal.Invalid, (await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, new string('y', MissionBot.MaxRequestLength + 1)))).Kind);
        Assert.Equal("Your open missions", BotHarness.Only<MissionListView>(await bot.SayAsync(here, "my missions")).Heading);

        // Lists by column, everyone's or only mine (M-2 was cancelled above, M-1 is in the backlog).
        var backlog = BotHarness.Only<MissionListView>(await bot.SayAsync(here, "list backlog"));
        Assert.Equal("Missions in backlog", backlog.Heading);
        Assert.Equal(["M-1"], backlog.Missions.Select(m => m.Number));
        Assert.Equal(["M-1"], BotHarness.Only<MissionListView>(await bot.SayAsync(here, "list")).Missions.Select(m => m.Number));
        Assert.Equal(["M-2"], BotHarness.Only<MissionListView>(await bot.SayAsync(here, "list cancelled")).Missions.Select(m => m.Number));
        var mineInReview = BotHarness.Only<MissionListView>(await bot.SayAsync(here, "list review mine"));
        Assert.Equal(("Your missions in review", "You have no missions in review."), (mineInReview.Heading, mineInReview.EmptyText));
        Assert.Empty(mineInReview.Missions);
        // A list that names no column is a request, not a command.
        Assert.IsType<RequestCommand>(ChatCommands.Parse("list our three biggest competitors"));
        Assert.Equal(new ListCommand(null, true), ChatCommands.Parse("list open mine"));
    }

    [Fact]
    public async Task Run_stop_and_the_run_buttons_queue_cancel_and_retry_a_run()
    {
        await using var bot = await BotHarness.StartAsync(settings: new Dictionary<string, string?> { ["Missions:Runs:MaxConcurrent"] = "1", ["Missions:Runs:OfflineStepDelay"] = "00:00:05" });
        var here = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(here, "research onboarding tools for the support team");
        await bot.PressAsync(here, new ApproveProposal(proposal.Id, new ProposalEdits()));

        Assert.StartsWith("Queued a run of M-1", BotHarness.Only<NoticeView>(await bot.PressAsync(here, new RunMission(1))).Text, StringComparison.Ordinal);
        Assert.Contains("already has a run", BotHarness.Only<NoticeView>(await bot.SayAsync(here, "run M-1")).Text, StringComparison.Ordinal);
        var run = await bot.App.WithDbAsync(db => db.Runs.SingleAsync());

        var cancelled = await bot.PressAsync(here, new CancelRun(run.Id));
        Assert.Equal(RunStatus.Cancelled, Assert.IsType<RunProgressView>(cancelled.ActionResult).Status);
        Assert.Empty(cancelled.Posts); // stopping it updated its card already
        var late = await bot.PressAsync(here, new CancelRun(run.Id));
        Assert.Equal(late.ActionResult, Assert.Single(late.Posts)); // a second click shows how it ended

        Assert.StartsWith("Retrying M-1 (attempt 2)", BotHarness.Only<NoticeView>(await bot.PressAsync(here, new RetryRun(run.Id))).Text, StringComparison.Ordinal);
        Assert.Equal("Stopped the run.", BotHarness.Only<NoticeView>(await bot.SayAsync(here, "stop M-1")).Text);
        Assert.Equal(Refusal.NotFound, (await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "stop M-1"))).Kind);
    }

    [Fact]
    public async Task A_button_the_bot_cannot_read_gets_a_notice_and_changes_nothing()
    {
        await using var bot = await BotHarness.StartAsync();
        var here = await bot.ConversationAsync();

        var reply = await bot.PressAsync(here, new UnknownAction("That button is not one I know; it may be from an older card."));
        Assert.Equal("That button is not one I know; it may be from an older card.", BotHarness.Only<NoticeView>(reply).Text);
        Assert.Equal("That proposal no longer exists.", BotHarness.Only<NoticeView>(await bot.PressAsync(here, new ApproveProposal(Guid.NewGuid(), new ProposalEdits()))).Text);
        Assert.Equal(0, await bot.App.WithDbAsync(db => db.Proposals.CountAsync()));
    }
}
