using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Runs;
using Missions.Host.Outbox;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.WebChat;

/// <summary>
/// Web chat messages that had to wait (behind a progress card the conversation's pace holds back) are delivered by
/// the dispatcher straight into the transcript, each in one transaction with its record: once, in order, even with two
/// hosts delivering, and at the pace of the progress spacing, not of the dispatcher's polls.
/// </summary>
public sealed class WebChatDeliveryTests
{
    [Theory, Sqlite, Postgres]
    public async Task Two_hosts_deliver_waiting_web_chat_messages_once_in_order_at_the_progress_pace_not_the_poll(Provider provider)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Missions:Outbox:ProgressInterval"] = "00:00:00.300",
            // Were a held-back message picked up by a poll, the four held back would take most of a minute.
            ["Missions:Outbox:PollInterval"] = "00:00:20",
        };
        await using var first = await MissionsApp.StartOnLoopbackAsync(provider, settings);
        await using var second = first.WithServices(_ => { });
        using var chat = await DirectLineClient.StartAsync(new HttpClient { BaseAddress = first.BaseAddress });
        var reference = await first.WithDbAsync(db => db.ConversationReferences.Where(c => c.Channel == "webchat").Select(c => c.Id).SingleAsync());

        // Five runs' progress cards, each followed by a notice, written at once: the cards must go out 0.3 s apart and
        // each notice waits behind the card before it.
        var views = Enumerable.Range(1, 5).SelectMany(i => new ChatView[]
        {
            new RunProgressView(Guid.CreateVersion7(), $"M-{i}", $"Topic {i}", null, "Researcher", RunStatus.Running, 1, [], "Reading", 3, null, null, DateTime.UtcNow, null),
            new NoticeView($"Notice {i}"),
        }).ToList();
        var clock = Stopwatch.StartNew();
        await first.ShowAsync(reference, views);
        await first.WaitForAsync(async db => await db.OutboxMessages.CountAsync(o => o.ConversationReferenceId == reference && o.Status == OutboxStatus.Sent && (o.Kind == OutboxKinds.Progress || o.PayloadJson.Contains("Notice"))) == 10 ? (bool?)true : null);
        var took = clock.Elapsed;
        var rows = await first.WithDbAsync(async db => string.Join("\n", (await db.OutboxMessages.AsNoTracking().Where(o => o.ConversationReferenceId == reference).OrderBy(o => o.Id).ToListAsync())
            .Select(o => $"{o.Id} {o.Kind} v{o.Version} created {o.CreatedAt:HH:mm:ss.fff} due {o.NextAttemptAt:HH:mm:ss.fff} sent {o.SentAt:HH:mm:ss.fff}")));
        Assert.True(took < TimeSpan.FromSeconds(8), $"ten messages paced 0.3 s apart took {took.TotalSeconds:F1} s: they waited for polls\n{rows}");

        // The transcript has each once, in the order written.
        await chat.PollAsync();
        var shown = chat.Transcript.Where(a => a["from"]!["role"]!.GetValue<string>() == "bot")
            .Select(a => DirectLineClient.CardOf(a) is { } card
                ? DirectLineClient.Texts(card).FirstOrDefault(t => t.Contains("Topic", StringComparison.Ordinal)) is { } topic ? "card " + topic[topic.IndexOf("Topic", StringComparison.Ordinal)..] : "other card"
                : a["text"]?.GetValue<string>())
            .Where(t => t is not null && (t.StartsWith("card", StringComparison.Ordinal) || t.StartsWith("Notice", StringComparison.Ordinal)))
            .ToList();
        Assert.Equal(Enumerable.Range(1, 5).SelectMany(i => new[] { $"card Topic {i}", $"Notice {i}" }), shown);

        // The cards kept the pace: each went out no sooner than the spacing after the one before.
        var cardsSent = await first.WithDbAsync(db => db.OutboxMessages.Where(o => o.ConversationReferenceId == reference && o.Kind == OutboxKinds.Progress)
            .OrderBy(o => o.Id).Select(o => o.SentAt!.Value).ToListAsync());
        Assert.All(cardsSent.Zip(cardsSent.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(290), $"progress sent {(pair.Second - pair.First).TotalMilliseconds} ms after the one before"));
    }
}
