using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.Host.Data;

namespace Missions.Host.Conversations;

public sealed class InboxOptions
{
    /// <summary>How often the queue is looked at when nothing signalled it (another host may have queued work).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a host owns an event it is handling. A host that died mid-turn loses its claim when this runs out;
    /// a turn that outlives it cannot commit, because completing checks the claim.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Conversations handled at the same time (events within one are always one at a time, in order).</summary>
    public int MaxConversations { get; set; } = 16;

    /// <summary>Times an event is taken up before it is given up as failed.</summary>
    public int MaxAttempts { get; set; } = 5;
}

/// <summary>Wakes the inbox worker when a delivery has been queued.</summary>
public sealed class InboxSignal : WorkSignal;

/// <summary>A queued event claimed by this host: the handler completes it in the same transaction as its turn.</summary>
public sealed record InboxClaim(string Channel, string EventId, Guid ConversationReferenceId, string PayloadJson, string Owner, int Attempt);

/// <summary>Handles one channel's queued deliveries (scoped: one per event).</summary>
public interface IInboxHandler
{
    string Channel { get; }

    /// <summary>
    /// Runs the turn for the claimed event and calls <see cref="Inbox.CompleteAsync"/> inside the turn's write
    /// transaction, so the event is finished if and only if the turn's changes commit.
    /// </summary>
    Task HandleAsync(InboxClaim claim, CancellationToken cancellationToken);
}

/// <summary>Thrown when completing an event this host no longer owns (its lease ran out and another host took it).</summary>
public sealed class InboxClaimLostException(string eventId)
    : Exception($"The claim on inbound event '{eventId}' was lost; another host handles it.");

public static class Inbox
{
    /// <summary>Marks the claimed event finished, inside the caller's write transaction; throws if the claim was lost.</summary>
    public static async Task CompleteAsync(MissionsDbContext db, InboxClaim claim, InboundEventStatus status, DateTime now, CancellationToken cancellationToken)
    {
        var finished = await db.InboundEvents
            .Where(e => e.Channel == claim.Channel && e.EventId == claim.EventId && e.Status == InboundEventStatus.Queued && e.LeaseOwner == claim.Owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, status)
                .SetProperty(e => e.CompletedAt, now)
                .SetProperty(e => e.PayloadJson, (string?)null)
                .SetProperty(e => e.LeaseOwner, (string?)null)
                .SetProperty(e => e.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        if (finished != 1)
        {
            throw new InboxClaimLostException(claim.EventId);
        }
    }
}

/// <summary>
/// Handles queued inbound deliveries after their HTTP answer: per conversation, in the order received, one at a
/// time. An event is claimed with a lease in the database, so several hosts can share the queue and an event whose
/// host died is taken up again once the lease runs out; the handler completes it in its turn's transaction, so a
/// turn either commits with its event finished or leaves the event queued. A stopping host gives its claims back.
/// </summary>
public sealed partial class InboxWorker(
    IServiceScopeFactory scopes,
    InboxSignal signal,
    IOptions<InboxOptions> options,
    TimeProvider clock,
    ILogger<InboxWorker> logger) : LaneWorker(signal, logger)
{
    private readonly string owner = Leases.NewOwner();
    private readonly InboxOptions settings = options.Value;

    protected override TimeSpan PollInterval => settings.PollInterval;

    protected override int MaxLanes => settings.MaxConversations;

    protected override async Task<IReadOnlyList<Guid>> DueLanesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.InboundEvents.AsNoTracking()
            .Where(e => e.Status == InboundEventStatus.Queued && (e.NextAttemptAt == null || e.NextAttemptAt <= now)
                && (e.LeaseExpiresAt == null || e.LeaseExpiresAt < now))
            .OrderBy(e => e.ReceivedAt).Select(e => e.ConversationReferenceId ?? Guid.Empty).Take(1000).ToListAsync(cancellationToken);
    }

    /// <summary>Handles one conversation's queued events in order until none is due or its head must wait.</summary>
    protected override async Task<bool> DrainAsync(Guid lane, CancellationToken cancellationToken)
    {
        var conversation = lane;
        var progressed = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            InboundEvent? head;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
                var now = clock.GetUtcNow().UtcDateTime;
                head = await db.InboundEvents.AsNoTracking()
                    .Where(e => e.Status == InboundEventStatus.Queued && (e.ConversationReferenceId ?? Guid.Empty) == conversation)
                    .OrderBy(e => e.ReceivedAt).ThenBy(e => e.EventId).FirstOrDefaultAsync(cancellationToken);
                if (head is null || head.NextAttemptAt > now || head.LeaseExpiresAt >= now || !await ClaimAsync(db, head, now, cancellationToken))
                {
                    return progressed; // empty, waiting for a retry, or another host is on it
                }
            }

            progressed = true;
            var claim = new InboxClaim(head.Channel, head.EventId, conversation, head.PayloadJson ?? "", owner, head.Attempts + 1);
            if (!await HandleAsync(claim, cancellationToken))
            {
                return progressed;
            }
        }

        return progressed;
    }

    /// <summary>Runs the claimed event's turn; false when the conversation must stop for now (a retry is pending).</summary>
    private async Task<bool> HandleAsync(InboxClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetServices<IInboxHandler>().FirstOrDefault(h => h.Channel == claim.Channel)
                ?? throw new InvalidOperationException($"No inbox handler for the channel '{claim.Channel}'.");
            await handler.HandleAsync(claim, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the turn rolled back; give the event back at once so the next host need not wait out the lease.
            await ReleaseAsync(claim, retryAt: null, CancellationToken.None);
            return false;
        }
        catch (InboxClaimLostException e)
        {
            LogClaimLost(logger, e.Message);
            return true;
        }
        catch (Exception e)
        {
            if (claim.Attempt >= settings.MaxAttempts)
            {
                LogGaveUp(logger, e, claim.Channel, claim.EventId, claim.Attempt);
                await GiveUpAsync(claim, CancellationToken.None);
                return true;
            }

            var wait = TimeSpan.FromSeconds(Math.Pow(2, claim.Attempt) * (0.75 + Random.Shared.NextDouble() / 2));
            LogRetrying(logger, e, claim.Channel, claim.EventId, claim.Attempt, wait);
            await ReleaseAsync(claim, clock.GetUtcNow().UtcDateTime + wait, CancellationToken.None);
            return false; // the events after it wait, so the conversation keeps its order
        }
    }

    private async Task<bool> ClaimAsync(MissionsDbContext db, InboundEvent head, DateTime now, CancellationToken cancellationToken)
    {
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var until = now + settings.Lease;
        var claimed = await db.InboundEvents
            .Where(e => e.Channel == head.Channel && e.EventId == head.EventId && e.Status == InboundEventStatus.Queued
                && e.Attempts == head.Attempts && (e.LeaseExpiresAt == null || e.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.LeaseOwner, owner)
                .SetProperty(e => e.LeaseExpiresAt, until)
                .SetProperty(e => e.Attempts, e => e.Attempts + 1), cancellationToken);
        await write.CommitAsync(cancellationToken);
        return claimed == 1;
    }

    private async Task ReleaseAsync(InboxClaim claim, DateTime? retryAt, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await Owned(db, claim).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.NextAttemptAt, retryAt)
            .SetProperty(e => e.LeaseOwner, (string?)null)
            .SetProperty(e => e.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    private async Task GiveUpAsync(InboxClaim claim, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await Owned(db, claim).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, InboundEventStatus.Failed)
            .SetProperty(e => e.CompletedAt, clock.GetUtcNow().UtcDateTime)
            .SetProperty(e => e.LeaseOwner, (string?)null)
            .SetProperty(e => e.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    private static IQueryable<InboundEvent> Owned(MissionsDbContext db, InboxClaim claim) =>
        db.InboundEvents.Where(e => e.Channel == claim.Channel && e.EventId == claim.EventId && e.Status == InboundEventStatus.Queued && e.LeaseOwner == claim.Owner);

    [LoggerMessage(EventId = 522, Level = LogLevel.Warning, Message = "{Reason}")]
    private static partial void LogClaimLost(ILogger logger, string reason);

    [LoggerMessage(EventId = 523, Level = LogLevel.Warning, Message = "{Channel} event {EventId} attempt {Attempt} failed; retrying in {Wait}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string channel, string eventId, int attempt, TimeSpan wait);

    [LoggerMessage(EventId = 524, Level = LogLevel.Error, Message = "Gave up on {Channel} event {EventId} after {Attempt} attempts")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string channel, string eventId, int attempt);
}
