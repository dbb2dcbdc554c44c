using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;
using Missions.Host.Workspace;

namespace Missions.Host.Tests.Conversations;

/// <summary>
/// Who may do what, and where, as the bot decides it for every channel: a mission is seen and changed only from the
/// workspace it was asked in (and those joined to it), and only a permitted reviewer makes it done.
/// </summary>
public sealed class WhoMayDoWhatTests
{
    private const string TenantA = "msteams:11111111-1111-4111-8111-111111111111";
    private const string TenantB = "msteams:22222222-2222-4222-8222-222222222222";
    private const string ServerX = "discord:772904309264089089";

    private static readonly ChatUser Alice = BotHarness.Alice;
    private static readonly ChatUser Bob = BotHarness.Bob;

    /// <summary>A request in <paramref name="workspace"/>, approved there: the mission's number.</summary>
    private static async Task<long> MissionAsync(BotHarness bot, Guid conversation, string workspace, string request)
    {
        var proposal = Assert.IsType<ProposalView>(Assert.Single((await bot.SayAsync(conversation, request, workspace: workspace)).Posts));
        var approved = Assert.IsType<ProposalView>((await bot.PressAsync(conversation, new ApproveProposal(proposal.Id, new ProposalEdits()), workspace: workspace)).ActionResult);
        return long.Parse(approved.MissionNumber!["M-".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<DomainException> NoSuchMissionAsync(Func<Task> act, long number)
    {
        var refused = await Assert.ThrowsAsync<DomainException>(act);
        Assert.Equal((Refusal.NotFound, $"There is no mission M-{number}."), (refused.Kind, refused.Message));
        return refused;
    }

    [Theory, Sqlite, Postgres]
    public async Task A_mission_answers_only_in_the_workspace_it_was_asked_in_and_any_other_number_is_no_mission(Provider provider)
    {
        await using var bot = await BotHarness.StartAsync(provider);
        var web = await bot.ConversationAsync();
        var teamsA = await bot.ConversationAsync();
        var teamsB = await bot.ConversationAsync();
        var local = await MissionAsync(bot, web, Workspaces.Local, "compare Stripe and Adyen fees for the finance team");
        var ofA = await MissionAsync(bot, teamsA, TenantA, "research onboarding tools for the support team");
        Assert.Equal((1, 2), (local, ofA));
        Assert.Equal([Workspaces.Local, TenantA], await bot.App.WithDbAsync(db => db.Missions.OrderBy(m => m.Number).Select(m => m.Workspace).ToListAsync()));

        // From another tenant, every command about either mission answers as if it did not exist, and changes nothing.
        foreach (var number in new[] { local, ofA })
        {
            foreach (var command in new[] { "show M-{0}", "comment M-{0} this is mine now", "cancel M-{0}", "move M-{0} to in progress", "run M-{0}", "replay M-{0}", "stop M-{0}" })
            {
                await NoSuchMissionAsync(() => bot.SayAsync(teamsB, string.Format(System.Globalization.CultureInfo.InvariantCulture, command, number), Bob, TenantB), number);
            }

            // The mission card's buttons too (their data can be forged).
            await NoSuchMissionAsync(() => bot.PressAsync(teamsB, new RunMission(number), Bob, TenantB), number);
            await NoSuchMissionAsync(() => bot.PressAsync(teamsB, new ReplayMission(number), Bob, TenantB), number);
        }

        // Lists and the board show the asker's workspace only.
        var boardB = BotHarness.Only<BoardView>(await bot.SayAsync(teamsB, "board", Bob, TenantB));
        Assert.All(boardB.Columns, c => Assert.Empty(c.Missions));
        Assert.Empty(BotHarness.Only<MissionListView>(await bot.SayAsync(teamsB, "list", Bob, TenantB)).Missions);
        Assert.Equal(["M-2"], BotHarness.Only<BoardView>(await bot.SayAsync(teamsA, "board", workspace: TenantA)).Columns[0].Missions.Select(m => m.Number));
        Assert.Equal(["M-1"], BotHarness.Only<MissionListView>(await bot.SayAsync(web, "my missions")).Missions.Select(m => m.Number));

        // Nothing of theirs changed.
        var missions = await bot.App.WithDbAsync(db => db.Missions.AsNoTracking().OrderBy(m => m.Number).ToListAsync());
        Assert.All(missions, m => Assert.Equal((MissionStatus.Backlog, 1L), (m.Status, m.Version)));
        Assert.Equal(0, await bot.App.WithDbAsync(db => db.Comments.CountAsync()));
        Assert.Equal(0, await bot.App.WithDbAsync(db => db.Runs.CountAsync()));

        // At home, the same commands work.
        Assert.Equal("Research onboarding tools for the support team", BotHarness.Only<MissionView>(await bot.SayAsync(teamsA, "show M-2", workspace: TenantA)).Title);
        Assert.Equal("Added your comment to M-1.", BotHarness.Only<NoticeView>(await bot.SayAsync(web, "comment M-1 use the finance list")).Text);

        // A look-alike request in another workspace is not told of the mission elsewhere (its title is not theirs to see).
        var here = Assert.IsType<ProposalView>(Assert.Single((await bot.SayAsync(teamsA, "research onboarding tools for the support team", workspace: TenantA)).Posts));
        Assert.Contains("M-2", here.DuplicateHint, StringComparison.Ordinal);
        var there = Assert.IsType<ProposalView>(Assert.Single((await bot.SayAsync(teamsB, "research onboarding tools for the support team", Bob, TenantB)).Posts));
        Assert.Null(there.DuplicateHint);
    }

    [Fact]
    public async Task Workspaces_an_operator_joined_see_each_others_missions_and_no_one_else_does()
    {
        await using var bot = await BotHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Missions:Workspaces:Joined:0:0"] = TenantA,
            ["Missions:Workspaces:Joined:0:1"] = ServerX,
        });
        var teamsA = await bot.ConversationAsync();
        var discord = await bot.ConversationAsync();
        var teamsB = await bot.ConversationAsync();
        var number = await MissionAsync(bot, teamsA, TenantA, "draft the partner newsletter for October");

        Assert.Equal("M-1", BotHarness.Only<MissionView>(await bot.SayAsync(discord, "show M-1", Bob, ServerX)).Number);
        Assert.Equal("Added your comment to M-1.", BotHarness.Only<NoticeView>(await bot.SayAsync(discord, "comment M-1 from the Discord side", Bob, ServerX)).Text);
        await NoSuchMissionAsync(() => bot.SayAsync(teamsB, "show M-1", Bob, TenantB), number);
    }

    [Theory, Sqlite, Postgres]
    public async Task Only_a_permitted_reviewer_makes_a_mission_done_from_chat_and_that_decides_the_result_waiting_for_review(Provider provider)
    {
        await using var bot = await BotHarness.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Missions:Approvers:Allowed:0"] = Alice.Id,
            ["Missions:Runs:OfflineStepDelay"] = "00:00:00.010",
            ["Missions:Runs:PollInterval"] = "00:00:00.200",
        });
        var here = await bot.ConversationAsync();
        await MissionAsync(bot, here, Workspaces.Local, "research onboarding tools for the support team");
        await bot.SayAsync(here, "run M-1");
        await bot.App.WaitForAsync(db => db.Missions.Where(m => m.Number == 1 && m.Status == MissionStatus.Review).Select(m => m.Title).FirstOrDefaultAsync());

        // Bob may ask and comment, but not skip review: told why, nothing changes.
        var refused = await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "move M-1 to done", Bob));
        Assert.Equal((Refusal.NotPermitted, "Bob may not review results or mark missions done here; ask a reviewer."), (refused.Kind, refused.Message));
        var run = await bot.App.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync());
        Assert.Null(run.ReviewOutcome);
        Assert.Equal(MissionStatus.Review, await bot.App.WithDbAsync(db => db.Missions.Select(m => m.Status).SingleAsync()));

        // Alice's move is a review decision: the result is approved by her, and its review prompt says so in place.
        var moved = await bot.SayAsync(here, "move M-1 to done", Alice);
        Assert.Equal("Moved M-1 to done.", Assert.IsType<NoticeView>(moved.Posts[0]).Text);
        run = await bot.App.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync());
        Assert.Equal((ReviewOutcome.Approved, "Alice"), (run.ReviewOutcome, run.ReviewedByName));
        var prompt = await bot.App.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(o => o.ViewKey == $"review:{run.Id:N}").OrderBy(o => o.Id).Select(o => o.PayloadJson).ToListAsync());
        Assert.Contains("\"Approved\"", prompt[^1], StringComparison.Ordinal);
        Assert.Contains(await bot.App.WithDbAsync(db => db.ActivityEntries.Select(a => a.Action).ToListAsync()), a => a == "review-approved");
    }

    [Fact]
    public async Task A_mission_with_no_run_is_closed_by_a_permitted_reviewer_only()
    {
        await using var bot = await BotHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Missions:Approvers:Allowed:0"] = Alice.Id,
            ["Missions:Reviewers:Allowed:0"] = "user-carol",
        });
        var here = await bot.ConversationAsync();
        await MissionAsync(bot, here, Workspaces.Local, "tidy up the shared drive folders");
        // Work done by people: anyone moves it along, up to review.
        await bot.SayAsync(here, "move M-1 to in progress", Bob);
        await bot.SayAsync(here, "move M-1 to review", Bob);

        // Reviewers are their own list here: Alice approves proposals but does not review.
        foreach (var person in new[] { Bob, Alice })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "move M-1 to done", person));
            Assert.Equal(Refusal.NotPermitted, refused.Kind);
        }

        var carol = new ChatUser("user-carol", "Carol");
        Assert.Equal("Moved M-1 to done.", Assert.IsType<NoticeView>((await bot.SayAsync(here, "move M-1 to done", carol)).Posts[0]).Text);
        Assert.Equal(MissionStatus.Done, await bot.App.WithDbAsync(db => db.Missions.Select(m => m.Status).SingleAsync()));
    }
}
