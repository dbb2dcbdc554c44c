using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.BotFramework;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;
using Missions.Host.Workspace;

namespace Missions.Host.Teams;

/// <summary>
/// Microsoft Teams' adapter: activities in, turns through the <see cref="TurnPipeline"/>. A message (and the "Create
/// mission" message action) is stored and answered at once; its turn, which may call a slow proposer, runs after the
/// answer, and its replies reach Teams through the Connector as replies in the same thread. A card button is answered in
/// the HTTP response with the card that replaces the one clicked (an invoke response), and the shared message is
/// updated too, so every member sees the decision. Membership events keep the conversation reference and welcome.
/// </summary>
public sealed partial class TeamsAdapter(
    MissionsDbContext db,
    TurnPipeline pipeline,
    ConversationOutbox outbox,
    IOptions<TeamsOptions> options,
    TimeProvider clock,
    ILogger<TeamsAdapter> logger) : IChannelAdapter
{
    public const string Name = "msteams";
    public const string CreateMissionCommand = "createMission";

    public const string Welcome =
        "Hi! I'm Missions. Mention me with a request, for example “@Missions pull together a competitor pricing summary by " +
        "Friday”, and I'll draft a mission proposal for you to approve. Say **help** for commands, or use **Create mission** " +
        "on any message.";

    /// <summary>The dialog's input holding the request (see <see cref="TeamsDialogs"/>).</summary>
    internal const string RequestInput = "request";

    /// <summary>The result of a delivery: the HTTP status and, for an invoke, the body.</summary>
    public sealed record Outcome(int Status, JsonObject? Body = null)
    {
        public string ToJson() => new JsonObject { ["status"] = Status, ["body"] = Body?.DeepClone() }.ToJsonString();

        public static Outcome FromJson(string json)
        {
            var node = JsonNode.Parse(json);
            return new Outcome((int?)node?["status"] ?? 200, node?["body"] as JsonObject is { } body ? (JsonObject)body.DeepClone() : null);
        }
    }

    public string Channel => Name;

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
            ActivityTypes.Invoke when activity.Name == "adaptiveCard/action" => await ButtonAsync(activity, cancellationToken),
            ActivityTypes.Invoke when activity.Name == "composeExtension/fetchTask" => new Outcome(200, TeamsDialogs.CreateMission(MessagePayloadText(activity.Value))),
            ActivityTypes.Invoke when activity.Name == "composeExtension/submitAction" => await SubmitActionAsync(activity, cancellationToken),
            ActivityTypes.Invoke => new Outcome(200, InvokeResponse.Error(501, "NotImplemented", $"The invoke '{activity.Name}' is not handled by this bot.").Body),
            ActivityTypes.ConversationUpdate or ActivityTypes.InstallationUpdate => await MembershipAsync(activity, cancellationToken),
            _ => new Outcome(200),
        };
    }

    // ---- messages and buttons ------------------------------------------------------------------------------------

    /// <summary>
    /// A request is answered 200 with no body once stored, and its turn runs after the answer. A message carrying a
    /// card's submitted data (<c>Action.Submit</c>, the card's fallback for old clients) is a button, handled now.
    /// </summary>
    private async Task<Outcome> MessageAsync(Activity activity, CancellationToken cancellationToken)
    {
        var text = Mentions.RemoveRecipientMention(activity);
        if (activity.Value is JsonObject value && (text.Length == 0 || CardActions.IsCardData(value)))
        {
            var reference = await ReferenceAsync(activity, cancellationToken);
            var submitted = TurnOf(activity, reference.Id, null, CardActions.Parse(null, value), replyTo: activity.Id);
            var outcome = new Outcome(200);
            return Outcome.FromJson(await pipeline.HandleNowAsync(this, EventKey(activity), submitted, _ => outcome.ToJson(), answerShowsResult: false, null, cancellationToken));
        }

        return await QueueAsync(activity, new Outcome(200), cancellationToken);
    }

    /// <summary>Action.Execute: answered with the view that replaces the card (or a message saying why not).</summary>
    private async Task<Outcome> ButtonAsync(Activity activity, CancellationToken cancellationToken)
    {
        var action = activity.Value?["action"] as JsonObject;
        var data = action?["data"] as JsonObject ?? [];
        var reference = await ReferenceAsync(activity, cancellationToken);
        var pressed = TurnOf(activity, reference.Id, null, CardActions.Parse((action?["verb"] as JsonValue)?.ToString(), data), replyTo: null);
        var answer = await pipeline.HandleNowAsync(this, EventKey(activity), pressed, reply => InvokeOutcome(reply).ToJson(), answerShowsResult: true, null, cancellationToken);
        return Outcome.FromJson(answer);
    }

    private static Outcome InvokeOutcome(BotReply reply)
    {
        if (reply.ActionResult is { } result && ViewCards.Render(result) is { Card: { } card })
        {
            return new Outcome(200, InvokeResponse.Card(card.ToJsonObject()).Body);
        }

        var text = (reply.ActionResult as NoticeView)?.Text ?? reply.Posts.OfType<NoticeView>().FirstOrDefault()?.Text ?? "Done.";
        return new Outcome(200, InvokeResponse.Message(text).Body);
    }

    /// <summary>
    /// The dialog's submit (or a message action with no dialog): the request becomes a proposal in the conversation.
    /// The dialog closes at once; the proposal follows in the conversation when the queued turn has run.
    /// </summary>
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

        return await QueueAsync(activity, new Outcome(200, new JsonObject()), cancellationToken);
    }

    /// <summary>Stores the activity to be handled after the answer; a redelivery gets the same answer and queues nothing.</summary>
    private async Task<Outcome> QueueAsync(Activity activity, Outcome answer, CancellationToken cancellationToken)
    {
        var eventKey = EventKey(activity) ?? "noid:" + Guid.NewGuid().ToString("N");
        var reference = await ReferenceAsync(activity, cancellationToken);
        var stored = await pipeline.QueueAsync(Name, eventKey, reference.Id, JsonSerializer.Serialize(activity, BotJson.Options), answer.ToJson(), null, cancellationToken);
        return Outcome.FromJson(stored);
    }

    /// <summary>The turn of a queued message (the request, without the mention of the bot) or message action.</summary>
    public ChatTurn? ReadQueued(InboxClaim claim)
    {
        var activity = JsonSerializer.Deserialize<Activity>(claim.PayloadJson, BotJson.Options)
            ?? throw new JsonException($"Queued event '{claim.EventId}' has no activity.");
        return activity.Type == ActivityTypes.Invoke
            // The message action: the proposal is posted into the conversation as a new message, not a reply to the invoke.
            ? TurnOf(activity, claim.ConversationReferenceId, SubmittedRequest(activity.Value as JsonObject), null, replyTo: null)
            : TurnOf(activity, claim.ConversationReferenceId, Mentions.RemoveRecipientMention(activity), null, replyTo: activity.Id) with { Links = FilesOf(activity) };
    }

    /// <summary>The attachment type of a file sent to the bot in a one-to-one chat (the app's manifest has <c>supportsFiles</c>).</summary>
    public const string FileDownloadInfo = "application/vnd.microsoft.teams.file.download.info";

    /// <summary>
    /// Files sent with a message: in a one-to-one chat Teams keeps them in the sender's OneDrive and sends their name
    /// with a short-lived download link (files in channels and group chats are links to SharePoint, not delivered);
    /// an image pasted into the message is kept by the Connector, read with the bot's token.
    /// </summary>
    private static List<LinkedFile>? FilesOf(Activity activity) =>
        activity.Attachments?.Select(a => a.ContentType switch
            {
                FileDownloadInfo when Uri.TryCreate((a.Content?["downloadUrl"] as JsonValue)?.ToString(), UriKind.Absolute, out var url) => new LinkedFile(a.Name, null, null, url),
                { } type when type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(a.ContentUrl, UriKind.Absolute, out var url)
                    && url.Scheme is "https" or "http" => new LinkedFile(a.Name, type, null, url, KeptBy: activity.ServiceUrl),
                _ => null,
            })
            .OfType<LinkedFile>().ToList();

    private static ChatTurn TurnOf(Activity activity, Guid referenceId, string? text, ChatAction? action, string? replyTo) =>
        new(Name, referenceId, Workspaces.OfTeams(activity.TenantId), new ChatUser(activity.From?.Id ?? "unknown", NameOf(activity.From), activity.From?.AadObjectId), text, action, replyTo, TimeZoneOf(activity));

    private static string SubmittedRequest(JsonObject? value) =>
        ((value?["data"]?[RequestInput] as JsonValue)?.ToString() ?? MessagePayloadText(value)).Trim();

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
        var answer = new Outcome(200);
        var eventKey = EventKey(activity);
        if (eventKey is not null && await pipeline.AnswerGivenAsync(Name, eventKey, cancellationToken) is not null)
        {
            return answer;
        }

        var botId = activity.Recipient?.Id;
        var removed = activity.Type == ActivityTypes.InstallationUpdate
            ? activity.Action is "remove" or "remove-upgrade"
            : activity.MembersRemoved?.Any(m => m.Id == botId) == true;
        var added = activity.Type == ActivityTypes.InstallationUpdate
            ? activity.Action is "add" or "add-upgrade"
            : activity.MembersAdded?.Any(m => m.Id == botId) == true;

        var existing = await db.ConversationReferences.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Channel == Name && c.ConversationId == activity.Conversation!.Id!, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            await using var scope = await db.BeginWriteAsync(cancellationToken);
            if (eventKey is not null)
            {
                db.InboundEvents.Add(new InboundEvent
                {
                    Channel = Name,
                    EventId = eventKey,
                    Status = InboundEventStatus.Completed,
                    ReceivedAt = now,
                    CompletedAt = now,
                    ConversationReferenceId = existing?.Id,
                    ResponseJson = answer.ToJson(),
                });
            }

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
                    await db.SaveChangesAsync(cancellationToken);
                    await outbox.PostAsync(reference.Id, new NoticeView(Welcome), null, cancellationToken);
                }
            }

            await scope.SaveAndCommitAsync(db, cancellationToken);
        }
        catch (DbUpdateException) when (eventKey is not null)
        {
            db.ChangeTracker.Clear(); // a redelivery raced this one; it handled the event
        }

        return answer;
    }

    // ---- references and events ------------------------------------------------------------------------------------

    private Task<ConversationReference> ReferenceAsync(Activity activity, CancellationToken cancellationToken) =>
        ConversationStore.EnsureAsync(db, InfoOf(activity), clock.GetUtcNow().UtcDateTime, cancellationToken);

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
            Name, conversationId, thread, activity.ServiceUrl, activity.TenantId, activity.Recipient?.Id,
            activity.Conversation.ConversationType, reference.ToJsonString(), TimeZoneOf(activity));

        static JsonObject? Account(ChannelAccount? account) => account is null ? null : new JsonObject
        {
            ["id"] = account.Id,
            ["name"] = account.Name,
            ["aadObjectId"] = account.AadObjectId,
        };
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

    /// <summary>The name Teams gives the sender (the request is authenticated as coming from Teams), made safe to show.</summary>
    private static string NameOf(ChannelAccount? account) =>
        account?.Name is { Length: > 0 } name && CleanText.Line(name) is { Length: > 0 and <= 100 } clean ? clean : "Teams user";

    [System.Text.RegularExpressions.GeneratedRegex("<[^>]+>")]
    private static partial System.Text.RegularExpressions.Regex HtmlTag();

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "Ignored a Teams request from tenant {TenantId}, which is not on the allow-list")]
    private static partial void LogTenantRefused(ILogger logger, string? tenantId);
}
