using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Conversations;

/// <summary>
/// Two hosts on one database; one is killed (SIGKILL) while its turns are under way, and started again. The turns it
/// held are taken up by the other host or the restarted one once its short, renewed claims run out — within seconds,
/// not minutes — and every conversation answers, messages sent after the restart too, each once and in order.
/// </summary>
public sealed class InboxCrashTests
{
    private const int Conversations = 10;

    /// <summary>
    /// How soon after the restart every conversation must have answered: the killed host's claims run out within one
    /// inbox lease (10 s) of its last renewal, and then the 20 turns are answered — on two cores shared with the
    /// browser tests, a few seconds more. (Before the claims were renewed and short, this took two minutes.)
    /// </summary>
    private static readonly TimeSpan Within = new InboxOptions().Lease + TimeSpan.FromSeconds(5);

    [Theory, Sqlite, Postgres]
    public async Task A_killed_hosts_conversations_answer_within_seconds_of_its_restart_each_message_once_and_in_order(Provider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var model = await ModelServer.StartAsync();
        // A model that takes minutes: the first host's turns are all under way, each waiting on it, when it is killed.
        model.Default = _ => new ModelServer.Answer(Content: "{}", Delay: TimeSpan.FromMinutes(5));
        var shared = database.HostSettings(new Dictionary<string, string>
        {
            // Web chat tokens are good on every host when they share the key.
            ["Missions:WebChat:TokenKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var withSlowModel = new Dictionary<string, string>(shared)
        {
            ["Missions:AI:Endpoint"] = model.HttpBase + "/v1/",
            ["Missions:AI:ApiKey"] = "sk-local-test",
            ["Missions:AI:Model"] = "gpt-test",
            ["Missions:AI:Timeout"] = "00:05:00",
        };

        var first = await HostProcess.StartAsync(withSlowModel);
        await using var second = await HostProcess.StartAsync(shared);
        using var toFirst = new HttpClient { BaseAddress = first.Address };
        var chats = new List<DirectLineClient>();
        for (var i = 0; i < Conversations; i++)
        {
            var chat = await DirectLineClient.StartAsync(toFirst);
            chats.Add(chat);
            await chat.PostActivityAsync(Message(chat, $"can someone draft the partner update number {i} by Friday?"));
        }

        await database.WaitForAsync(_ => Task.FromResult(model.Requests.Count >= 1 ? (bool?)true : null), "the first host's turns to be under way", TimeSpan.FromSeconds(30), first);
        await first.KillAsync();
        await using (var db = database.CreateContext())
        {
            Assert.Equal(0, await db.Proposals.CountAsync());
            Assert.Equal(Conversations, await db.InboundEvents.CountAsync(e => e.Status == InboundEventStatus.Queued && e.LeaseOwner != null));
        }

        await using var restarted = await HostProcess.StartAsync(shared);
        var clock = Stopwatch.StartNew();
        using var toRestarted = new HttpClient { BaseAddress = restarted.Address };
        // Each conversation goes on, through the restarted host, before it has answered the first message.
        foreach (var chat in chats)
        {
            await chat.Through(toRestarted).PostActivityAsync(Message(chat, "and a second one: research onboarding tools for the support team"));
        }

        await database.WaitForAsync(async db => await db.Proposals.CountAsync() == 2 * Conversations ? (bool?)true : null,
            $"every conversation to answer both messages within {Within.TotalSeconds:0} s of the restart", Within, second, restarted);
        var answeredWithin = clock.Elapsed;

        // The audit: nothing lost, nothing answered twice, each conversation's answers in the order asked.
        await using (var db = database.CreateContext())
        {
            Assert.Equal(2 * Conversations, await db.InboundEvents.CountAsync(e => e.Status == InboundEventStatus.Completed));
            var proposals = await db.Proposals.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync();
            foreach (var conversation in proposals.GroupBy(p => p.ConversationReferenceId))
            {
                Assert.Equal(2, conversation.Count());
                Assert.Contains("partner update", conversation.First().Description, StringComparison.Ordinal);
                Assert.Contains("onboarding tools", conversation.Last().Description, StringComparison.Ordinal);
            }
        }

        Assert.True(answeredWithin <= Within, $"answered {answeredWithin.TotalSeconds:0.0} s after the restart");
    }

    private static JsonObject Message(DirectLineClient chat, string text) => new()
    {
        ["type"] = "message",
        ["text"] = text,
        ["from"] = new JsonObject { ["id"] = chat.UserId, ["name"] = "Alice", ["role"] = "user" },
        ["channelData"] = new JsonObject { ["clientActivityID"] = Guid.NewGuid().ToString("N") },
    };
}
