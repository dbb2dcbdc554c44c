using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Proposals;
using Missions.Host.Web;

namespace Missions.Host.WebChat;

/// <summary>
/// The web chat channel: Direct Line activities in, <see cref="MissionBot"/> turns, activities out into the
/// conversation's transcript. A turn is one transaction: the inbound event, the user's message, the state change and
/// the replies commit together, so a retried post is answered again and never handled twice.
/// </summary>
public sealed partial class WebChatTurns(MissionsDbContext db, MissionBot bot, TimeProvider clock, ILogger<WebChatTurns> logger)
{
    public const string Channel = "webchat";
    public const string BotId = "missions-bot";
    public const string BotName = "Missions";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Starts a conversation: its reference, and a welcome in its transcript.</summary>
    public async Task<string> StartConversationAsync(CancellationToken cancellationToken)
    {
        var conversationId = "dl-" + Guid.NewGuid().ToString("N");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = await db.BeginWriteAsync(cancellationToken);
        await ConversationStore.UpsertAsync(db, new ConversationInfo(Channel, conversationId, ConversationType: "personal"), now, cancellationToken);
        Append(conversationId, BotActivity(conversationId, null, now, ViewCards.Render(new NoticeView(
            "Hi! I turn requests into tracked missions. Tell me what you need, for example “pull together a competitor " +
            "pricing summary for the Q3 deck by Friday”, and I will draft a proposal for you to approve. Say **help** for commands."))));
        await db.SaveChangesAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return conversationId;
    }

    public Task<bool> ConversationExistsAsync(string conversationId, CancellationToken cancellationToken) =>
        DirectLineQueries.For(db).ConversationExists(db, Channel, conversationId);

    /// <summary>
    /// Handles one posted activity and returns the id the client should know it by; null when the conversation does
    /// not exist (or has ended).
    /// </summary>
    public async Task<string?> PostAsync(string conversationId, string userId, JsonObject activity, CancellationToken cancellationToken)
    {
        if (await DirectLineQueries.For(db).Reference(db, Channel, conversationId) is not { } reference)
        {
            return null;
        }

        var type = (activity["type"] as JsonValue)?.ToString() ?? "message";
        var clientId = (activity["channelData"]?["clientActivityID"] as JsonValue)?.ToString();
        var eventKey = clientId is { Length: > 0 and <= 200 } ? $"{conversationId}:{clientId}" : null;
        var activityId = NewActivityId(conversationId);

        try
        {
            return await HandleAsync(conversationId, reference, userId, type, activity, activityId, eventKey, failure: null, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing of the failed turn was committed.
            db.ChangeTracker.Clear();

            // A failed save is usually the same delivery racing us and winning (its event id is the primary key):
            // answer as it did.
            if (e is DbUpdateException && eventKey is not null && ReplayId(await FindEventAsync(eventKey, cancellationToken)) is { } replayed)
            {
                return replayed;
            }

            // Otherwise record the message and tell the person, so the poll never fails because of a bad turn and
            // nothing they wrote is lost.
            if (e is not ProblemException)
            {
                LogTurnFailed(logger, e, conversationId);
            }

            var notice = e is ProblemException problem
                ? problem.Message
                : "Sorry, something went wrong while handling that. Your message is saved; please try again.";
            return await HandleAsync(conversationId, reference, userId, type, activity, activityId, eventKey, notice, cancellationToken);
        }
    }

    private async Task<string> HandleAsync(
        string conversationId, DirectLineQueries.ReferenceRow reference, string userId, string type, JsonObject activity, string activityId, string? eventKey, string? failure, CancellationToken cancellationToken)
    {
        // Read first, outside the write transaction: a retry is answered without waiting for the writer, and the
        // bot's reading (workspace, the proposer's draft) does not hold the database.
        if (eventKey is not null && ReplayId(await FindEventAsync(eventKey, cancellationToken)) is { } answered)
        {
            return answered;
        }

        var from = new ChatUser(userId, Name(activity));
        var timeZone = ValidTimeZone((activity["localTimezone"] as JsonValue)?.ToString());
        var turn = TurnOf(type, activity, reference.Id, from, timeZone);
        var prepared = turn is not null && failure is null ? await bot.PrepareAsync(turn, cancellationToken) : null;

        // The writes, one transaction. A duplicate delivery that slipped past the check above fails on the event's
        // primary key when saved, and PostAsync answers it from the stored event.
        await using var scope = await db.BeginWriteAsync(cancellationToken);
        if (eventKey is not null)
        {
            // Recorded as answered: it commits with the turn or not at all.
            var received = clock.GetUtcNow().UtcDateTime;
            db.InboundEvents.Add(new InboundEvent
            {
                Channel = Channel,
                EventId = eventKey,
                ReceivedAt = received,
                CompletedAt = received,
                Status = failure is null ? InboundEventStatus.Completed : InboundEventStatus.Failed,
                ResponseJson = JsonSerializer.Serialize(new { id = activityId }, Json),
            });
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (timeZone is not null && timeZone != reference.TimeZone)
        {
            await ConversationStore.UpsertAsync(db, new ConversationInfo(Channel, conversationId, TimeZone: timeZone), now, cancellationToken);
        }

        if (type == "message")
        {
            // The person's own message comes back in the activity list with its id and clientActivityID, or Web Chat
            // shows "Send failed".
            Append(conversationId, UserActivity(activity, conversationId, activityId, from, now));
        }

        if (turn is not null)
        {
            var reply = prepared is not null
                ? await bot.HandleAsync(turn, prepared, cancellationToken)
                : BotReply.Post(new NoticeView(failure ?? "Sorry, something went wrong.", NoticeTone.Warning));
            await DeliverAsync(conversationId, type == "message" ? activityId : null, reply, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return activityId;
    }

    private static ChatTurn? TurnOf(string type, JsonObject activity, Guid referenceId, ChatUser from, string? timeZone)
    {
        if (type == "message")
        {
            var value = activity["value"] as JsonObject;
            var text = (activity["text"] as JsonValue)?.ToString();
            return value is not null && string.IsNullOrWhiteSpace(text)
                ? new ChatTurn(Channel, referenceId, from, null, new CardActionInput((value["verb"] as JsonValue)?.ToString(), (JsonObject)value.DeepClone()), (activity["replyToId"] as JsonValue)?.ToString(), timeZone)
                : new ChatTurn(Channel, referenceId, from, text, null, null, timeZone);
        }

        if (type == "invoke" && (activity["name"] as JsonValue)?.ToString() == "adaptiveCard/action")
        {
            var action = activity["value"]?["action"] as JsonObject;
            var data = action?["data"] as JsonObject ?? [];
            return new ChatTurn(Channel, referenceId, from, null, new CardActionInput((action?["verb"] as JsonValue)?.ToString(), (JsonObject)data.DeepClone()),
                (activity["replyToId"] as JsonValue)?.ToString(), timeZone);
        }

        return null;
    }

    private Task<InboundEvent?> FindEventAsync(string eventKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return DirectLineQueries.For(db).InboundEvent(db, Channel, eventKey);
    }

    /// <summary>The transcript after a watermark, as stored (JSON text), in order.</summary>
    internal async Task<List<DirectLineQueries.TranscriptRow>> TranscriptAsync(string conversationId, long after, int take, CancellationToken cancellationToken) =>
        await DirectLineQueries.For(db).Transcript(db, conversationId, after, take).ToListAsync(cancellationToken);

    private async Task DeliverAsync(string conversationId, string? replyToId, BotReply reply, DateTime now, CancellationToken cancellationToken)
    {
        var at = now;
        foreach (var view in reply.Posts)
        {
            // A millisecond apart, so Web Chat (which orders by timestamp) keeps the replies in order.
            at = at.AddMilliseconds(1);
            var message = BotActivity(conversationId, replyToId, at, ViewCards.Render(view));
            Append(conversationId, message);
            if (view is ProposalView { Status: ProposalStatus.Pending } proposal)
            {
                // Remember which message carries the card, so a decision can replace it.
                var id = message["id"]!.GetValue<string>();
                if (db.Proposals.Local.FirstOrDefault(p => p.Id == proposal.Id) is { } tracked)
                {
                    tracked.CardMessageId = id;
                }
                else
                {
                    await db.Proposals.Where(p => p.Id == proposal.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.CardMessageId, id), cancellationToken);
                }
            }
        }

        foreach (var update in reply.Updates)
        {
            var latest = await DirectLineQueries.For(db).LatestJson(db, conversationId, update.MessageId);
            if (latest is null)
            {
                // The card lives in another conversation (or was never ours): say what happened here instead.
                Append(conversationId, BotActivity(conversationId, replyToId, at = at.AddMilliseconds(1), ViewCards.Render(update.View)));
                continue;
            }

            var view = ViewCards.Render(update.View);
            Append(conversationId, Replacement(conversationId, latest, update.MessageId, view.Text, view.Card?.ToJsonObject()));
        }
    }

    /// <summary>
    /// A message shown again with new content: the same id and the original timestamp and reply, so Web Chat
    /// replaces it where it stands.
    /// </summary>
    internal static JsonObject Replacement(string conversationId, string originalJson, string messageId, string? text, JsonObject? card)
    {
        // Only two fields are needed: read them without building a node tree of the whole card.
        using var original = JsonDocument.Parse(originalJson);
        var root = original.RootElement;
        var at = DateTime.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var replyToId = root.TryGetProperty("replyToId", out var reply) && reply.ValueKind == JsonValueKind.String ? reply.GetString() : null;
        return BotActivity(conversationId, replyToId, at, text, card, messageId);
    }

    internal void Append(string conversationId, JsonObject activity) =>
        db.DirectLineActivities.Add(new DirectLineActivity
        {
            ConversationId = conversationId,
            ActivityId = activity["id"]!.GetValue<string>(),
            Json = activity.ToJsonString(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });

    private static JsonObject UserActivity(JsonObject posted, string conversationId, string id, ChatUser from, DateTime at)
    {
        var echo = (JsonObject)posted.DeepClone();
        echo["id"] = id;
        echo["timestamp"] = Timestamp(at);
        echo["channelId"] = Channel;
        echo["conversation"] = new JsonObject { ["id"] = conversationId };
        // The token says who this is; whatever the client claims in "from" is not trusted.
        echo["from"] = new JsonObject { ["id"] = from.Id, ["name"] = from.Name, ["role"] = "user" };
        echo["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = BotName, ["role"] = "bot" };
        return echo;
    }

    internal static JsonObject BotActivity(string conversationId, string? replyToId, DateTime at, RenderedView view, string? id = null) =>
        BotActivity(conversationId, replyToId, at, view.Text, view.Card?.ToJsonObject(), id);

    internal static JsonObject BotActivity(string conversationId, string? replyToId, DateTime at, string? text, JsonObject? card, string? id = null)
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

        if (text is not null)
        {
            activity["text"] = text;
        }

        if (card is not null)
        {
            activity["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = global::Missions.AdaptiveCards.AdaptiveCard.ContentType,
                ["content"] = card,
            });
        }

        return activity;
    }

    private static string Name(JsonObject activity)
    {
        var name = (activity["from"]?["name"] as JsonValue)?.ToString()?.Trim();
        return string.IsNullOrEmpty(name) || name.Length > 100 ? "Web chat user" : name;
    }

    private static string? ValidTimeZone(string? timeZone) =>
        timeZone is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _) ? timeZone : null;

    private static string? ReplayId(InboundEvent? seen) =>
        seen?.ResponseJson is { } json ? JsonNode.Parse(json)?["id"]?.GetValue<string>() : null;

    private static string NewActivityId(string conversationId) => conversationId + "|" + Guid.CreateVersion7().ToString("N");

    internal static string Timestamp(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "A web chat turn failed in conversation {ConversationId}")]
    private static partial void LogTurnFailed(ILogger logger, Exception exception, string conversationId);
}
