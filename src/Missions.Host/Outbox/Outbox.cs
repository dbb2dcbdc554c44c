using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using System.Text.Json.Nodes;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Data;

namespace Missions.Host.Outbox;

/// <summary>
/// What an outbox message shows, rendered once when it is written: the text, the card, the message it answers and,
/// for an update, the message it replaces. Channel transports turn it into their own format.
/// </summary>
public sealed record OutboxPayload(string? Text, JsonObject? Card, string? ReplyToId = null, string? TargetMessageId = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static OutboxPayload Of(ChatView view, string? replyToId = null, string? targetMessageId = null)
    {
        var rendered = ViewCards.Render(view);
        return new OutboxPayload(rendered.Text, rendered.Card?.ToJsonObject(), replyToId, targetMessageId);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static OutboxPayload FromJson(string json) => JsonSerializer.Deserialize<OutboxPayload>(json, Json)
        ?? throw new JsonException("An empty outbox payload.");
}

public static class OutboxKinds
{
    /// <summary>A new message (or, when its view key was sent before, an update of that message).</summary>
    public const string Post = "post";

    /// <summary>Replaces the message named by the payload's target id, or the one sent for the same view key.</summary>
    public const string Update = "update";

    /// <summary>A progress view: like a post, but coalesced (<see cref="OutboxWriter.ProgressAsync"/>) and spaced out by the dispatcher.</summary>
    public const string Progress = "progress";
}

/// <summary>Wakes the dispatcher when a transaction that wrote outbox messages has committed.</summary>
public sealed class OutboxSignal : WorkSignal;

/// <summary>Writes outbound messages into the caller's transaction: they are sent if and only if it commits.</summary>
public static class OutboxWriter
{
    public static OutboxMessage Enqueue(MissionsDbContext db, Guid conversationReferenceId, string kind, OutboxPayload payload, string? viewKey, DateTime now)
    {
        var message = new OutboxMessage
        {
            ConversationReferenceId = conversationReferenceId,
            Kind = kind,
            ViewKey = viewKey,
            PayloadJson = payload.ToJson(),
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.OutboxMessages.Add(message);
        return message;
    }

    public static OutboxMessage Post(MissionsDbContext db, Guid conversationReferenceId, ChatView view, DateTime now, string? replyToId = null) =>
        Enqueue(db, conversationReferenceId, OutboxKinds.Post, OutboxPayload.Of(view, replyToId), ViewKeyOf(view), now);

    public static OutboxMessage Update(MissionsDbContext db, Guid conversationReferenceId, ViewUpdate update, DateTime now) =>
        Enqueue(db, conversationReferenceId, OutboxKinds.Update, OutboxPayload.Of(update.View, targetMessageId: update.MessageId), ViewKeyOf(update.View), now);

    /// <summary>
    /// Writes a progress view (one message per view key, updated in place): a progress message not yet sent is
    /// brought up to date instead of adding another. The dispatcher spaces progress messages per conversation
    /// (<see cref="OutboxOptions.ProgressInterval"/>), so however fast a run's steps go, the conversation sees at most
    /// one progress message per interval, showing the latest state.
    /// </summary>
    public static async Task ProgressAsync(MissionsDbContext db, Guid conversationReferenceId, ChatView view, DateTime now, CancellationToken cancellationToken)
    {
        var key = ViewKeyOf(view) ?? throw new ArgumentException("A progress view needs a view key.", nameof(view));
        var payload = OutboxPayload.Of(view);
        var json = payload.ToJson();
        var refreshed = await db.OutboxMessages
            .Where(o => o.ConversationReferenceId == conversationReferenceId && o.ViewKey == key && o.Status == OutboxStatus.Pending
                && o.LeaseOwner == null && o.Attempts == 0)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.PayloadJson, json).SetProperty(o => o.Version, o => o.Version + 1), cancellationToken);
        if (refreshed == 0)
        {
            Enqueue(db, conversationReferenceId, OutboxKinds.Progress, payload, key, now);
        }
    }

    /// <summary>The message a view lives in: one per proposal, so its decision replaces its card.</summary>
    public static string? ViewKeyOf(ChatView view) => view switch
    {
        ProposalView proposal => $"proposal:{proposal.Id:N}",
        RunProgressView run => $"run:{run.RunId:N}",
        ReviewView review => $"review:{review.RunId:N}",
        _ => null,
    };
}

/// <summary>Why a delivery failed, as far as the dispatcher is concerned.</summary>
public enum DeliveryFailure
{
    /// <summary>May pass: try again later (after <see cref="OutboxDeliveryException.RetryAfter"/> when given).</summary>
    Transient,

    /// <summary>Will not pass: record it and move on to the next message.</summary>
    Permanent,

    /// <summary>The channel will take nothing more in this conversation (the bot was blocked or removed).</summary>
    ConversationClosed,
}

public sealed class OutboxDeliveryException(DeliveryFailure failure, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public DeliveryFailure Failure { get; } = failure;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>Sends outbox messages into one channel.</summary>
public interface IOutboxTransport
{
    string Channel { get; }

    /// <summary>
    /// Posts the payload, or replaces <paramref name="existingMessageId"/> with it when given; returns the channel's
    /// id of the message. Throws <see cref="OutboxDeliveryException"/> when it cannot.
    /// </summary>
    Task<string?> DeliverAsync(ConversationReference reference, OutboxPayload payload, string? existingMessageId, CancellationToken cancellationToken);
}
