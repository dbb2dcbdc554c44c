using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.Host.Data;

namespace Missions.Host.Conversations;

public sealed class InboxOptions
{
    public const string Section = "Missions:Inbox";

    /// <summary>How often the queue is looked at when nothing signalled it (another host may have queued work).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a host owns an event it has claimed without renewing the claim. A host renews it every third of this
    /// while the turn runs, however long that takes; one that died loses it when this runs out, and another host (or
    /// the same one, restarted) takes the conversation up. A turn whose claim was taken over cannot commit, because
    /// completing checks the claim.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Conversations handled at the same time (events within one are always one at a time, in order).</summary>
    public int MaxConversations { get; set; } = 64;

    /// <summary>Times an event is taken up before it is given up as failed.</summary>
    public int MaxAttempts { get; set; } = 5;
}

/// <summary>Wakes the inbox worker when a delivery has been queued.</summary>
public sealed class InboxSignal : WorkSignal;

/// <summary>A queued event claimed by this host: the handler completes it in the same transaction as its turn.</summary>
public sealed record InboxClaim(string Channel, string EventId, Guid ConversationReferenceId, string PayloadJson, string Owner, int Attempt);

/// <summary>Thrown when completing an event this host no longer owns (its lease ran out and another host took it).</summary>
public sealed class InboxClaimLostException(string eventId)
    : Exception($"The claim on inbound event '{eventId}' was lost; another host handles it.");

public static class Inbox
{
    /// <summary>
    /// Stores an inbound event at once, inside the caller's write transaction: one plain statement, as every chat
    /// message writes one inside the write lock (EF's change tracking costs more than the insert). An event stored
    /// before under the same key fails with the database's own <see cref="System.Data.Common.DbException"/>.
    /// </summary>
    public static async Task InsertAsync(MissionsDbContext db, InboundEvent e, CancellationToken cancellationToken)
    {
        var status = e.Status.ToString();
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "InboundEvents" ("Channel", "EventId", "Status", "ReceivedAt", "CompletedAt", "ResponseJson", "ConversationReferenceId", "PayloadJson", "Attempts", "NextAttemptAt", "LeaseOwner", "LeaseExpiresAt") VALUES ({e.Channel}, {e.EventId}, {status}, {e.ReceivedAt}, {e.CompletedAt}, {e.ResponseJson}, {e.ConversationReferenceId}, {e.PayloadJson}, {e.Attempts}, {e.NextAttemptAt}, {e.LeaseOwner}, {e.LeaseExpiresAt})""",
            cancellationToken);
    }

    /// <summary>Marks the claimed event finished, inside the caller's write transaction; throws if the claim was lost.</summary>
    public static async Task CompleteAsync(MissionsDbContext db, InboxClaim claim, InboundEventStatus status, DateTime now, CancellationToken cancellationToken)
    {
        // One plain statement: every chat message runs it inside the write lock, where a translated ExecuteUpdate costs
        // several times more than the update itself.
        var to = status.ToString();
        var queued = nameof(InboundEventStatus.Queued);
        var finished = await db.Database.ExecuteSqlAsync(
            $"""UPDATE "InboundEvents" SET "Status" = {to}, "CompletedAt" = {now}, "PayloadJson" = NULL, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL WHERE "Channel" = {claim.Channel} AND "EventId" = {claim.EventId} AND "Status" = {queued} AND "LeaseOwner" = {claim.Owner}""",
            cancellationToken);
        if (finished != 1)
        {
            throw new InboxClaimLostException(claim.EventId);
        }
    }
}

/// <summary>
/// Handles queued inbound deliveries after their HTTP answer: per conversation, in the order received, one at a
/// time, through the turn pipeline of the event's channel. An event is claimed with a lease in the database, so several
/// hosts can share the queue and an event whose host died is taken up again once the lease runs out; an event this host
/// queued itself arrives already claimed for it (<see cref="TurnPipeline.QueueAsync"/>) and is started at once. The
/// pipeline completes the event in its turn's transaction, so a turn either commits with its event finished or leaves
/// the event queued. A stopping host gives its claims back.
/// </summary>
public sealed partial class InboxWorker(
    IServiceScopeFactory scopes,
    InboxSignal signal,
    IOptions<InboxOptions> options,
    TimeProvider clock,
    ILogger<InboxWorker> logger) : LaneWorker(signal, clock, logger)
{
    private readonly InboxOptions settings = options.Value;

    /// <summary>How this host names itself on the events it has claimed.</summary>
    public string Owner { get; } = Leases.NewOwner();

    /// <summary>How long a claim holds.</summary>
    public TimeSpan Lease => settings.Lease;

    protected override TimeSpan PollInterval => settings.PollInterval;

    protected override int MaxLanes => settings.MaxConversations;

    protected override async Task<IReadOnlyList<Guid>> DueLanesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        return await db.InboundEvents.AsNoTracking()
            .Where(e => e.Status == InboundEventStatus.Queued && (e.NextAttemptAt == null || e.NextAttemptAt <= now)
                && (e.LeaseExpiresAt == null || e.LeaseExpiresAt < now || e.LeaseOwner == Owner))
            .OrderBy(e => e.ReceivedAt).Select(e => e.ConversationReferenceId ?? Guid.Empty).Take(1000).ToListAsync(cancellationToken);
    }

    /// <summary>Handles one conversation's queued events in order until none is due or its head must wait.</summary>
    protected override async Task DrainAsync(Guid lane, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // One scope (and one database connection) for an event: finding it, claiming it, and its turn.
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
            var now = Clock.GetUtcNow().UtcDateTime;
            cancellationToken.ThrowIfCancellationRequested();
            var head = await TurnQueries.For(db).InboxHead(db, lane);
            // Claimed for this host when it was queued here, and not yet taken up (a lane drains one event at a time).
            var ours = head is not null && head.LeaseOwner == Owner && head.LeaseExpiresAt >= now;
            if (head is null || head.NextAttemptAt > now || (!ours && (head.LeaseExpiresAt >= now || !await ClaimAsync(db, head, now, cancellationToken))))
            {
                return; // empty, waiting for a retry, or another host is on it
            }

            var claim = new InboxClaim(head.Channel, head.EventId, lane, head.PayloadJson ?? "", Owner, ours ? head.Attempts : head.Attempts + 1);
            if (!await HandleAsync(scope.ServiceProvider, claim, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>Runs the claimed event's turn; false when the conversation must stop for now (a retry is pending).</summary>
    private async Task<bool> HandleAsync(IServiceProvider services, InboxClaim claim, CancellationToken cancellationToken)
    {
        using var renewing = new CancellationTokenSource();
        // The claim is kept while the turn runs (a model may take a while); a lost claim shows when the turn completes.
        var renewal = Leases.KeepAsync(settings.Lease, Clock, stop => RenewAsync(claim, stop), () => { }, e => LogRenewalFailed(logger, e, claim.EventId), renewing.Token);
        try
        {
            var channel = services.GetKeyedService<IChannelAdapter>(claim.Channel)
                ?? throw new InvalidOperationException($"No channel '{claim.Channel}' is switched on to handle this event.");
            await services.GetRequiredService<TurnPipeline>().HandleQueuedAsync(channel, claim, cancellationToken);
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
            await ReleaseAsync(claim, Clock.GetUtcNow().UtcDateTime + wait, CancellationToken.None);
            return false; // the events after it wait, so the conversation keeps its order
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
        }
    }

    /// <summary>Extends this host's claim on the event; false when it no longer holds it.</summary>
    private async Task<bool> RenewAsync(InboxClaim claim, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var until = Clock.GetUtcNow().UtcDateTime + settings.Lease;
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var renewed = await Owned(db, claim).ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseExpiresAt, until), cancellationToken);
        await write.CommitAsync(cancellationToken);
        return renewed == 1;
    }

    private async Task<bool> ClaimAsync(MissionsDbContext db, InboundEvent head, DateTime now, CancellationToken cancellationToken)
    {
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var until = now + settings.Lease;
        var claimed = await db.InboundEvents
            .Where(e => e.Channel == head.Channel && e.EventId == head.EventId && e.Status == InboundEventStatus.Queued
                && e.Attempts == head.Attempts && (e.LeaseExpiresAt == null || e.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.LeaseOwner, Owner)
                .SetProperty(e => e.LeaseExpiresAt, until)
                .SetProperty(e => e.Attempts, e => e.Attempts + 1), cancellationToken);
        await write.CommitAsync(cancellationToken);
        return claimed == 1;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await base.ExecuteAsync(stoppingToken);
        try
        {
            // Events queued here but never taken up: give them back, so the next host need not wait out their lease.
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
            await using var write = await db.BeginWriteAsync(CancellationToken.None);
            await db.InboundEvents.Where(e => e.Status == InboundEventStatus.Queued && e.LeaseOwner == Owner)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseOwner, (string?)null).SetProperty(e => e.LeaseExpiresAt, (DateTime?)null), CancellationToken.None);
            await write.CommitAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogReleaseFailed(logger, e); // their leases run out instead
        }
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
            .SetProperty(e => e.CompletedAt, Clock.GetUtcNow().UtcDateTime)
            .SetProperty(e => e.LeaseOwner, (string?)null)
            .SetProperty(e => e.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    private static IQueryable<InboundEvent> Owned(MissionsDbContext db, InboxClaim claim) =>
        db.InboundEvents.Where(e => e.Channel == claim.Channel && e.EventId == claim.EventId && e.Status == InboundEventStatus.Queued && e.LeaseOwner == claim.Owner);

    [LoggerMessage(EventId = 527, Level = LogLevel.Warning, Message = "Renewing the claim on inbound event {EventId} failed; trying again")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception, string eventId);

    [LoggerMessage(EventId = 525, Level = LogLevel.Warning, Message = "Giving back the inbound events this host had queued failed; their leases will run out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 522, Level = LogLevel.Warning, Message = "{Reason}")]
    private static partial void LogClaimLost(ILogger logger, string reason);

    [LoggerMessage(EventId = 523, Level = LogLevel.Warning, Message = "{Channel} event {EventId} attempt {Attempt} failed; retrying in {Wait}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string channel, string eventId, int attempt, TimeSpan wait);

    [LoggerMessage(EventId = 524, Level = LogLevel.Error, Message = "Gave up on {Channel} event {EventId} after {Attempt} attempts")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string channel, string eventId, int attempt);
}
