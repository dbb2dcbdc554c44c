using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.BotFramework;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;
using Missions.Host.Web;

namespace Missions.Host.Teams;

/// <summary>
/// Microsoft Teams over the Bot Framework protocol. A request is authenticated before anything is read from it
/// beyond its routing fields; each inbound activity is recorded by id so a redelivery is never handled twice.
/// A message (and the "Create mission" message action) is stored and answered at once; its turn, which may call a
/// slow proposer, runs after the answer in the inbox worker, and its replies reach Teams through the Connector as
/// replies in the same thread. A card action is quick and answered in the HTTP response with the updated card, and
/// the shared message is updated too, so every member sees the decision. A turn's state change, its event and its
/// replies (outbox messages) commit together.
/// </summary>
public sealed partial class TeamsTurns(
    MissionsDbContext db,
    MissionBot bot,
    OutboxSignal outbox,
    InboxSignal inbox,
    IOptions<TeamsOptions> options,
    TimeProvider clock,
    ILogger<TeamsTurns> logger) : IInboxHandler
{
    public const string Channel = "msteams";
    public const string CreateMissionCommand = "createMission";

    /// <summary>The result of a turn: the HTTP status and, for an invoke, the body.</summary>
    public sealed record Outcome(int Status, JsonObject? Body = null);

    public async Task<Outcome> HandleAsync(Activity activity, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.AllowedTenants.Count > 0 && (activity.TenantId is null || !settings.AllowedTenants.Contains(activity.TenantId, StringComparer.OrdinalIgnoreCase)))
        {
            LogTenantRefused(logger, activity.TenantId);
            return new Outcome(403);
        }

        if (activity.Conversation?.Id is not { Length: > 0 } || activity.ServiceUrl is null)
        {
            // Nothing to answer into; acknowledge so Teams does not retry it.
            return new Outcome(200);
        }

        return activity.Type switch
        {
            ActivityTypes.Message => await MessageAsync(activity, cancellationToken),
            ActivityTypes.Invoke when activity.Name == "adaptiveCard/action" => await CardActionAsync(activity, cancellationToken),
            ActivityTypes.Invoke when activity.Name == "composeExtension/fetchTask" => FetchTask(activity),
            ActivityTypes.Invoke when activity.Name == "composeExtension/submitAction" => await SubmitActionAsync(activity, cancellationToken),
            ActivityTypes.Invoke => new Outcome(200, InvokeResponse.Error(501, "NotImplemented", $"The invoke '{activity.Name}' is not handled by this bot.").Body),
            ActivityTypes.ConversationUpdate or ActivityTypes.InstallationUpdate => await MembershipAsync(activity, cancellationToken),
            _ => new Outcome(200),
        };
    }

    // ---- messages and card actions ------------------------------------------------------------------------------

    /// <summary>Answered 200 with no body once stored; the turn runs after the answer and its replies follow through the Connector.</summary>
    private Task<Outcome> MessageAsync(Activity activity, CancellationToken cancellationToken) =>
        QueueAsync(activity, new Outcome(200), cancellationToken);

    /// <summary>A message's request text, or the card action it carries (Action.Submit, the card's fallback for old clients).</summary>
    private static (string? Text, CardActionInput? Action) ReadMessage(Activity activity)
    {
        var value = activity.Value as JsonObject;
        var text = Mentions.RemoveRecipientMention(activity);
        if (value is not null && text.Length == 0 || value is not null && value.ContainsKey("proposalId"))
        {
            // The data and inputs arrive as the value.
            var data = (JsonObject)value.DeepClone();
            return (null, new CardActionInput((data["verb"] as JsonValue)?.ToString(), data));
        }

        return (text, null);
    }

    string IInboxHandler.Channel => Channel;

    /// <summary>The turn of a queued message or message action, after its HTTP answer (see <see cref="InboxWorker"/>).</summary>
    async Task IInboxHandler.HandleAsync(InboxClaim claim, CancellationToken cancellationToken)
    {
        var activity = System.Text.Json.JsonSerializer.Deserialize<Activity>(claim.PayloadJson, BotJson.Options)
            ?? throw new InvalidOperationException($"Queued event '{claim.EventId}' has no activity.");
        if (activity.Type == ActivityTypes.Invoke)
        {
            // The message action: the proposal is posted into the conversation as a new message, not a reply to the invoke.
            await TurnAsync(activity, SubmittedRequest(activity.Value as JsonObject), null, replyInThread: false, claim, cancellationToken);
            return;
        }

        var (text, action) = ReadMessage(activity);
        await TurnAsync(activity, text, action, replyInThread: true, claim, cancellationToken);
    }

    /// <summary>
    /// Stores the activity as a queued event with the answer it gets (a redelivery gets the same answer and queues
    /// nothing), then wakes the inbox worker.
    /// </summary>
    private async Task<Outcome> QueueAsync(Activity activity, Outcome answer, CancellationToken cancellationToken)
    {
        var eventKey = EventKey(activity) ?? "noid:" + Guid.NewGuid().ToString("N");
        if (await ReplayAsync(eventKey, cancellationToken) is { } replay)
        {
            return replay;
        }

        var reference = await UpsertReferenceAsync(activity, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            await using var scope = await db.BeginWriteAsync(cancellationToken);
            db.InboundEvents.Add(new InboundEvent
            {
                Channel = Channel,
                EventId = eventKey,
                Status = InboundEventStatus.Queued,
                ReceivedAt = now,
                ConversationReferenceId = reference.Id,
                PayloadJson = System.Text.Json.JsonSerializer.Serialize(activity, BotJson.Options),
                ResponseJson = ResponseJson(answer),
            });
            await db.SaveChangesAsync(cancellationToken);
            await scope.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same delivery racing this one, and winning: answer as it did.
            db.ChangeTracker.Clear();
            return await ReplayAsync(eventKey, cancellationToken) ?? answer;
        }

        inbox.Pulse();
        return answer;
    }

    private async Task<Outcome> CardActionAsync(Activity activity, CancellationToken cancellationToken)
    {
        var action = activity.Value?["action"] as JsonObject;
        var data = action?["data"] as JsonObject ?? [];
        var input = new CardActionInput((action?["verb"] as JsonValue)?.ToString(), (JsonObject)data.DeepClone());
        return await TurnAsync(activity, null, input, replyInThread: true, claim: null, cancellationToken);
    }

    /// <summary>
    /// One turn in one transaction: the inbound event, the conversation reference, the state change and the outbox
    /// messages. A card action's answer (the updated card) is stored with the event, so a redelivery gets it again;
    /// a queued event (<paramref name="claim"/>) was answered when it arrived and is completed here instead.
    /// </summary>
    private async Task<Outcome> TurnAsync(Activity activity, string? text, CardActionInput? action, bool replyInThread, InboxClaim? claim, CancellationToken cancellationToken)
    {
        var eventKey = claim is null ? EventKey(activity) : null;
        if (eventKey is not null && await ReplayAsync(eventKey, cancellationToken) is { } replay)
        {
            return replay;
        }

        var referenceId = claim?.ConversationReferenceId ?? (await UpsertReferenceAsync(activity, cancellationToken)).Id;
        var from = new ChatUser(activity.From?.Id ?? "unknown", Name(activity.From), activity.From?.AadObjectId);
        var timeZone = TimeZoneOf(activity);
        var turn = new ChatTurn(Channel, referenceId, from, text, action, action is null ? null : activity.ReplyToId, timeZone);
        var isInvoke = activity.Type == ActivityTypes.Invoke;
        var replyTo = replyInThread ? activity.Id : null;

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var prepared = await bot.PrepareAsync(turn, cancellationToken);
                await using var scope = await db.BeginWriteAsync(cancellationToken);
                var reply = await bot.HandleAsync(turn, prepared, cancellationToken);
                var now = clock.GetUtcNow().UtcDateTime;
                var outcome = isInvoke ? InvokeOutcome(reply) : new Outcome(200);
                await RecordAsync(eventKey, claim, InboundEventStatus.Completed, outcome, now, cancellationToken);
                Enqueue(referenceId, reply, replyTo, now);
                await db.SaveChangesAsync(cancellationToken);
                await scope.CommitAsync(cancellationToken);
                outbox.Pulse();
                return outcome;
            }
            catch (DbUpdateException) when (eventKey is not null && attempt == 1)
            {
                // The same delivery racing this one, and winning: answer as it did.
                db.ChangeTracker.Clear();
                if (await ReplayAsync(eventKey, cancellationToken) is { } raced)
                {
                    return raced;
                }
            }
            catch (ProblemException problem) when (problem.Status == 409 && attempt == 1)
            {
                // A concurrent click changed the proposal first: look again, and answer with what it is now.
                db.ChangeTracker.Clear();
            }
            catch (Exception e) when (e is not OperationCanceledException and not InboxClaimLostException)
            {
                db.ChangeTracker.Clear();
                if (e is not ProblemException)
                {
                    LogTurnFailed(logger, e, activity.Conversation?.Id);
                }

                var notice = new NoticeView(e is ProblemException p ? p.Message : "Sorry, something went wrong while handling that. Please try again.", NoticeTone.Warning);
                await using var scope = await db.BeginWriteAsync(cancellationToken);
                var now = clock.GetUtcNow().UtcDateTime;
                var outcome = isInvoke && claim is null
                    ? new Outcome(200, InvokeResponse.Message(notice.Text).Body)
                    : new Outcome(200);
                await RecordAsync(eventKey, claim, InboundEventStatus.Failed, outcome, now, cancellationToken);
                if (!isInvoke || claim is not null)
                {
                    OutboxWriter.Post(db, referenceId, notice, now, replyTo);
                }

                await db.SaveChangesAsync(cancellationToken);
                await scope.CommitAsync(cancellationToken);
                outbox.Pulse();
                return outcome;
            }
        }
    }

    private static Outcome InvokeOutcome(BotReply reply)
    {
        if (reply.ActionResult is not null && ViewCards.Render(reply.ActionResult).Card is { } card)
        {
            return new Outcome(200, InvokeResponse.Card(card.ToJsonObject()).Body);
        }

        var text = reply.Posts.OfType<NoticeView>().FirstOrDefault()?.Text ?? "Done.";
        return new Outcome(200, InvokeResponse.Message(text).Body);
    }

    private void Enqueue(Guid referenceId, BotReply reply, string? replyTo, DateTime now)
    {
        foreach (var view in reply.Posts)
        {
            OutboxWriter.Post(db, referenceId, view, now, replyTo);
        }

        foreach (var update in reply.Updates)
        {
            OutboxWriter.Update(db, referenceId, update, now);
        }
    }

    // ---- the message action: "Create mission" on any message ------------------------------------------------------

    /// <summary>The dialog for "Create mission": the chosen message as an editable request.</summary>
    private static Outcome FetchTask(Activity activity)
    {
        var request = MessagePayloadText(activity.Value);
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["body"] = new JsonArray(
                new JsonObject { ["type"] = "TextBlock", ["text"] = "Turn this message into a mission proposal", ["weight"] = "bolder", ["wrap"] = true },
                new JsonObject { ["type"] = "Input.Text", ["id"] = "request", ["label"] = "Request", ["isMultiline"] = true, ["value"] = request, ["isRequired"] = true, ["errorMessage"] = "Say what is needed.", ["maxLength"] = MissionBot.MaxRequestLength }),
            ["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.Submit", ["title"] = "Draft proposal" }),
        };
        return new Outcome(200, new JsonObject
        {
            ["task"] = new JsonObject
            {
                ["type"] = "continue",
                ["value"] = new JsonObject
                {
                    ["title"] = "Create mission",
                    ["height"] = "medium",
                    ["width"] = "medium",
                    ["card"] = new JsonObject { ["contentType"] = Attachment.AdaptiveCardContentType, ["content"] = card },
                },
            },
        });
    }

    /// <summary>The dialog's submit (or a message action with no dialog): the request becomes a proposal in the conversation.</summary>
    private async Task<Outcome> SubmitActionAsync(Activity activity, CancellationToken cancellationToken)
    {
        var value = activity.Value as JsonObject;
        if ((value?["commandId"] as JsonValue)?.ToString() is { } command && command != CreateMissionCommand)
        {
            return new Outcome(200, new JsonObject());
        }

        if (SubmittedRequest(value) is not { Length: > 0 })
        {
            return new Outcome(200, new JsonObject
            {
                ["composeExtension"] = new JsonObject { ["type"] = "message", ["text"] = "That message has no text to turn into a mission." },
            });
        }

        // The dialog closes at once; the proposal follows in the conversation when the queued turn has run.
        return await QueueAsync(activity, new Outcome(200, new JsonObject()), cancellationToken);
    }

    private static string SubmittedRequest(JsonObject? value) =>
        ((value?["data"]?["request"] as JsonValue)?.ToString() ?? MessagePayloadText(value)).Trim();

    private static string MessagePayloadText(JsonNode? value)
    {
        var body = value?["messagePayload"]?["body"];
        var content = (body?["content"] as JsonValue)?.ToString() ?? "";
        var isHtml = string.Equals((body?["contentType"] as JsonValue)?.ToString(), "html", StringComparison.OrdinalIgnoreCase);
        return (isHtml ? System.Net.WebUtility.HtmlDecode(HtmlTag().Replace(content, " ")) : content).Trim();
    }

    // ---- membership: installed, added, removed ---------------------------------------------------------------------

    private async Task<Outcome> MembershipAsync(Activity activity, CancellationToken cancellationToken)
    {
        var eventKey = EventKey(activity);
        if (eventKey is not null && await ReplayAsync(eventKey, cancellationToken) is { } replay)
        {
            return replay;
        }

        var botId = activity.Recipient?.Id;
        var removed = activity.Type == ActivityTypes.InstallationUpdate
            ? activity.Action is "remove" or "remove-upgrade"
            : activity.MembersRemoved?.Any(m => m.Id == botId) == true;
        var added = activity.Type == ActivityTypes.InstallationUpdate
            ? activity.Action is "add" or "add-upgrade"
            : activity.MembersAdded?.Any(m => m.Id == botId) == true;

        var existing = await db.ConversationReferences.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Channel == Channel && c.ConversationId == activity.Conversation!.Id!, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            await using var scope = await db.BeginWriteAsync(cancellationToken);
            Record(eventKey, InboundEventStatus.Completed, new Outcome(200), now);
            if (removed)
            {
                if (existing is not null)
                {
                    // Uninstalled: posting here would fail with 403, so stop, and drop what was waiting.
                    await ConversationStore.CloseAsync(db, existing.Id, "The bot was removed from the conversation.", now, cancellationToken);
                }
            }
            else
            {
                var reference = await ConversationStore.UpsertAsync(db, InfoOf(activity), now, cancellationToken);
                // A welcome the first time the bot arrives (and again after it was removed), not on every event.
                if (added && (existing is null || existing.ClosedAt is not null))
                {
                    reference.ClosedAt = null;
                    OutboxWriter.Post(db, reference.Id, new NoticeView(Welcome), now);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            await scope.CommitAsync(cancellationToken);
            outbox.Pulse();
        }
        catch (DbUpdateException) when (eventKey is not null)
        {
            db.ChangeTracker.Clear(); // a redelivery raced this one; it handled the event
        }

        return new Outcome(200);
    }

    public const string Welcome =
        "Hi! I'm Missions. Mention me with a request, for example “@Missions pull together a competitor pricing summary by " +
        "Friday”, and I'll draft a mission proposal for you to approve. Say **help** for commands, or use **Create mission** " +
        "on any message.";

    // ---- references and events ------------------------------------------------------------------------------------

    private async Task<ConversationReference> UpsertReferenceAsync(Activity activity, CancellationToken cancellationToken)
    {
        var info = InfoOf(activity);
        var existing = await db.ConversationReferences.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Channel == Channel && c.ConversationId == info.ConversationId, cancellationToken);
        if (existing is not null && existing.ServiceUrl == info.ServiceUrl && existing.BotId == info.BotId
            && (info.TimeZone is null || existing.TimeZone == info.TimeZone) && existing.ClosedAt is null)
        {
            return existing;
        }

        await using var scope = await db.BeginWriteAsync(cancellationToken);
        var reference = await ConversationStore.UpsertAsync(db, info, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (reference.ClosedAt is not null)
        {
            reference.ClosedAt = null; // someone wrote to the bot here, so it is open to us again
            await db.SaveChangesAsync(cancellationToken);
        }

        await scope.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return reference;
    }

    private static ConversationInfo InfoOf(Activity activity)
    {
        var channelData = activity.ChannelData;
        var reference = new JsonObject
        {
            ["bot"] = Account(activity.Recipient),
            ["user"] = Account(activity.From),
            ["locale"] = activity.Locale,
            ["teamId"] = (channelData?["team"]?["id"] as JsonValue)?.ToString(),
            ["channelId"] = (channelData?["channel"]?["id"] as JsonValue)?.ToString(),
        };
        var conversationId = activity.Conversation!.Id!;
        var thread = conversationId.IndexOf(";messageid=", StringComparison.OrdinalIgnoreCase) is var at and >= 0 ? conversationId[(at + 11)..] : null;
        return new ConversationInfo(
            Channel, conversationId, thread, activity.ServiceUrl, activity.TenantId, activity.Recipient?.Id,
            activity.Conversation.ConversationType, reference.ToJsonString(), TimeZoneOf(activity));

        static JsonObject? Account(ChannelAccount? account) => account is null ? null : new JsonObject
        {
            ["id"] = account.Id,
            ["name"] = account.Name,
            ["aadObjectId"] = account.AadObjectId,
        };
    }

    /// <summary>Finishes the claimed event, or records the event handled in this request, in the turn's transaction.</summary>
    private async Task RecordAsync(string? eventKey, InboxClaim? claim, InboundEventStatus status, Outcome outcome, DateTime now, CancellationToken cancellationToken)
    {
        if (claim is not null)
        {
            await Inbox.CompleteAsync(db, claim, status, now, cancellationToken);
            return;
        }

        Record(eventKey, status, outcome, now);
    }

    private void Record(string? eventKey, InboundEventStatus status, Outcome outcome, DateTime now)
    {
        if (eventKey is null)
        {
            return;
        }

        db.InboundEvents.Add(new InboundEvent
        {
            Channel = Channel,
            EventId = eventKey,
            Status = status,
            ReceivedAt = now,
            CompletedAt = now,
            ResponseJson = ResponseJson(outcome),
        });
    }

    private static string ResponseJson(Outcome outcome) =>
        new JsonObject { ["status"] = outcome.Status, ["body"] = outcome.Body?.DeepClone() }.ToJsonString();

    private async Task<Outcome?> ReplayAsync(string eventKey, CancellationToken cancellationToken)
    {
        var seen = await db.InboundEvents.AsNoTracking().Where(e => e.Channel == Channel && e.EventId == eventKey)
            .Select(e => e.ResponseJson).SingleOrDefaultAsync(cancellationToken);
        if (seen is null)
        {
            return null;
        }

        var node = JsonNode.Parse(seen);
        return new Outcome((int?)node?["status"] ?? 200, node?["body"] as JsonObject is { } body ? (JsonObject)body.DeepClone() : null);
    }

    /// <summary>Activity ids are unique within a conversation; long keys are hashed to fit.</summary>
    private static string? EventKey(Activity activity)
    {
        if (activity.Id is not { Length: > 0 } id)
        {
            return null;
        }

        var key = activity.Conversation!.Id + "|" + id;
        return key.Length <= MissionsDbContext.IdLength ? key : "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    private static string? TimeZoneOf(Activity activity)
    {
        var zone = activity.LocalTimezone ?? activity.Entities?
            .Where(e => (e["type"] as JsonValue)?.ToString() == "clientInfo")
            .Select(e => (e["timezone"] as JsonValue)?.ToString()).FirstOrDefault(z => z is not null);
        return zone is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _) ? zone : null;
    }

    private static string Name(ChannelAccount? account) =>
        account?.Name is { Length: > 0 and <= 100 } name ? name : "Teams user";

    [System.Text.RegularExpressions.GeneratedRegex("<[^>]+>")]
    private static partial System.Text.RegularExpressions.Regex HtmlTag();

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "Ignored a Teams request from tenant {TenantId}, which is not on the allow-list")]
    private static partial void LogTenantRefused(ILogger logger, string? tenantId);

    [LoggerMessage(EventId = 411, Level = LogLevel.Error, Message = "A Teams turn failed in conversation {ConversationId}")]
    private static partial void LogTurnFailed(ILogger logger, Exception exception, string? conversationId);
}
