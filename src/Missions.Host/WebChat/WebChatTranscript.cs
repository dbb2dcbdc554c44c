using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;

namespace Missions.Host.WebChat;

/// <summary>
/// The web chat channel's delivery: the transcript in the database is the channel. A view is rendered as an Adaptive
/// Card (the same renderer as Teams) and appended as a bot activity; a view replacing an earlier message is appended
/// again under the message's id with its original timestamp and reply, and Web Chat replaces it where it stands. Being
/// in the database, a delivery can join the transaction that wrote it (<see cref="DeliverInAsync"/>).
/// </summary>
public sealed class WebChatTranscript(IServiceScopeFactory scopes, TimeProvider clock) : ITransactionalTransport
{
    public const string Channel = "webchat";
    public const string BotId = "missions-bot";
    public const string BotName = "Missions";

    private long lastTicks;

    string IOutboxTransport.Channel => Channel;

    public async Task<string?> DeliverAsync(ConversationReference reference, OutboxPayload payload, string? existingMessageId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var id = await DeliverInAsync(db, reference, payload, existingMessageId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await write.CommitAsync(cancellationToken);
        return id;
    }

    public async Task<string> DeliverInAsync(MissionsDbContext db, ConversationReference reference, OutboxPayload payload, string? existingMessageId, CancellationToken cancellationToken)
    {
        var conversationId = reference.ConversationId;
        var rendered = ViewCards.Render(payload.View);
        cancellationToken.ThrowIfCancellationRequested();
        var original = existingMessageId is null ? null : await DirectLineQueries.For(db).LatestJson(db, conversationId, existingMessageId);
        var activity = original is not null
            ? Replacement(conversationId, original, existingMessageId!, rendered)
            : BotActivity(conversationId, payload.ReplyToId, Now(), rendered);
        Append(db, conversationId, activity);
        return activity["id"]!.GetValue<string>();
    }

    /// <summary>Adds an activity to the conversation's transcript, in the caller's unit of work.</summary>
    public void Append(MissionsDbContext db, string conversationId, JsonObject activity) =>
        db.DirectLineActivities.Add(new DirectLineActivity
        {
            ConversationId = conversationId,
            ActivityId = activity["id"]!.GetValue<string>(),
            Json = activity.ToJsonString(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });

    /// <summary>
    /// The time for a new activity: now, and always later than the last one this host wrote, so Web Chat (which orders
    /// activities by timestamp, to the millisecond) keeps them in the order they were written.
    /// </summary>
    public DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime.Ticks;
        while (true)
        {
            var last = Interlocked.Read(ref lastTicks);
            var next = Math.Max(now, last + TimeSpan.TicksPerMillisecond);
            if (Interlocked.CompareExchange(ref lastTicks, next, last) == last)
            {
                return new DateTime(next, DateTimeKind.Utc);
            }
        }
    }

    /// <summary>
    /// A message shown again with new content: the same id and the original timestamp and reply, so Web Chat
    /// replaces it where it stands.
    /// </summary>
    internal static JsonObject Replacement(string conversationId, string originalJson, string messageId, RenderedView view)
    {
        // Only two fields are needed: read them without building a node tree of the whole card.
        using var original = JsonDocument.Parse(originalJson);
        var root = original.RootElement;
        var at = DateTime.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var replyToId = root.TryGetProperty("replyToId", out var reply) && reply.ValueKind == JsonValueKind.String ? reply.GetString() : null;
        return BotActivity(conversationId, replyToId, at, view, messageId);
    }

    internal static JsonObject BotActivity(string conversationId, string? replyToId, DateTime at, RenderedView view, string? id = null)
    {
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["id"] = id ?? NewActivityId(conversationId),
            ["timestamp"] = Timestamp(at),
            ["channelId"] = Channel,
            ["conversation"] = new JsonObject { ["id"] = conversationId },
            ["from"] = new JsonObject { ["id"] = BotId, ["name"] = BotName, ["role"] = "bot" },
            ["textFormat"] = "markdown",
        };
        if (replyToId is not null)
        {
            activity["replyToId"] = replyToId;
        }

        if (view.Text is not null)
        {
            activity["text"] = view.Text;
        }

        if (view.Card is not null)
        {
            activity["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = global::Missions.AdaptiveCards.AdaptiveCard.ContentType,
                ["content"] = view.Card.ToJsonObject(),
            });
        }

        return activity;
    }

    public static string NewActivityId(string conversationId) => conversationId + "|" + Guid.CreateVersion7().ToString("N");

    internal static string Timestamp(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
