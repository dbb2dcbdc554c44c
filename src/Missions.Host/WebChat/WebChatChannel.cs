using System.Text.Json;
using System.Text.Json.Nodes;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Outbox;
using Missions.Host.Workspace;

namespace Missions.Host.WebChat;

/// <summary>
/// The web chat channel's adapter: Direct Line activities in, turns through the <see cref="TurnPipeline"/>. A message
/// is stored with the person's own message (echoed into the transcript, as Web Chat expects) and answered with its id at
/// once; the bot's reply follows in the transcript when the turn has run. A card button is handled within the post, and
/// what answers it shows in the transcript (Direct Line's answer to a post is only the activity's id). The person is
/// who the conversation token says, never what the activity claims.
/// </summary>
public sealed class WebChatChannel(
    MissionsDbContext db, TurnPipeline pipeline, WebChatTranscript transcript, ConversationOutbox outbox, AttachmentService attachments, TimeProvider clock) : IChannelAdapter
{
    public const string Welcome = "Hi! I turn requests into tracked missions. " + ChatCommands.HowToAsk;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Channel => WebChatTranscript.Channel;

    /// <summary>Starts a conversation: its reference, and a welcome in its transcript.</summary>
    public async Task<string> StartConversationAsync(CancellationToken cancellationToken)
    {
        var conversationId = "dl-" + Guid.NewGuid().ToString("N");
        await using var scope = await db.BeginWriteAsync(cancellationToken);
        var reference = await ConversationStore.UpsertAsync(db, new ConversationInfo(Channel, conversationId, ConversationType: "personal"), clock.GetUtcNow().UtcDateTime, cancellationToken);
        await outbox.PostAsync(reference.Id, new NoticeView(Welcome), null, cancellationToken);
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return conversationId;
    }

    public Task<bool> ConversationExistsAsync(string conversationId, CancellationToken cancellationToken) =>
        DirectLineQueries.For(db).ConversationExists(db, Channel, conversationId);

    /// <summary>
    /// Takes one posted activity and returns the id the client should know it by; null when the conversation does
    /// not exist (or has ended). A retried post (the same <c>clientActivityID</c>) gets the same id and is not handled again.
    /// <paramref name="files"/> (stored uploads) go with the message to its turn; those of a post not taken (no such
    /// conversation, a retry of one taken) are discarded here.
    /// </summary>
    public async Task<string?> PostAsync(string conversationId, DirectLineClaims sender, JsonObject activity, CancellationToken cancellationToken, IReadOnlyList<ChatFile>? files = null)
    {
        if (await DirectLineQueries.For(db).Reference(db, Channel, conversationId) is not { } reference)
        {
            await attachments.DiscardAsync(files ?? []);
            return null;
        }

        var type = (activity["type"] as JsonValue)?.ToString() ?? "message";
        var clientId = (activity["channelData"]?["clientActivityID"] as JsonValue)?.ToString();
        var eventKey = clientId is { Length: > 0 and <= 200 } ? $"{conversationId}:{clientId}" : null;
        var activityId = WebChatTranscript.NewActivityId(conversationId);
        var answer = JsonSerializer.Serialize(new PostAnswer(activityId), Json);
        var from = new ChatUser(sender.UserId, sender.UserName);
        var timeZone = ValidTimeZone((activity["localTimezone"] as JsonValue)?.ToString());
        if (timeZone is not null && timeZone != reference.TimeZone)
        {
            await ConversationStore.EnsureAsync(db, new ConversationInfo(Channel, conversationId, TimeZone: timeZone), clock.GetUtcNow().UtcDateTime, cancellationToken);
        }

        if (type == "message")
        {
            // The person's own message comes back in the activity list with its id and clientActivityID, or Web Chat
            // shows "Send failed"; it is written with the delivery, so nothing they wrote is lost. Files sent with it
            // are named there (their bytes wait for the turn, which attaches them to a mission or discards them).
            var posted = UserActivity(activity, conversationId, activityId, from, transcript.Now());
            if (files is { Count: > 0 })
            {
                posted["attachments"] = new JsonArray([.. files.Select(f => (JsonNode)new JsonObject { ["contentType"] = f.ContentType, ["name"] = f.Name })]);
            }

            var echo = posted.ToJsonString();
            Task Echo(MissionsDbContext context, CancellationToken ct) => transcript.AppendAsync(context, conversationId, activityId, echo, ct);
            var text = (activity["text"] as JsonValue)?.ToString();
            if (activity["value"] is JsonObject value && string.IsNullOrWhiteSpace(text))
            {
                // Action.Submit (and messageBack): the card's data arrives as the message's value.
                var submitted = new ChatTurn(Channel, reference.Id, Workspaces.Local, from, null, CardActions.Parse(null, value), activityId, timeZone);
                return IdOf(await pipeline.HandleNowAsync(this, eventKey, submitted, _ => answer, answerShowsResult: false, Echo, cancellationToken));
            }

            var queued = new QueuedMessage(activityId, from.Id, from.Name, text, timeZone, files is { Count: > 0 } ? files : null);
            var given = await pipeline.QueueAsync(Channel, eventKey ?? $"{conversationId}:{activityId}", reference.Id,
                JsonSerializer.Serialize(queued, Json), answer, Echo, cancellationToken);
            if (given != answer)
            {
                await attachments.DiscardAsync(files ?? []); // a retry of a message already taken: its turn has the first copies
            }

            return IdOf(given);
        }

        if (type == "invoke" && (activity["name"] as JsonValue)?.ToString() == "adaptiveCard/action")
        {
            // Action.Execute, as the local page (and Teams) sends it.
            var action = activity["value"]?["action"] as JsonObject;
            var data = action?["data"] as JsonObject ?? [];
            var pressed = new ChatTurn(Channel, reference.Id, Workspaces.Local, from, null, CardActions.Parse((action?["verb"] as JsonValue)?.ToString(), data), null, timeZone);
            return IdOf(await pipeline.HandleNowAsync(this, eventKey, pressed, _ => answer, answerShowsResult: false, null, cancellationToken));
        }

        // Typing, events and the like: acknowledged, nothing to handle.
        return activityId;
    }

    public ChatTurn? ReadQueued(InboxClaim claim)
    {
        var message = JsonSerializer.Deserialize<QueuedMessage>(claim.PayloadJson, Json)
            ?? throw new JsonException($"Queued event '{claim.EventId}' has no message.");
        return new ChatTurn(Channel, claim.ConversationReferenceId, Workspaces.Local, new ChatUser(message.UserId, message.UserName), message.Text, null, message.ActivityId, message.TimeZone, Files: message.Files);
    }

    /// <summary>The transcript after a watermark, as stored (JSON text), in order.</summary>
    internal async Task<List<DirectLineQueries.TranscriptRow>> TranscriptAsync(string conversationId, long after, int take, CancellationToken cancellationToken) =>
        await DirectLineQueries.For(db).Transcript(db, conversationId, after, take).ToListAsync(cancellationToken);

    private static string IdOf(string answer) => JsonSerializer.Deserialize<PostAnswer>(answer, Json)!.Id;

    private static JsonObject UserActivity(JsonObject posted, string conversationId, string id, ChatUser from, DateTime at)
    {
        var echo = (JsonObject)posted.DeepClone();
        echo["id"] = id;
        echo["timestamp"] = WebChatTranscript.Timestamp(at);
        echo["channelId"] = WebChatTranscript.Channel;
        echo["conversation"] = new JsonObject { ["id"] = conversationId };
        // The token says who this is; whatever the client claims in "from" is not trusted.
        echo["from"] = new JsonObject { ["id"] = from.Id, ["name"] = from.Name, ["role"] = "user" };
        echo["recipient"] = new JsonObject { ["id"] = WebChatTranscript.BotId, ["name"] = WebChatTranscript.BotName, ["role"] = "bot" };
        return echo;
    }

    private static string? ValidTimeZone(string? timeZone) =>
        timeZone is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _) ? timeZone : null;

    /// <summary>Direct Line's answer to a post, stored for a retried post.</summary>
    private sealed record PostAnswer(string Id);

    /// <summary>A message as it waits for its turn: who wrote it (from their token), what, and the id it was answered with.</summary>
    private sealed record QueuedMessage(string ActivityId, string UserId, string UserName, string? Text, string? TimeZone, IReadOnlyList<ChatFile>? Files = null);
}
