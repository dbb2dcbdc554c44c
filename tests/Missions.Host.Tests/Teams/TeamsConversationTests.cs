using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>
/// The host against a local key server and Connector speaking the Bot Framework protocols: requests in personal
/// chat, group chat and a channel thread; Approve and Reject through adaptiveCard/action; double clicks; proactive
/// posts after a restart.
/// </summary>
public sealed class TeamsConversationTests
{
    private const string Request = "can someone pull together a competitor pricing summary for the Q3 deck by Friday?";

    private static async Task<(BotFrameworkCloud Cloud, MissionsApp App, TeamsChannel Teams, HttpClient Http)> StartAsync(Provider provider = Provider.Sqlite)
    {
        var cloud = await BotFrameworkCloud.StartAsync();
        var app = await MissionsApp.StartOnLoopbackAsync(provider, cloud.HostSettings(), cloud.Configure);
        var http = new HttpClient { BaseAddress = app.BaseAddress };
        return (cloud, app, new TeamsChannel(cloud, http), http);
    }


    [Theory, Sqlite, Postgres]
    public async Task A_request_in_a_personal_chat_gets_a_proposal_card_as_a_threaded_reply_through_the_Connector(Provider provider)
    {
        var (cloud, app, teams, http) = await StartAsync(provider);
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;

        var message = teams.Message(TeamsChannel.PersonalChat, Request);
        var response = await teams.PostAsync(message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());

        var reply = (await cloud.WaitForCallsAsync(c => c.Card is not null)).Single();
        // The serviceUrl's own path is kept and the ids are escaped.
        Assert.Equal($"/amer/{BotFrameworkCloud.TenantId}/v3/conversations/{TeamsChannel.Escaped(TeamsChannel.PersonalChat)}/activities/{message["id"]}", reply.Path);
        Assert.Equal("POST", reply.Method);
        Assert.StartsWith("Bearer connector-token-", reply.Authorization, StringComparison.Ordinal);
        Assert.Equal("application/vnd.microsoft.card.adaptive", reply.Body!["attachments"]![0]!["contentType"]!.GetValue<string>());
        Assert.Contains("Pull together a competitor pricing summary for the Q3 deck", reply.Card!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("message", reply.Body["type"]!.GetValue<string>());
        Assert.Equal(teams.BotId, reply.Body["from"]!["id"]!.GetValue<string>());

        // The outbound token came from Entra's token endpoint for the bot's own tenant, by client credentials.
        var tokenRequest = Assert.Single(cloud.TokenRequests);
        Assert.Equal($"{BotFrameworkCloud.TenantId} client_credentials {cloud.AppId} https://api.botframework.com/.default", tokenRequest);

        var reference = await app.WithDbAsync(db => db.ConversationReferences.SingleAsync(c => c.Channel == "msteams"));
        Assert.Equal(cloud.ServiceUrl, reference.ServiceUrl);
        Assert.Equal(BotFrameworkCloud.TenantId, reference.TenantId);
        Assert.Equal(teams.BotId, reference.BotId);

        // A redelivery of the same activity is answered from what was stored and queues nothing, so it cannot be
        // handled twice: one event, completed; one proposal; one card.
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(message)).StatusCode);
        var events = await app.WithDbAsync(db => db.InboundEvents.AsNoTracking().ToListAsync());
        Assert.Equal(InboundEventStatus.Completed, Assert.Single(events).Status);
        Assert.Equal(1, await app.WithDbAsync(db => db.Proposals.CountAsync()));
        Assert.Single(cloud.Calls, c => c.Card is not null);
    }

    [Fact]
    public async Task A_group_chat_mention_is_removed_from_the_request_and_a_channel_thread_reply_stays_in_its_thread()
    {
        var (cloud, app, teams, http) = await StartAsync();
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;

        await teams.PostAsync(teams.Message(TeamsChannel.GroupChat, "draft the launch announcement for customers", type: "groupChat"));
        var group = (await cloud.WaitForCallsAsync(c => c.Card is not null && c.Path.Contains(TeamsChannel.Escaped(TeamsChannel.GroupChat), StringComparison.Ordinal))).Single();
        var proposal = await app.WithDbAsync(db => db.Proposals.SingleAsync());
        Assert.DoesNotContain("Missions", proposal.Title, StringComparison.Ordinal);
        Assert.DoesNotContain("<at>", proposal.Description, StringComparison.Ordinal);
        Assert.StartsWith("Draft the launch announcement", proposal.Title, StringComparison.Ordinal);
        Assert.NotNull(group.Card);

        // A message in a channel thread: the conversation id carries the thread's root, and the reply goes there.
        var root = TeamsChannel.NewId();
        var thread = $"{TeamsChannel.ChannelRoot};messageid={root}";
        var inThread = teams.Message(thread, "compare competitor onboarding flows", type: "channel");
        inThread["channelData"]!["channel"] = new JsonObject { ["id"] = TeamsChannel.ChannelRoot };
        inThread["channelData"]!["team"] = new JsonObject { ["id"] = "19:team@thread.tacv2" };
        await teams.PostAsync(inThread);
        var threaded = (await cloud.WaitForCallsAsync(c => c.Card is not null && c.Path.Contains("messageid", StringComparison.Ordinal))).Single();
        Assert.Equal($"/amer/{BotFrameworkCloud.TenantId}/v3/conversations/{TeamsChannel.Escaped(thread)}/activities/{inThread["id"]}", threaded.Path);
        Assert.Contains("%3Bmessageid%3D", threaded.Path, StringComparison.Ordinal);
    }

    [Theory, Sqlite, Postgres]
    public async Task Approve_through_adaptiveCard_action_returns_the_decided_card_updates_the_shared_message_and_a_double_click_makes_no_second_mission(Provider provider)
    {
        var (cloud, app, teams, http) = await StartAsync(provider);
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;

        await teams.PostAsync(teams.Message(TeamsChannel.GroupChat, Request, type: "groupChat"));
        await cloud.WaitForCallsAsync(c => c.Card is not null);
        var proposal = await app.WithDbAsync(db => db.Proposals.SingleAsync());
        var cardId = await app.CardMessageIdAsync(proposal.Id);

        // Bob clicks Approve after editing the title on the card.
        var data = new JsonObject { ["verb"] = CardActions.ApproveProposalVerb, ["proposalId"] = proposal.Id.ToString(), ["title"] = "Competitor pricing one-pager" };
        var click = teams.Execute(TeamsChannel.GroupChat, cardId, CardActions.ApproveProposalVerb, data, type: "groupChat", userId: "29:bob", userName: "Bob");
        var response = await teams.PostAsync(click);
        var body = await MissionsApp.ReadOkAsync(response);
        Assert.Equal(200, body["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", body["type"]!.GetValue<string>());
        var decided = body["value"]!.ToJsonString();
        Assert.Contains("Approved as M-1", decided, StringComparison.Ordinal);
        // No decision left to make: only the next step (run it now, open it).
        Assert.DoesNotContain(CardActions.ApproveProposalVerb, decided, StringComparison.Ordinal);
        Assert.DoesNotContain(CardActions.RejectProposalVerb, decided, StringComparison.Ordinal);
        Assert.Contains(CardActions.RunMissionVerb, decided, StringComparison.Ordinal);

        // Everyone sees it: the shared message is replaced through the Connector.
        var put = (await cloud.WaitForCallsAsync(c => c.Method == "PUT")).Single();
        Assert.Equal($"/amer/{BotFrameworkCloud.TenantId}/v3/conversations/{TeamsChannel.Escaped(TeamsChannel.GroupChat)}/activities/{cardId}", put.Path);
        Assert.Contains("Approved as M-1", put.Card!.ToJsonString(), StringComparison.Ordinal);

        // A double click (a second invoke), and Teams redelivering the first: the same decided card, one mission.
        var again = await MissionsApp.ReadOkAsync(await teams.PostAsync(teams.Execute(TeamsChannel.GroupChat, cardId, CardActions.ApproveProposalVerb, data, type: "groupChat", userId: "29:bob", userName: "Bob")));
        Assert.Contains("Approved as M-1", again["value"]!.ToJsonString(), StringComparison.Ordinal);
        var redelivered = await MissionsApp.ReadOkAsync(await teams.PostAsync(click));
        Assert.Equal(body.ToJsonString(), redelivered.ToJsonString());

        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        var missions = await MissionsApp.ReadOkAsync(await api.GetAsync("/api/missions"));
        var mission = Assert.Single(missions["items"]!.AsArray())!;
        Assert.Equal("Competitor pricing one-pager", mission["title"]!.GetValue<string>());
        Assert.Equal("29:bob", mission["approvedBy"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reject_with_a_reason_and_an_Action_Submit_fallback_without_a_verb_are_both_handled()
    {
        var (cloud, app, teams, http) = await StartAsync();
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;

        await teams.PostAsync(teams.Message(TeamsChannel.PersonalChat, Request));
        await cloud.WaitForCallsAsync(c => c.Card is not null);
        var first = await app.WithDbAsync(db => db.Proposals.SingleAsync());
        var cardId = await app.CardMessageIdAsync(first.Id);

        // Teams may leave the verb out of the action (seen in a real capture); the data carries it.
        var reject = teams.Execute(TeamsChannel.PersonalChat, cardId, CardActions.RejectProposalVerb,
            new JsonObject { ["verb"] = CardActions.RejectProposalVerb, ["proposalId"] = first.Id.ToString(), ["rejectReason"] = "Already covered by M-0" }, withVerb: false);
        var body = await MissionsApp.ReadOkAsync(await teams.PostAsync(reject));
        Assert.Contains("Already covered by M-0", body["value"]!.ToJsonString(), StringComparison.Ordinal);
        var rejected = await app.WithDbAsync(db => db.Proposals.SingleAsync());
        Assert.Equal(ProposalStatus.Rejected, rejected.Status);
        await cloud.WaitForCallsAsync(c => c.Method == "PUT");

        // Action.Submit (the fallback for old clients) arrives as a message whose value is the data.
        await teams.PostAsync(teams.Message(TeamsChannel.PersonalChat, "draft the launch announcement"));
        await cloud.WaitForCallsAsync(c => c.Card is not null && c.Method == "POST", count: 2);
        var second = await app.WithDbAsync(db => db.Proposals.SingleAsync(p => p.Status == ProposalStatus.Pending));
        var secondCard = await app.CardMessageIdAsync(second.Id);
        var submit = teams.Envelope("message", TeamsChannel.PersonalChat, "personal", TeamsChannel.NewId());
        submit["replyToId"] = secondCard;
        submit["value"] = new JsonObject { ["verb"] = CardActions.ApproveProposalVerb, ["proposalId"] = second.Id.ToString() };
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(submit)).StatusCode);
        await cloud.WaitForCallsAsync(c => c.Method == "PUT" && c.Path.EndsWith("/" + secondCard, StringComparison.Ordinal));
        Assert.Equal(ProposalStatus.Approved, (await app.WithDbAsync(db => db.Proposals.SingleAsync(p => p.Id == second.Id))).Status);
    }

    [Fact]
    public async Task After_a_restart_the_stored_conversation_reference_carries_a_proactive_post_into_the_thread_the_mission_came_from()
    {
        var (cloud, app, teams, http) = await StartAsync();
        await using var _ = cloud;
        using var ___ = http;

        var thread = $"{TeamsChannel.ChannelRoot};messageid={TeamsChannel.NewId()}";
        await teams.PostAsync(teams.Message(thread, Request, type: "channel"));
        await cloud.WaitForCallsAsync(c => c.Card is not null);
        var proposal = await app.WithDbAsync(db => db.Proposals.SingleAsync());
        var cardId = await app.CardMessageIdAsync(proposal.Id);
        await teams.PostAsync(teams.Execute(thread, cardId, CardActions.ApproveProposalVerb, new JsonObject { ["proposalId"] = proposal.Id.ToString() }, type: "channel"));

        // The host restarts: nothing in memory survives, only the database.
        app = await app.RestartAsync();
        await using var __ = app;
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        var moved = await api.PostAsJsonAsync("/api/missions/M-1/transitions", new { to = "InProgress" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        var post = (await cloud.WaitForCallsAsync(c => c.Text?.Contains("M-1", StringComparison.Ordinal) == true && c.Method == "POST")).Single();
        Assert.Equal($"/amer/{BotFrameworkCloud.TenantId}/v3/conversations/{TeamsChannel.Escaped(thread)}/activities", post.Path);
        Assert.Contains("is now in progress", post.Text, StringComparison.Ordinal);
        Assert.StartsWith("Bearer connector-token-", post.Authorization, StringComparison.Ordinal);
    }
}
