using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Conversations;

/// <summary>
/// "follow-up M-12 …" proposes new work linked to a mission: its card says what it follows up, the mission it becomes
/// links back, and both missions' pages show the link. A mission that is not there (or not in this workspace) is said so.
/// </summary>
public sealed class FollowUpTests
{
    [Theory, Sqlite, Postgres]
    public async Task A_follow_up_is_a_proposal_linked_to_the_mission_and_both_pages_show_the_link(Provider provider)
    {
        await using var bot = await BotHarness.StartAsync(provider);
        var here = await bot.ConversationAsync();
        var first = await bot.ProposeAsync(here, "research onboarding tools for the support team");
        await bot.PressAsync(here, new ApproveProposal(first.Id, new ProposalEdits()));

        var followUp = await bot.ProposeAsync(here, "follow-up M-1: compare the two shortlisted tools on price");
        Assert.Equal("M-1", followUp.FollowsUp);
        Assert.Equal("Compare the two shortlisted tools on price", followUp.Title);
        Assert.Contains("follows up M-1", Host.Cards.ViewCards.Render(followUp).CardJson, StringComparison.Ordinal);
        var approved = Assert.IsType<ProposalView>((await bot.PressAsync(here, new ApproveProposal(followUp.Id, new ProposalEdits()))).ActionResult);
        Assert.Equal(("M-2", "M-1"), (approved.MissionNumber, approved.FollowsUp));
        var missions = await bot.App.WithDbAsync(db => db.Missions.AsNoTracking().OrderBy(m => m.Number).ToListAsync());
        Assert.Equal(missions[0].Id, missions[1].FollowsMissionId);

        // Both pages show the link (as the server first renders them).
        using var browser = bot.App.CreateClient();
        var second = await browser.GetStringAsync("/missions/M-2");
        Assert.Contains("follows up <a href=\"/missions/M-1\"", second, StringComparison.Ordinal);
        var original = await browser.GetStringAsync("/missions/M-1");
        Assert.Contains(">Follow-ups</h2>", original, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/missions/M-2\"", original, StringComparison.Ordinal);

        // A mission that is not there, or not this workspace's, cannot be followed up.
        var none = await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(here, "follow-up M-9 do the next part"));
        Assert.Equal("There is no mission M-9.", none.Message);
        var elsewhere = await bot.ConversationAsync();
        var hidden = await Assert.ThrowsAsync<DomainException>(() => bot.SayAsync(elsewhere, "follow-up M-1 do the next part", workspace: "discord:42"));
        Assert.Equal("There is no mission M-1.", hidden.Message);
        Assert.Equal(2, await bot.App.WithDbAsync(db => db.Proposals.CountAsync()));
    }
}
