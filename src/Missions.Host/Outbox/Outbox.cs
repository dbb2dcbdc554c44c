using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;

namespace Missions.Host.Outbox;

/// <summary>
/// What an outbox message shows: the view itself, not a rendering of it (each channel renders it when it is
/// delivered), and the message it answers.
/// </summary>
public sealed record OutboxPayload(ChatView View, string? ReplyToId = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a stored payload; a payload without a view (written by an older version) is refused.</summary>
    public static OutboxPayload FromJson(string json) =>
        JsonSerializer.Deserialize<OutboxPayload>(json, Json) is { View: not null } payload
            ? payload
            : throw new JsonException("The outbox payload has no view.");
}

public static class OutboxKinds
{
    /// <summary>A new message, or, for a view whose key was delivered to the conversation before, an update of that message.</summary>
    public const string Post = "post";

    /// <summary>A progress view: like a post, but coalesced while unsent and spaced out by the dispatcher.</summary>
    public const string Progress = "progress";
}

/// <summary>
/// Wakes the dispatcher's look through the database for due conversations (work written before it started, or the
/// line of conversations waiting for a free lane ran dry after a look found more than fitted).
/// </summary>
public sealed class OutboxSignal : WorkSignal;

/// <summary>Sends views into one channel, rendered its own way.</summary>
public interface IOutboxTransport
{
    string Channel { get; }

    /// <summary>
    /// Renders and posts the view, or replaces <paramref name="existingMessageId"/> with it when given; returns the
    /// channel's id of the message. Throws <see cref="OutboxDeliveryException"/> when it cannot, without retrying:
    /// the dispatcher decides when to try again.
    /// </summary>
    Task<string?> DeliverAsync(ConversationReference reference, OutboxPayload payload, string? existingMessageId, CancellationToken cancellationToken);
}

/// <summary>
/// A channel that lives in this database (web chat's transcript): a view can be delivered inside the transaction that
/// wrote it, so the turn's reply is there the moment the turn commits, with no extra transaction.
/// </summary>
public interface ITransactionalTransport : IOutboxTransport
{
    /// <summary>Delivers inside the caller's open write transaction (it commits, or nothing was delivered); returns the message id.</summary>
    Task<string> DeliverInAsync(MissionsDbContext db, ConversationReference reference, OutboxPayload payload, string? existingMessageId, CancellationToken cancellationToken);
}

/// <summary>Why a delivery failed, as far as the dispatcher is concerned.</summary>
public enum DeliveryFailure
{
    /// <summary>May pass: try again later (after <see cref="OutboxDeliveryException.RetryAfter"/> when given).</summary>
    Transient,

    /// <summary>Not sent, and not a failure: the channel's pace asks to wait until <see cref="OutboxDeliveryException.RetryAfter"/>.</summary>
    Deferred,

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

/// <summary>
/// Shows views in conversations, inside the caller's write transaction: they are sent if and only if it commits. A
/// view with a key replaces the message that key was delivered in (the same way on every channel: the delivered
/// outbox row keeps the channel's message id). A channel in this database gets the view at once, in the same
/// transaction, unless earlier messages of the conversation are still waiting (their order is kept); every other
/// delivery is the dispatcher's. A conversation closed to the bot gets nothing.
/// </summary>
public sealed class ConversationOutbox(MissionsDbContext db, IEnumerable<IOutboxTransport> transports, OutboxDispatcher dispatcher, TimeProvider clock)
{
    private readonly HashSet<Guid> queuedHere = [];
    private readonly Dictionary<(Guid, string), string> deliveredHere = [];
    private readonly Dictionary<Guid, (Queries.DestinationRow Row, string Key)> readAhead = [];

    /// <summary>
    /// Reads where views for the conversation will go before the caller's write transaction begins, so the writer (one
    /// at a time on SQLite) does not wait for it: the conversation, whether anything of it is waiting, and where
    /// <paramref name="key"/> was shown. What the write transaction itself adds is taken into account when it posts.
    /// </summary>
    public async Task ReadAheadAsync(Guid conversationId, string? key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (await Queries.For(db).Destination(db, conversationId, key ?? "") is { } found)
        {
            readAhead[conversationId] = (found, key ?? "");
        }
    }

    /// <summary>Shows the view in the conversation, as a reply to <paramref name="replyToId"/> when given.</summary>
    public async Task PostAsync(Guid conversationId, ChatView view, string? replyToId, CancellationToken cancellationToken)
    {
        var key = view.Key;
        cancellationToken.ThrowIfCancellationRequested();
        Queries.DestinationRow? found;
        if (readAhead.TryGetValue(conversationId, out var ahead))
        {
            found = key is null || key == ahead.Key ? ahead.Row
                : ahead.Row with { DeliveredMessageId = await Queries.For(db).DeliveredMessageId(db, conversationId, key) };
        }
        else
        {
            // One read for all it needs to know: where the conversation is, whether anything of it is still waiting to
            // be sent, and where the view's key was shown before.
            found = await Queries.For(db).Destination(db, conversationId, key ?? "");
        }

        if (found is null || found.Reference.ClosedAt is not null)
        {
            return;
        }

        var payload = new OutboxPayload(view, replyToId);
        var now = clock.GetUtcNow().UtcDateTime;
        if (transports.FirstOrDefault(t => t.Channel == found.Reference.Channel) is ITransactionalTransport local
            && !queuedHere.Contains(conversationId) && !found.Waiting)
        {
            var existing = key is null ? null : deliveredHere.TryGetValue((conversationId, key), out var here) ? here : found.DeliveredMessageId;
            var sentId = await local.DeliverInAsync(db, found.Reference, payload, existing, cancellationToken);
            if (key is not null && existing is null)
            {
                // The delivery record: where later views with this key go (and which conversation the card is in). The view
                // itself is in the channel's message already and a sent row's payload is never read again, so the record
                // keeps none. One plain statement, as the delivery itself: a web chat turn writes it inside the write lock.
                deliveredHere[(conversationId, key)] = sentId;
                var (kind, sent, json) = (OutboxKinds.Post, nameof(OutboxStatus.Sent), "{}");
                await db.Database.ExecuteSqlAsync(
                    $"""INSERT INTO "OutboxMessages" ("ConversationReferenceId", "Kind", "ViewKey", "PayloadJson", "Status", "Attempts", "NextAttemptAt", "SentMessageId", "CreatedAt", "SentAt", "Version") VALUES ({conversationId}, {kind}, {key}, {json}, {sent}, 1, {now}, {sentId}, {now}, {now}, 1)""",
                    cancellationToken);
            }

            return;
        }

        Queue(conversationId, OutboxKinds.Post, payload, now);
    }

    /// <summary>
    /// Writes a progress view (one message per view key, updated in place): a progress message not yet sent is
    /// brought up to date instead of adding another. The dispatcher spaces progress messages per conversation
    /// (<see cref="OutboxOptions.ProgressInterval"/>), so however fast a run's steps go, the conversation sees at most
    /// one progress message per interval, showing the latest state.
    /// </summary>
    public async Task ProgressAsync(Guid conversationId, ChatView view, CancellationToken cancellationToken)
    {
        var key = view.Key ?? throw new ArgumentException("A progress view needs a key.", nameof(view));
        cancellationToken.ThrowIfCancellationRequested();
        if (await Queries.For(db).Destination(db, conversationId, key) is not { Reference.ClosedAt: null })
        {
            return;
        }

        var payload = new OutboxPayload(view);
        var json = payload.ToJson();
        var refreshed = await db.OutboxMessages
            .Where(o => o.ConversationReferenceId == conversationId && o.ViewKey == key && o.Status == OutboxStatus.Pending
                && o.LeaseOwner == null && o.Attempts == 0)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.PayloadJson, json).SetProperty(o => o.Version, o => o.Version + 1), cancellationToken);
        if (refreshed == 0)
        {
            Queue(conversationId, OutboxKinds.Progress, payload, clock.GetUtcNow().UtcDateTime);
        }
    }

    /// <summary>Forgets what this scope queued, delivered and read ahead: its transaction rolled back.</summary>
    public void Forget()
    {
        queuedHere.Clear();
        deliveredHere.Clear();
        readAhead.Clear();
    }

    private void Queue(Guid conversationId, string kind, OutboxPayload payload, DateTime now)
    {
        queuedHere.Add(conversationId);
        db.OutboxMessages.Add(new OutboxMessage
        {
            ConversationReferenceId = conversationId,
            Kind = kind,
            ViewKey = payload.View.Key,
            PayloadJson = payload.ToJson(),
            CreatedAt = now,
            NextAttemptAt = now,
        });
        // Delivered from the moment it commits: the conversation is started on this host's dispatcher directly (the
        // dispatcher does not look through every waiting message to find it).
        db.AfterCommit(() => dispatcher.Nudge(conversationId));
    }

    /// <summary>The outbox's reads, compiled once per provider.</summary>
    internal sealed class Queries
    {
        public static Queries For(MissionsDbContext db) => PerProvider<Queries>.For(db);

        /// <summary>Where a view goes: the conversation, whether messages of it are waiting, and where the key was delivered.</summary>
        public sealed record DestinationRow(ConversationReference Reference, bool Waiting, string? DeliveredMessageId);

        public readonly Func<MissionsDbContext, Guid, string, Task<DestinationRow?>> Destination =
            EF.CompileAsyncQuery((MissionsDbContext db, Guid conversationId, string key) =>
                db.ConversationReferences.AsNoTracking()
                    .Where(c => c.Id == conversationId)
                    .Select(c => new DestinationRow(
                        c,
                        db.OutboxMessages.Any(o => o.Status == OutboxStatus.Pending && o.ConversationReferenceId == conversationId),
                        db.OutboxMessages
                            .Where(o => o.ViewKey == key && o.ConversationReferenceId == conversationId && o.Status == OutboxStatus.Sent && o.SentMessageId != null)
                            .OrderByDescending(o => o.Id)
                            .Select(o => o.SentMessageId)
                            .FirstOrDefault()))
                    .FirstOrDefault());

        public readonly Func<MissionsDbContext, Guid, string, Task<string?>> DeliveredMessageId =
            EF.CompileAsyncQuery((MissionsDbContext db, Guid conversationId, string key) =>
                db.OutboxMessages.AsNoTracking()
                    .Where(o => o.ViewKey == key && o.ConversationReferenceId == conversationId && o.Status == OutboxStatus.Sent && o.SentMessageId != null)
                    .OrderByDescending(o => o.Id)
                    .Select(o => o.SentMessageId)
                    .FirstOrDefault());
    }
}
