using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Conversations;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>
/// A message is answered before its turn runs: the proposer (slow when a model backs it) works after the HTTP
/// answer, and the proposal reaches Teams through the Connector as a reply in the same thread. The queued turn is
/// durable: redelivered, it is not queued twice; interrupted by a restart, it runs once on the next host.
/// </summary>
public sealed class TeamsInboxTests
{
    /// <summary>The offline proposer behind a gate the test opens: a stand-in for a model that takes its time.</summary>
    private sealed class GatedProposer : IProposer
    {
        private readonly OfflineProposer inner = new();
        private int entered;

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int EnteredCount => Volatile.Read(ref entered);

        public async Task<ProposalDraft> DraftAsync(ProposalRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref entered);
            Entered.TrySetResult();
            await Gate.Task.WaitAsync(cancellationToken);
            return await inner.DraftAsync(request, cancellationToken);
        }
    }

    private static async Task<(BotFrameworkCloud Cloud, MissionsApp App, TeamsChannel Teams, HttpClient Http)> StartAsync(Provider provider, GatedProposer proposer)
    {
        var cloud = await BotFrameworkCloud.StartAsync();
        var app = await MissionsApp.StartOnLoopbackAsync(provider, cloud.HostSettings(), services =>
        {
            cloud.Configure(services);
            services.AddSingleton<IProposer>(proposer);
        });
        var http = new HttpClient { BaseAddress = app.BaseAddress };
        return (cloud, app, new TeamsChannel(cloud, http), http);
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory, Sqlite, Postgres]
    public async Task A_slow_proposer_runs_after_the_HTTP_answer_and_the_proposals_arrive_in_order_as_replies_in_the_thread(Provider provider)
    {
        var proposer = new GatedProposer();
        var (cloud, app, teams, http) = await StartAsync(provider, proposer);
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;

        var thread = $"{TeamsChannel.ChannelRoot};messageid={TeamsChannel.NewId()}";
        var first = teams.Message(thread, "compare competitor onboarding flows", type: "channel");
        var second = teams.Message(thread, "draft the launch announcement for customers", type: "channel");

        // The answers come while the proposer is still held: had the request waited for it, these would time out.
        var answer = await teams.PostAsync(first).WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("", await answer.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(second).WaitAsync(Patience)).StatusCode);
        await proposer.Entered.Task.WaitAsync(Patience);

        Assert.DoesNotContain(cloud.Calls, c => c.Card is not null);
        Assert.Equal(0, await app.WithDbAsync(db => db.Proposals.CountAsync()));
        var queued = await app.WithDbAsync(db => db.InboundEvents.Where(e => e.Status == InboundEventStatus.Queued).ToListAsync());
        Assert.Equal(2, queued.Count);
        Assert.All(queued, e => Assert.Contains("\"serviceUrl\"", e.PayloadJson, StringComparison.Ordinal));

        // Teams redelivers the first while it waits: the same answer, nothing queued twice.
        var redelivered = await teams.PostAsync(first).WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Equal(2, await app.WithDbAsync(db => db.InboundEvents.CountAsync()));

        proposer.Gate.SetResult();
        var replies = await cloud.WaitForCallsAsync(c => c.Card is not null && c.Method == "POST", count: 2);
        Assert.Equal(2, replies.Length);
        // Each is a reply to its own message in the thread, and they come in the order the messages were sent.
        Assert.Equal($"/amer/{BotFrameworkCloud.TenantId}/v3/conversations/{TeamsChannel.Escaped(thread)}/activities/{first["id"]}", replies[0].Path);
        Assert.Equal($"/amer/{BotFrameworkCloud.TenantId}/v3/conversations/{TeamsChannel.Escaped(thread)}/activities/{second["id"]}", replies[1].Path);
        Assert.Contains("Compare competitor onboarding flows", replies[0].Card!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Draft the launch announcement", replies[1].Card!.ToJsonString(), StringComparison.Ordinal);

        var events = await app.WaitForAsync(async db =>
            await db.InboundEvents.AsNoTracking().ToListAsync() is var all && all.All(e => e.Status == InboundEventStatus.Completed) ? all : null);
        Assert.All(events, e =>
        {
            Assert.Null(e.PayloadJson); // not kept once handled
            Assert.Null(e.LeaseOwner);
            Assert.Equal(1, e.Attempts);
        });
        Assert.Equal(2, await app.WithDbAsync(db => db.Proposals.CountAsync()));
        Assert.Equal(2, cloud.Calls.Count(c => c.Card is not null));
    }

    [Theory, Sqlite, Postgres]
    public async Task A_turn_interrupted_by_a_restart_runs_once_on_the_next_host(Provider provider)
    {
        var proposer = new GatedProposer(); // never opened: the first host stops while the turn waits on it
        var (cloud, app, teams, http) = await StartAsync(provider, proposer);
        await using var _ = cloud;
        using var ___ = http;

        var message = teams.Message(TeamsChannel.PersonalChat, "pull together a competitor pricing summary by Friday");
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(message).WaitAsync(Patience)).StatusCode);
        await proposer.Entered.Task.WaitAsync(Patience);

        app = await app.RestartAsync(cloud.Configure);
        await using var __ = app;

        var reply = (await cloud.WaitForCallsAsync(c => c.Card is not null)).Single();
        Assert.EndsWith($"/activities/{message["id"]}", reply.Path, StringComparison.Ordinal);
        Assert.Contains("Pull together a competitor pricing summary", reply.Card!.ToJsonString(), StringComparison.Ordinal);
        var handled = await app.WaitForAsync(db => db.InboundEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Status == InboundEventStatus.Completed));
        Assert.Equal(2, handled!.Attempts); // taken up by each host, committed by the second
        Assert.Equal(1, await app.WithDbAsync(db => db.Proposals.CountAsync()));

        // Nothing else comes of it: a later message in the same conversation is handled after it (a conversation's
        // events go in order), so once its answer is out, anything the first host could still have done would be too.
        using var restarted = new HttpClient { BaseAddress = app.BaseAddress };
        var teamsNow = new TeamsChannel(cloud, restarted);
        var later = teamsNow.Message(TeamsChannel.PersonalChat, "help");
        await teamsNow.PostAsync(later);
        await cloud.WaitForCallsAsync(c => c.Path.EndsWith($"/activities/{later["id"]}", StringComparison.Ordinal));
        Assert.Single(cloud.Calls, c => c.Card is not null);
        Assert.Equal(1, await app.WithDbAsync(db => db.Proposals.CountAsync()));
        Assert.All(await app.WithDbAsync(db => db.InboundEvents.AsNoTracking().ToListAsync()), e => Assert.Equal(InboundEventStatus.Completed, e.Status));
    }

    [Fact]
    public async Task The_message_action_closes_its_dialog_at_once_and_the_proposal_follows_in_the_conversation()
    {
        var proposer = new GatedProposer();
        var (cloud, app, teams, http) = await StartAsync(Provider.Sqlite, proposer);
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;

        var submit = teams.Envelope("invoke", TeamsChannel.GroupChat, "groupChat", TeamsChannel.NewId());
        submit["name"] = "composeExtension/submitAction";
        submit["value"] = new JsonObject
        {
            ["commandId"] = "createMission",
            ["commandContext"] = "message",
            ["data"] = new JsonObject { ["request"] = "Summarise the customer interviews from last week" },
        };
        var answer = await teams.PostAsync(submit).WaitAsync(Patience);
        Assert.Equal("{}", await MissionsApp.ReadOkAsync(answer) is var body ? body.ToJsonString() : null);
        await proposer.Entered.Task.WaitAsync(Patience);
        Assert.DoesNotContain(cloud.Calls, c => c.Card is not null);

        proposer.Gate.SetResult();
        var post = (await cloud.WaitForCallsAsync(c => c.Card is not null)).Single();
        // A new message in the conversation, not a reply to the invoke.
        Assert.Equal($"/amer/{BotFrameworkCloud.TenantId}/v3/conversations/{TeamsChannel.Escaped(TeamsChannel.GroupChat)}/activities", post.Path);
        Assert.Contains("Summarise the customer interviews from last week", post.Card!.ToJsonString(), StringComparison.Ordinal);
    }
}
