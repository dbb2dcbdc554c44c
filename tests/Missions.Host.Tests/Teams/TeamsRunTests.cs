using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Cards;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>A run seen from Teams: its progress card posted once and updated through the Connector, then the review prompt, decided by a click.</summary>
public sealed class TeamsRunTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A card as text, with its characters as written (not \u escapes).</summary>
    private static string J(JsonNode? card) => card?.ToJsonString(Readable) ?? "";

    [Fact]
    public async Task A_run_posts_one_progress_card_updated_in_place_and_a_review_prompt_approved_through_adaptiveCard_action()
    {
        var cloud = await BotFrameworkCloud.StartAsync();
        await using var _ = cloud;
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite,
            cloud.HostSettings(new Dictionary<string, string?> { ["Missions:Artifacts:PublicUrl"] = "https://missions.example.com" }), cloud.Configure);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var teams = new TeamsChannel(cloud, http);

        await teams.PostAsync(teams.Message(TeamsChannel.GroupChat, "pull together a pricing summary by Friday", type: "groupChat"));
        await cloud.WaitForCallsAsync(c => c.Card is not null);
        var proposal = await app.WithDbAsync(db => db.Proposals.SingleAsync());
        var cardId = await app.WaitForAsync(async db => await db.OutboxMessages.Where(o => o.ViewKey == $"proposal:{proposal.Id:N}" && o.SentMessageId != null).Select(o => o.SentMessageId).FirstOrDefaultAsync());
        await teams.PostAsync(teams.Execute(TeamsChannel.GroupChat, cardId!, CardActions.ApproveProposalVerb, new JsonObject { ["proposalId"] = proposal.Id.ToString() }, type: "groupChat"));
        await teams.PostAsync(teams.Message(TeamsChannel.GroupChat, "run M-1", type: "groupChat"));

        var review = (await cloud.WaitForCallsAsync(c => c.Method == "POST" && J(c.Card).Contains("Ready for review", StringComparison.Ordinal))).Single();
        var runId = (await app.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync())).Id;
        var progressId = await app.WithDbAsync(db => db.OutboxMessages.Where(o => o.ViewKey == $"run:{runId:N}" && o.SentMessageId != null).Select(o => o.SentMessageId).FirstAsync());

        // One progress message: posted once, every later state a PUT of that same message, the last one finished.
        var progressPosts = cloud.Calls.Where(c => c.Method == "POST" && J(c.Card).Contains("Run · M-1", StringComparison.Ordinal)).ToList();
        Assert.Single(progressPosts);
        var updates = cloud.Calls.Where(c => c.Method == "PUT" && c.Path.EndsWith("/" + progressId, StringComparison.Ordinal)).ToList();
        var last = updates.Count > 0 ? updates[^1].Card! : progressPosts[0].Card!;
        Assert.Contains("Finished.", J(last), StringComparison.Ordinal);

        // The artifacts are links to the public address.
        Assert.Contains("https://missions.example.com/artifacts/", J(review.Card), StringComparison.Ordinal);

        // Approve on the review prompt: the invoke answers with the decided card, and the shared message is replaced.
        var reviewId = await app.WaitForAsync(async db => await db.OutboxMessages.Where(o => o.ViewKey == $"review:{runId:N}" && o.SentMessageId != null).Select(o => o.SentMessageId).FirstOrDefaultAsync());
        var answer = await MissionsApp.ReadOkAsync(await teams.PostAsync(teams.Execute(TeamsChannel.GroupChat, reviewId!, CardActions.ApproveReviewVerb,
            new JsonObject { ["runId"] = runId.ToString() }, type: "groupChat", userId: "29:bob", userName: "Bob")));
        Assert.Contains("Approved: M-1 is done", J(answer["value"]), StringComparison.Ordinal);
        var put = (await cloud.WaitForCallsAsync(c => c.Method == "PUT" && c.Path.EndsWith("/" + reviewId, StringComparison.Ordinal))).Single();
        Assert.Contains("by Bob", J(put.Card), StringComparison.Ordinal);
        Assert.Equal("Done", (await MissionsApp.ReadOkAsync(await http.GetAsync("/api/missions/M-1")))["status"]!.GetValue<string>());
    }
}
