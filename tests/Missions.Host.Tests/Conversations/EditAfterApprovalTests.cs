using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Missions.Host.Conversations;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Conversations;

/// <summary>
/// An approved mission is changed from chat in plain words — assignee, due date, title, project, blueprint, auto-run —
/// each change guarded by the version, recorded in the activity, and followed in the mission's conversation: its
/// approved card shows the mission as it now is, and a change made elsewhere is said there. A name that matches
/// nothing, or a person who may not, changes nothing.
/// </summary>
public sealed class EditAfterApprovalTests
{
    // A Monday.
    private static readonly DateTimeOffset Start = new(2031, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private static readonly ChatUser Carol = new("user-carol", "Carol");

    [Theory, Sqlite, Postgres]
    public async Task Chat_changes_an_approved_mission_and_its_card_and_conversation_follow(Provider provider)
    {
        await using var bot = await BotHarness.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Missions:Approvers:Allowed:0"] = BotHarness.Alice.Id,
            ["Missions:Approvers:Allowed:1"] = Carol.Id,
        }, new FakeTimeProvider(Start));
        var here = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(here, "research onboarding tools for the support team");
        Assert.Null(proposal.BlueprintName);
        await bot.PressAsync(here, new ApproveProposal(proposal.Id, new ProposalEdits()));

        Assert.Equal("M-1 is now assigned to Writer.", await SaidAsync(bot, here, "assign M-1 to writer"));
        Assert.Equal("M-1 is now due Fri 7 Mar 2031.", await SaidAsync(bot, here, "due M-1 friday"));
        Assert.Equal("M-1 is now called “Stripe vs Adyen fees”.", await SaidAsync(bot, here, "rename M-1 to Stripe vs Adyen fees"));
        Assert.Equal("M-1 is now in no project.", await SaidAsync(bot, here, "project M-1 none"));
        Assert.Equal("M-1 is now in the project Launch.", await SaidAsync(bot, here, "project M-1 launch"));
        Assert.Equal("M-1 is now following the blueprint Competitor summary.", await SaidAsync(bot, here, "blueprint M-1 competitor"));
        Assert.Equal("M-1 is already assigned to Writer.", await SaidAsync(bot, here, "assign M-1 to Writer"));

        var mission = await bot.App.WithDbAsync(db => db.Missions.AsNoTracking().SingleAsync());
        Assert.Equal(("Stripe vs Adyen fees", "Writer", "Launch", "Competitor summary", new DateOnly(2031, 3, 7), 7L), (
            mission.Title,
            await bot.App.WithDbAsync(db => db.Staff.Where(s => s.Id == mission.AssigneeId).Select(s => s.Name).SingleAsync()),
            await bot.App.WithDbAsync(db => db.Projects.Where(p => p.Id == mission.ProjectId).Select(p => p.Name).SingleAsync()),
            await bot.App.WithDbAsync(db => db.Blueprints.Where(b => b.Id == mission.BlueprintId).Select(b => b.Name).SingleAsync()),
            mission.DueDate!.Value, mission.Version));
        Assert.Equal(
            ["Changed assignee.", "Changed due date.", "Changed title.", "Changed project.", "Changed project.", "Changed blueprint."],
            await bot.App.WithDbAsync(db => db.ActivityEntries.Where(a => a.MissionId == mission.Id && a.Action == "edited").OrderBy(a => a.Id).Select(a => a.Detail!).ToListAsync()));

        // The approved card, in place, shows the mission as it is now.
        var card = await LatestAsync(bot, here, ProposalView.KeyOf(proposal.Id));
        foreach (var fact in new[] { "Stripe vs Adyen fees", "Writer", "Launch", "2031-03-07", "Competitor summary", "M-1" })
        {
            Assert.Contains(fact, card, StringComparison.Ordinal);
        }

        // Turning auto-run on for a mission that has not run yet starts it, as approving it with auto-run would have.
        Assert.Equal("M-1 is now set to run by itself. It had not run yet, so it starts now; progress follows here.", await SaidAsync(bot, here, "autorun M-1 on"));
        Assert.Equal(RunTriggers.AutoRun, await bot.App.WithDbAsync(db => db.Runs.Select(r => r.Trigger).SingleAsync()));

        // Changed from another conversation: said in the mission's own, with who changed it.
        var elsewhere = await bot.ConversationAsync();
        Assert.Equal("M-1 is now due whenever.", await SaidAsync(bot, elsewhere, "due M-1 none", Carol));
        // (The run started above posts into the same conversation meanwhile: the notice is looked for among its messages.)
        Assert.Contains(await bot.App.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(o => o.ConversationReferenceId == here).Select(o => o.PayloadJson).ToListAsync()),
            json => json.Contains("Carol changed its due date.", StringComparison.Ordinal));
        Assert.Null(await bot.App.WithDbAsync(db => db.Missions.Select(m => m.DueDate).SingleAsync()));
    }

    [Fact]
    public async Task A_name_that_matches_nothing_a_day_that_is_not_one_or_a_person_who_may_not_changes_nothing()
    {
        await using var bot = await BotHarness.StartAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Missions:Approvers:Allowed:0"] = BotHarness.Alice.Id,
        }, new FakeTimeProvider(Start));
        var here = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(here, "compare Stripe and Adyen fees for the finance team");
        await bot.PressAsync(here, new ApproveProposal(proposal.Id, new ProposalEdits()));
        var before = await bot.App.WithDbAsync(db => db.Missions.AsNoTracking().SingleAsync());

        var unknown = await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "assign M-1 to Marketing"));
        Assert.Equal("There is no staff member called “Marketing”. There are: Analyst, Engineer, Researcher, Writer.", unknown.Message);
        var noDay = await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "due M-1 whenever you like"));
        Assert.StartsWith("I could not read a day in “whenever you like”.", noDay.Message, StringComparison.Ordinal);
        var notTheirs = await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "rename M-1 Something else", BotHarness.Bob));
        Assert.Equal("Only the person who asked for M-1 or an approver may change it; Bob may not.", notTheirs.Message);
        Assert.IsType<RequestCommand>(ChatCommands.Parse("assign the launch copy to someone in marketing"));

        var after = await bot.App.WithDbAsync(db => db.Missions.AsNoTracking().SingleAsync());
        Assert.Equal((before.Version, before.Title, before.AssigneeId, before.DueDate), (after.Version, after.Title, after.AssigneeId, after.DueDate));
        Assert.Equal(0, await bot.App.WithDbAsync(db => db.ActivityEntries.CountAsync(a => a.Action == "edited")));
    }

    private static async Task<string> SaidAsync(BotHarness bot, Guid conversation, string text, ChatUser? from = null) =>
        BotHarness.Only<NoticeView>(await bot.SayAsync(conversation, text, from)).Text;

    /// <summary>The latest view queued for the conversation with the key, as its payload.</summary>
    private static Task<string> LatestAsync(BotHarness bot, Guid conversation, string key) => bot.App.WithDbAsync(db =>
        db.OutboxMessages.AsNoTracking().Where(o => o.ConversationReferenceId == conversation && o.ViewKey == key)
            .OrderByDescending(o => o.Id).Select(o => o.PayloadJson).FirstAsync());
}
