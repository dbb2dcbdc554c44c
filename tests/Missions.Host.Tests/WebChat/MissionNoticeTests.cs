using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.WebChat;

/// <summary>
/// The conversation a mission came from hears about every change to it, wherever it was made — a command said in
/// another conversation, the REST API, the board — and does not hear twice about what was said in it.
/// </summary>
public sealed class MissionNoticeTests
{
    [Theory, Sqlite, Postgres]
    public async Task A_move_or_cancel_made_elsewhere_is_told_in_the_missions_own_conversation(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var origin = await DirectLineClient.StartAsync(app.CreateClient(), "Alice");
        using var elsewhere = await DirectLineClient.StartAsync(app.CreateClient(), "Bob");

        await origin.SendAsync("compare Stripe and Adyen fees for the finance team");
        await origin.PollAsync();
        await origin.ClickAsync(origin.LastCard(), "approve");

        // Said in the mission's own conversation: answered there, and no extra notice.
        await origin.SendAsync("move M-1 to in progress");
        await origin.PollAsync();
        Assert.Single(origin.Transcript, a => a["from"]!["role"]!.GetValue<string>() == "bot" && a["text"]?.GetValue<string>()?.Contains("in progress", StringComparison.Ordinal) == true);

        // Said in another conversation: that one gets the answer, the mission's conversation gets told.
        await elsewhere.SendAsync("move M-1 to review");
        await elsewhere.PollAsync();
        Assert.Equal("Moved M-1 to review.", elsewhere.Transcript.Select(a => a["text"]?.GetValue<string>()).Single(t => t?.StartsWith("Moved", StringComparison.Ordinal) == true));
        await origin.PollAsync();
        Assert.Contains("is now in review (moved by Bob)", origin.LastText(), StringComparison.Ordinal);

        // The REST API (and the board through it): told too.
        using var api = app.CreateClient();
        (await api.PostAsJsonAsync("/api/missions/M-1/transitions", new { to = "InProgress" })).EnsureSuccessStatusCode();
        await origin.PollAsync();
        Assert.Contains("is now in progress (moved by Local user)", origin.LastText(), StringComparison.Ordinal);

        await elsewhere.SendAsync("cancel M-1");
        await origin.PollAsync();
        Assert.Contains("was cancelled by Bob", origin.LastText(), StringComparison.Ordinal);
        await elsewhere.PollAsync();
        Assert.StartsWith("Cancelled M-1", elsewhere.LastText(), StringComparison.Ordinal);
        Assert.DoesNotContain(elsewhere.Transcript, a => a["text"]?.GetValue<string>()?.Contains("was cancelled by", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_proposal_decided_through_the_API_replaces_its_card_in_the_conversation()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await chat.SendAsync("draft the launch announcement for customers");
        var card = (await chat.PollAsync()).Last(a => DirectLineClient.CardOf(a) is not null);
        var proposal = await app.WithDbAsync(db => db.Proposals.SingleAsync());

        using var api = app.CreateClient();
        (await api.PostAsJsonAsync($"/api/proposals/{proposal.Id}/reject", new { reason = "Marketing has it" })).EnsureSuccessStatusCode();

        var replaced = Assert.Single(await chat.PollAsync(), a => a["id"]!.GetValue<string>() == card["id"]!.GetValue<string>());
        var texts = DirectLineClient.Texts(DirectLineClient.CardOf(replaced)!);
        Assert.Contains("Rejected", texts);
        Assert.Contains(texts, t => t.StartsWith("by Local user", StringComparison.Ordinal));
    }
}
