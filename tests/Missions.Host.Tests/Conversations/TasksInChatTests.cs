using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Missions.Host.Conversations;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Conversations;

/// <summary>A mission's tasks from chat: listed with their state and staff member, added, removed by their place.</summary>
public sealed class TasksInChatTests
{
    [Theory, Sqlite, Postgres]
    public async Task Tasks_are_listed_added_and_removed_in_chat(Provider provider)
    {
        await using var bot = await BotHarness.StartAsync(provider, null, new FakeTimeProvider(new DateTimeOffset(2031, 3, 3, 9, 0, 0, TimeSpan.Zero)));
        var here = await bot.ConversationAsync();
        var proposal = await bot.ProposeAsync(here, "research onboarding tools for the support team");
        await bot.PressAsync(here, new ApproveProposal(proposal.Id, new ProposalEdits()));

        Assert.Equal("M-1 has no tasks: one run does the whole mission. Add one with “task M-1 add …”.", await SaidAsync(bot, here, "tasks M-1"));
        var added = await bot.SayAsync(here, "task M-1 add List the tools the team uses today");
        Assert.Equal("Added the task “List the tools the team uses today” to M-1.", Assert.IsType<NoticeView>(added.Posts[0]).Text);
        await bot.SayAsync(here, "task m1 add: Compare them on price and setup time");
        Assert.Equal("M-1's tasks:\n1. List the tools the team uses today — pending (Researcher)\n2. Compare them on price and setup time — pending (Researcher)",
            await SaidAsync(bot, here, "tasks M-1"));

        var removed = await bot.SayAsync(here, "task M-1 remove 1");
        Assert.Equal("Removed the task “List the tools the team uses today” from M-1.", Assert.IsType<NoticeView>(removed.Posts[0]).Text);
        Assert.Equal("M-1's tasks:\n1. Compare them on price and setup time — pending (Researcher)", Assert.IsType<NoticeView>(removed.Posts[1]).Text);
        var missing = await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "task M-1 remove 5"));
        Assert.Equal("M-1 has tasks 1 to 1; there is no task 5.", missing.Message);
        Assert.Equal(["task-added", "task-added", "task-removed"],
            await bot.App.WithDbAsync(db => db.ActivityEntries.Where(a => a.Action.StartsWith("task-")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync()));

        // Words that only look like it are a request.
        Assert.IsType<RequestCommand>(ChatCommands.Parse("task list for the offsite"));
    }

    private static async Task<string> SaidAsync(BotHarness bot, Guid conversation, string text) =>
        BotHarness.Only<NoticeView>(await bot.SayAsync(conversation, text)).Text;
}
