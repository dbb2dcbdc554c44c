using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.Host.Conversations;
using Missions.Host.Data;

namespace Missions.Host.Outbox;

public sealed class OutboxOptions
{
    public const string Section = "Missions:Outbox";

    /// <summary>How often the outbox is looked at when nothing signalled it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a host owns a message it is delivering; another host may take it over after that.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a delivery under way may finish after the host starts stopping.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Conversations delivered to at the same time (messages within one are always one at a time, in order).</summary>
    public int MaxConversations { get; set; } = 32;

    /// <summary>Deliveries of one message before it is given up as failed.</summary>
    public int MaxAttempts { get; set; } = 12;

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The least time between two progress messages sent into one conversation.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Delivers the outbox: per conversation, in the order written, one message at a time, through the channel's
/// transport. A message is claimed with a lease in the database, renewed while its delivery is under way (several
/// hosts may share the outbox; a host that died mid-delivery loses its claim when the lease runs out); a message for a
/// channel in this database (web chat) needs no claim: its delivery and its record are one transaction. A message whose
/// view was delivered before updates that message instead of posting another. This is the only place a delivery is
/// tried again: a transport reports a failure (with the channel's Retry-After) and returns, and a failure that may
/// pass is rescheduled with backoff while the messages after it wait; a conversation the channel closed to us is
/// marked closed and its queue abandoned, not retried.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IEnumerable<IOutboxTransport> transports,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    Diagnostics.MissionsTelemetry telemetry,
    ILogger<OutboxDispatcher> logger) : LaneWorker(signal, clock, logger)
{
    private readonly string owner = Leases.NewOwner();
    private readonly Dictionary<string, IOutboxTransport> byChannel = transports.ToDictionary(t => t.Channel, StringComparer.Ordinal);
    private readonly OutboxOptions settings = options.Value;
    private readonly CancellationTokenSource grace = new();

    protected override TimeSpan PollInterval => settings.PollInterval;

    protected override int MaxLanes => settings.MaxConversations;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A delivery under way when the host stops gets a moment to finish, so it is not sent twice.
        await using var stopping = stoppingToken.Register(() => grace.CancelAfter(settings.ShutdownGrace));
        await base.ExecuteAsync(stoppingToken);
    }

    protected override async Task<IReadOnlyList<Guid>> DueLanesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        // Each conversation once, the one waiting longest first (a backlog of many messages in few conversations is a
        // few rows, not one per message).
        return await db.OutboxMessages.AsNoTracking()
            .Where(o => o.Status == OutboxStatus.Pending && o.NextAttemptAt <= now && (o.LeaseExpiresAt == null || o.LeaseExpiresAt < now))
            .GroupBy(o => o.ConversationReferenceId)
            .Select(g => new { Lane = g.Key, Oldest = g.Min(o => o.Id) })
            .OrderBy(l => l.Oldest).Select(l => l.Lane).Take(MaxLanes * 4).ToListAsync(cancellationToken);
    }

    /// <summary>Delivers one conversation's messages in order until it is empty or its head must wait.</summary>
    protected override async Task DrainAsync(Guid lane, CancellationToken cancellationToken)
    {
        var conversation = lane;
        // Read once per drain: a conversation closed meanwhile says so when the next message is sent into it.
        ConversationReference? reference = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
            var now = Clock.GetUtcNow().UtcDateTime;
            var head = await db.OutboxMessages.AsNoTracking()
                .Where(o => o.ConversationReferenceId == conversation && o.Status == OutboxStatus.Pending)
                .OrderBy(o => o.Id).FirstOrDefaultAsync(cancellationToken);
            if (head is null || (head.LeaseExpiresAt is { } held && held >= now && head.LeaseOwner != owner))
            {
                return; // empty, or another host is on it
            }

            if (head.NextAttemptAt > now)
            {
                // Waiting for a retry or its turn: looked at again when it is due (whoever set the time may be gone).
                DrainAfter(conversation, head.NextAttemptAt - now);
                return;
            }

            if (head.Kind == OutboxKinds.Progress && await ProgressDueAsync(db, head, conversation, now) is { } due)
            {
                // The last progress message went out less than the interval ago: this one waits its turn.
                await using (var write = await db.BeginWriteAsync(CancellationToken.None))
                {
                    await db.OutboxMessages.Where(o => o.Id == head.Id && o.Version == head.Version && o.Status == OutboxStatus.Pending)
                        .ExecuteUpdateAsync(s => s.SetProperty(o => o.NextAttemptAt, due).SetProperty(o => o.Version, o => o.Version + 1), CancellationToken.None);
                    await write.CommitAsync(CancellationToken.None);
                }

                DrainAfter(conversation, due - now);
                return;
            }

            reference ??= await db.ConversationReferences.AsNoTracking().SingleAsync(c => c.Id == conversation, cancellationToken);
            if (reference.ClosedAt is null && byChannel.GetValueOrDefault(reference.Channel) is ITransactionalTransport local && Readable(head) is { } payload)
            {
                if (!await DeliverHereAsync(db, head, reference, local, payload))
                {
                    return;
                }

                continue;
            }

            if (await ClaimAsync(db, head, CancellationToken.None) is not { } claimedUntil)
            {
                return;
            }

            // Claimed: from here the steps run to the end (a stopping host gets a moment, then gives the message back).
            try
            {
                if (!await DeliverHeadAsync(db, head, claimedUntil, reference, grace.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (grace.IsCancellationRequested)
            {
                // Stopping: give the message back at once instead of holding it until the lease runs out.
                await ReleaseAsync(db, head, CancellationToken.None);
                return;
            }
        }
    }

    /// <summary>
    /// Delivers the head into a channel that lives in this database (web chat's transcript): the delivery and its
    /// record are one transaction, and need no claim (nothing leaves the database before it commits). The head must
    /// still be the version read and nobody else's claim may be running, or nothing of it is kept. False when another
    /// host was quicker.
    /// </summary>
    private async Task<bool> DeliverHereAsync(MissionsDbContext db, OutboxMessage head, ConversationReference reference, ITransactionalTransport local, OutboxPayload payload)
    {
        var existing = head.ViewKey is null ? null : await ConversationOutbox.Queries.For(db).DeliveredMessageId(db, reference.Id, head.ViewKey);
        await using var write = await db.BeginWriteAsync(CancellationToken.None);
        var sentId = await local.DeliverInAsync(db, reference, payload, existing, CancellationToken.None);
        var now = Clock.GetUtcNow().UtcDateTime;
        var won = await db.OutboxMessages
            .Where(o => o.Id == head.Id && o.Version == head.Version && o.Status == OutboxStatus.Pending && (o.LeaseExpiresAt == null || o.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, OutboxStatus.Sent)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                .SetProperty(o => o.SentMessageId, sentId)
                .SetProperty(o => o.SentAt, now)
                .SetProperty(o => o.LeaseOwner, (string?)null)
                .SetProperty(o => o.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(o => o.Version, o => o.Version + 1), CancellationToken.None);
        if (won == 0)
        {
            return false; // rolled back: the transcript is as it was
        }

        await write.SaveAndCommitAsync(db, CancellationToken.None);
        telemetry.Delivered(reference.Channel, now - head.CreatedAt);
        return true;
    }

    /// <summary>The head's payload, or null when it cannot be read (the claimed path then records it as failed).</summary>
    private static OutboxPayload? Readable(OutboxMessage head)
    {
        try
        {
            return OutboxPayload.FromJson(head.PayloadJson);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>When a progress message may go out, if not now: the interval after the conversation's last one.</summary>
    private async Task<DateTime?> ProgressDueAsync(MissionsDbContext db, OutboxMessage head, Guid conversation, DateTime now)
    {
        // The newest sent progress message: read backwards from the newest sent message of the conversation (an index
        // walk that stops at the first one found), not across all it was ever sent.
        var last = await db.OutboxMessages.AsNoTracking()
            .Where(o => o.ConversationReferenceId == conversation && o.Status == OutboxStatus.Sent && o.Kind == OutboxKinds.Progress && o.Id != head.Id)
            .OrderByDescending(o => o.Id)
            .Select(o => o.SentAt)
            .FirstOrDefaultAsync();
        return last is { } sent && sent + settings.ProgressInterval > now ? sent + settings.ProgressInterval : null;
    }

    /// <summary>Delivers the claimed head; false when the conversation must stop draining for now.</summary>
    private async Task<bool> DeliverHeadAsync(MissionsDbContext db, OutboxMessage head, DateTime claimedUntil, ConversationReference reference, CancellationToken cancellationToken)
    {
        var conversationId = reference.Id;
        if (reference.ClosedAt is not null)
        {
            await AbandonQueueAsync(db, conversationId, "The conversation is closed to the bot.", cancellationToken);
            return false;
        }

        if (!byChannel.TryGetValue(reference.Channel, out var transport))
        {
            await FinishAsync(db, head, OutboxStatus.Failed, null, $"No transport for the channel '{reference.Channel}'.", cancellationToken);
            return true;
        }

        try
        {
            var payload = OutboxPayload.FromJson(head.PayloadJson);
            // A view shown before in this conversation is replaced where it is, on every channel alike.
            var existing = head.ViewKey is null ? null : await ConversationOutbox.Queries.For(db).DeliveredMessageId(db, conversationId, head.ViewKey);
            string? sentId;
            using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                // The claim is held for as long as the delivery takes, so no other host sends it again meanwhile.
                var renewal = RenewWhileDeliveringAsync(head.Id, claimedUntil, renewing.Token);
                try
                {
                    sentId = await transport.DeliverAsync(reference, payload, existing, cancellationToken);
                }
                finally
                {
                    await renewing.CancelAsync();
                    await renewal;
                }
            }

            await FinishAsync(db, head, OutboxStatus.Sent, sentId ?? existing, null, CancellationToken.None);
            telemetry.Delivered(reference.Channel, Clock.GetUtcNow().UtcDateTime - head.CreatedAt);
        }
        catch (OutboxDeliveryException e) when (e.Failure == DeliveryFailure.ConversationClosed)
        {
            LogConversationClosed(logger, reference.Channel, reference.ConversationId, e.Message);
            await using (var write = await db.BeginWriteAsync(cancellationToken))
            {
                await ConversationStore.CloseAsync(db, conversationId, Trim(e.Message), Clock.GetUtcNow().UtcDateTime, cancellationToken);
                await write.CommitAsync(cancellationToken);
            }

            return false;
        }
        catch (OutboxDeliveryException e) when (e.Failure == DeliveryFailure.Deferred)
        {
            // The channel's pace, not a failure: try at the time it gives, without spending an attempt.
            var wait = e.RetryAfter ?? settings.PollInterval;
            await RescheduleAsync(db, head, Clock.GetUtcNow().UtcDateTime + wait, null, countAttempt: false, cancellationToken);
            DrainAfter(conversationId, wait);
            return false;
        }
        catch (OutboxDeliveryException e) when (e.Failure == DeliveryFailure.Transient && head.Attempts + 1 < settings.MaxAttempts)
        {
            var wait = e.RetryAfter is { } after && after > TimeSpan.Zero ? after : Backoff(head.Attempts + 1);
            LogRetrying(logger, head.Id, head.Attempts + 1, wait, e.Message);
            await RescheduleAsync(db, head, Clock.GetUtcNow().UtcDateTime + wait, Trim(e.Message), countAttempt: true, cancellationToken);
            DrainAfter(conversationId, wait);
            return false; // the messages after it wait, so the conversation keeps its order
        }
        catch (Exception e) when (e is OutboxDeliveryException or InvalidOperationException or System.Text.Json.JsonException or NotSupportedException)
        {
            LogGaveUp(logger, e, head.Id, reference.ConversationId);
            await FinishAsync(db, head, OutboxStatus.Failed, null, Trim(e.Message), cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Extends the claim on a message until the delivery ends: a third of the way into each lease, counted from the time
    /// the claim was last written (not from when the delivery began), so two thirds of a lease are left as slack for a
    /// renewal that is slow to get through.
    /// </summary>
    private async Task RenewWhileDeliveringAsync(long messageId, DateTime until, CancellationToken stop)
    {
        var renewAt = until - settings.Lease * 2 / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (renewAt - Clock.GetUtcNow().UtcDateTime is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, Clock, stop);
                }

                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
                var next = Clock.GetUtcNow().UtcDateTime + settings.Lease;
                await using var write = await db.BeginWriteAsync(stop);
                var renewed = await db.OutboxMessages.Where(o => o.Id == messageId && o.LeaseOwner == owner && o.Status == OutboxStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseExpiresAt, next), stop);
                await write.CommitAsync(stop);
                if (renewed == 0)
                {
                    LogClaimLost(logger, messageId);
                    return;
                }

                renewAt = next - settings.Lease * 2 / 3;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                LogRenewalFailed(logger, e, messageId); // a passing hiccup: the lease has slack for the next try
                renewAt = Clock.GetUtcNow().UtcDateTime + settings.Lease / 6;
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(settings.MaxBackoff.TotalSeconds, Math.Pow(2, attempt));
        return TimeSpan.FromSeconds(seconds * (0.75 + Random.Shared.NextDouble() / 2));
    }

    /// <summary>
    /// Claims the head read as <paramref name="head"/>, if it is still that version and nobody else's claim is running
    /// (checked in the update itself, so a claim renewed after the head was read is not taken over); the claim's end.
    /// </summary>
    private async Task<DateTime?> ClaimAsync(MissionsDbContext db, OutboxMessage head, CancellationToken cancellationToken)
    {
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var now = Clock.GetUtcNow().UtcDateTime;
        var until = now + settings.Lease;
        var claimed = await db.OutboxMessages
            .Where(o => o.Id == head.Id && o.Version == head.Version && o.Status == OutboxStatus.Pending
                && (o.LeaseOwner == null || o.LeaseOwner == owner || o.LeaseExpiresAt == null || o.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseOwner, owner).SetProperty(o => o.LeaseExpiresAt, until).SetProperty(o => o.Version, o => o.Version + 1), cancellationToken);
        await write.CommitAsync(cancellationToken);
        return claimed == 1 ? until : null;
    }

    private async Task FinishAsync(MissionsDbContext db, OutboxMessage head, OutboxStatus status, string? sentId, string? error, CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await db.OutboxMessages.Where(o => o.Id == head.Id && o.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, status)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                .SetProperty(o => o.SentMessageId, sentId)
                .SetProperty(o => o.SentAt, status == OutboxStatus.Sent ? now : null)
                .SetProperty(o => o.LastError, error)
                .SetProperty(o => o.LeaseOwner, (string?)null)
                .SetProperty(o => o.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(o => o.Version, o => o.Version + 1), cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    private async Task ReleaseAsync(MissionsDbContext db, OutboxMessage head, CancellationToken cancellationToken)
    {
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await db.OutboxMessages.Where(o => o.Id == head.Id && o.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseOwner, (string?)null).SetProperty(o => o.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(o => o.Version, o => o.Version + 1), cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    public override void Dispose()
    {
        grace.Dispose();
        base.Dispose();
    }

    private async Task RescheduleAsync(MissionsDbContext db, OutboxMessage head, DateTime next, string? error, bool countAttempt, CancellationToken cancellationToken)
    {
        var attempts = countAttempt ? head.Attempts + 1 : head.Attempts;
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await db.OutboxMessages.Where(o => o.Id == head.Id && o.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Attempts, attempts)
                .SetProperty(o => o.NextAttemptAt, next)
                .SetProperty(o => o.LastError, o => error ?? o.LastError)
                .SetProperty(o => o.LeaseOwner, (string?)null)
                .SetProperty(o => o.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(o => o.Version, o => o.Version + 1), cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    private static async Task AbandonQueueAsync(MissionsDbContext db, Guid conversationId, string why, CancellationToken cancellationToken)
    {
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await ConversationStore.AbandonPendingAsync(db, conversationId, why, cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    private static string Trim(string message) => message.Length > 2000 ? message[..2000] : message;

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "{Channel} conversation {ConversationId} is closed to the bot; its queue is abandoned: {Reason}")]
    private static partial void LogConversationClosed(ILogger logger, string channel, string conversationId, string reason);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Outbox message {Id} attempt {Attempt} failed; retrying in {Wait}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, long id, int attempt, TimeSpan wait, string reason);

    [LoggerMessage(EventId = 504, Level = LogLevel.Error, Message = "Gave up on outbox message {Id} to {ConversationId}")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, long id, string conversationId);

    [LoggerMessage(EventId = 505, Level = LogLevel.Warning, Message = "Renewing the claim on outbox message {Id} failed; trying again")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception, long id);

    [LoggerMessage(EventId = 506, Level = LogLevel.Warning, Message = "The claim on outbox message {Id} ran out while it was being delivered; another host may deliver it again")]
    private static partial void LogClaimLost(ILogger logger, long id);
}
