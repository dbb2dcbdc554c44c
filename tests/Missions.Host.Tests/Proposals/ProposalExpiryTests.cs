using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Missions.Host.Conversations;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Proposals;

/// <summary>
/// A proposal nobody decides expires (Missions:Proposals:Lifetime): its card turns into "expired" in place, approving
/// it then says so and makes nothing, and "list proposals" shows what is still waiting. The host's clock is one the
/// test moves; nothing waits for real time to pass.
/// </summary>
public sealed class ProposalExpiryTests
{
    private static readonly DateTimeOffset Start = new(2031, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Theory, Sqlite, Postgres]
    public async Task A_proposal_nobody_decides_expires_in_place_and_cannot_be_approved_after(Provider provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var bot = await BotHarness.StartAsync(provider, new Dictionary<string, string?> { ["Missions:Proposals:Lifetime"] = "2.00:00:00" }, clock);
        var here = await bot.ConversationAsync();
        var first = await bot.ProposeAsync(here, "research onboarding tools for the support team");
        clock.Advance(TimeSpan.FromDays(1));
        var second = await bot.ProposeAsync(here, "compare Stripe and Adyen fees for the finance team");

        var waiting = BotHarness.Only<NoticeView>(await bot.SayAsync(here, "list proposals")).Text;
        Assert.Equal(
            "Waiting for a decision:\n- “Research onboarding tools for the support team”, asked by Alice; expires Wed 5 Mar 2031\n"
            + "- “Compare Stripe and Adyen fees for the finance team”, asked by Alice; expires Thu 6 Mar 2031", waiting);

        // The first one's time runs out: the next look expires it, and its card says so in place.
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await bot.App.WaitForAsync(db => db.Proposals.Where(p => p.Id == first.Id && p.Status == ProposalStatus.Expired).Select(p => p.Title).FirstOrDefaultAsync());
        var card = await bot.App.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(o => o.ViewKey == ProposalView.KeyOf(first.Id)).OrderBy(o => o.Id).Select(o => o.PayloadJson).ToListAsync());
        Assert.Contains("\"Expired\"", Assert.Single(card), StringComparison.Ordinal); // in place of the proposal's card
        Assert.Equal("proposal-expired", await bot.App.WithDbAsync(db => db.ActivityEntries.Where(a => a.ProposalId == first.Id).OrderBy(a => a.Id).Select(a => a.Action).LastAsync()));

        // Approving it now says it expired and makes no mission; the second is still waiting, and can be approved.
        var late = await bot.PressAsync(here, new ApproveProposal(first.Id, new ProposalEdits()));
        Assert.Equal(ProposalStatus.Expired, Assert.IsType<ProposalView>(late.ActionResult).Status);
        Assert.Equal(0, await bot.App.WithDbAsync(db => db.Missions.CountAsync()));
        Assert.Equal(
            "Waiting for a decision:\n- “Compare Stripe and Adyen fees for the finance team”, asked by Alice; expires Thu 6 Mar 2031",
            BotHarness.Only<NoticeView>(await bot.SayAsync(here, "list proposals")).Text);
        Assert.Equal(ProposalStatus.Approved, Assert.IsType<ProposalView>((await bot.PressAsync(here, new ApproveProposal(second.Id, new ProposalEdits()))).ActionResult).Status);
        Assert.Equal("No proposals are waiting for a decision.", BotHarness.Only<NoticeView>(await bot.SayAsync(here, "list proposals")).Text);
    }

    [Fact]
    public async Task A_proposal_whose_time_ran_out_before_the_next_look_is_expired_by_the_click_and_refused_by_the_API()
    {
        var clock = new FakeTimeProvider(Start);
        await using var bot = await BotHarness.StartAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Missions:Proposals:Lifetime"] = "01:00:00",
            ["Missions:Proposals:ExpiryInterval"] = "1.00:00:00", // the next look is a day away
        }, clock);
        var here = await bot.ConversationAsync();
        var clicked = await bot.ProposeAsync(here, "research onboarding tools for the support team");
        var called = await bot.ProposeAsync(here, "compare Stripe and Adyen fees for the finance team");
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        var late = await bot.PressAsync(here, new ApproveProposal(clicked.Id, new ProposalEdits()));
        Assert.Equal(ProposalStatus.Expired, Assert.IsType<ProposalView>(late.ActionResult).Status);
        Assert.Equal(ProposalStatus.Expired, await bot.App.WithDbAsync(db => db.Proposals.Where(p => p.Id == clicked.Id).Select(p => p.Status).SingleAsync()));

        using var api = bot.App.CreateClient();
        var refused = await MissionsApp.ReadProblemAsync(await api.PostAsJsonAsync($"/api/proposals/{called.Id}/approve", new { }), HttpStatusCode.Conflict);
        Assert.Equal("This proposal expired; ask again to get a fresh one.", refused["detail"]!.GetValue<string>());
        Assert.Equal(0, await bot.App.WithDbAsync(db => db.Missions.CountAsync()));
    }
}
