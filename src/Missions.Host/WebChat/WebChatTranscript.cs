using System.Globalization;
using System.Text.Json;
using System.Text;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Outbox;

namespace Missions.Host.WebChat;

/// <summary>
/// The web chat channel's delivery: the transcript in the database is the channel. A view is rendered as an Adaptive
/// Card (the same renderer as Teams) and appended as a bot activity; a view replacing an earlier message is appended
/// again under the message's id with its original timestamp and reply, and Web Chat replaces it where it stands. Being
/// in the database, a delivery can join the transaction that wrote it (<see cref="DeliverInAsync"/>).
/// </summary>
public sealed class WebChatTranscript(IServiceScopeFactory scopes, TranscriptSignals signals, TimeProvider clock) : ITransactionalTransport
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
        string id, json;
        if (original is not null)
        {
            // Shown again with new content: the same id and the original timestamp and reply, so Web Chat replaces it where it stands.
            var (at, replyToId) = Placement(original);
            (id, json) = (existingMessageId!, BotActivity(conversationId, existingMessageId!, replyToId, at, rendered));
        }
        else
        {
            id = NewActivityId(conversationId);
            json = BotActivity(conversationId, id, payload.ReplyToId, Now(), rendered);
        }

        await AppendAsync(db, conversationId, id, json, cancellationToken);
        return id;
    }

    /// <summary>
    /// Adds an activity to the conversation's transcript at once, inside the caller's write transaction (in the order
    /// written: the row id is the watermark), and wakes a waiting poll when it commits. One plain statement: every turn
    /// writes here inside the write lock.
    /// </summary>
    public async Task AppendAsync(MissionsDbContext db, string conversationId, string activityId, string json, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "DirectLineActivities" ("ConversationId", "ActivityId", "Json", "CreatedAt") VALUES ({conversationId}, {activityId}, {json}, {now})""",
            cancellationToken);
        db.AfterCommit(() => signals.Notify(conversationId));
    }

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

    /// <summary>Where a message stands: its timestamp and the message it answers (read without building a node tree of the card).</summary>
    private static (DateTime At, string? ReplyToId) Placement(string originalJson)
    {
        using var original = JsonDocument.Parse(originalJson);
        var root = original.RootElement;
        var at = DateTime.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var replyToId = root.TryGetProperty("replyToId", out var reply) && reply.ValueKind == JsonValueKind.String ? reply.GetString() : null;
        return (at, replyToId);
    }

    /// <summary>A bot message as Direct Line carries it, written straight to JSON (the card's JSON is already written).</summary>
    internal static string BotActivity(string conversationId, string id, string? replyToId, DateTime at, RenderedView view)
    {
        using var buffer = new MemoryStream(512 + (view.CardJson?.Length ?? 0) + (view.Text?.Length ?? 0));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "message");
            json.WriteString("id", id);
            json.WriteString("timestamp", Timestamp(at));
            json.WriteString("channelId", Channel);
            json.WriteStartObject("conversation");
            json.WriteString("id", conversationId);
            json.WriteEndObject();
            json.WriteStartObject("from");
            json.WriteString("id", BotId);
            json.WriteString("name", BotName);
            json.WriteString("role", "bot");
            json.WriteEndObject();
            json.WriteString("textFormat", "markdown");
            if (replyToId is not null)
            {
                json.WriteString("replyToId", replyToId);
            }

            if (view.Text is not null)
            {
                // Markdown, as Web Chat reads it: a '<' in what people wrote ("Fix the <footer> layout") is text, not a tag.
                json.WriteString("text", view.Text.Replace("<", "&lt;", StringComparison.Ordinal));
            }

            if (view.CardJson is not null)
            {
                json.WriteStartArray("attachments");
                json.WriteStartObject();
                json.WriteString("contentType", global::Missions.AdaptiveCards.AdaptiveCard.ContentType);
                json.WritePropertyName("content");
                json.WriteRawValue(view.CardJson, skipInputValidation: true);
                json.WriteEndObject();
                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static string NewActivityId(string conversationId) => conversationId + "|" + Guid.CreateVersion7().ToString("N");

    internal static string Timestamp(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
