using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;

namespace Missions.Host.Conversations;

public sealed record ConversationInfo(
    string Channel,
    string ConversationId,
    string? ThreadId = null,
    string? ServiceUrl = null,
    string? TenantId = null,
    string? BotId = null,
    string? ConversationType = null,
    string? ReferenceJson = null,
    string? TimeZone = null);

/// <summary>Conversation references: stored on first contact and refreshed on every turn, so later posts reach them.</summary>
public static class ConversationStore
{
    /// <summary>Creates or refreshes the reference, inside the caller's write transaction.</summary>
    public static async Task<ConversationReference> UpsertAsync(MissionsDbContext db, ConversationInfo info, DateTime now, CancellationToken cancellationToken)
    {
        var reference = await db.ConversationReferences
            .SingleOrDefaultAsync(c => c.Channel == info.Channel && c.ConversationId == info.ConversationId, cancellationToken);
        if (reference is null)
        {
            reference = new ConversationReference
            {
                Id = Guid.CreateVersion7(),
                Channel = info.Channel,
                ConversationId = info.ConversationId,
                CreatedAt = now,
            };
            db.ConversationReferences.Add(reference);
        }

        reference.ThreadId = info.ThreadId ?? reference.ThreadId;
        reference.ServiceUrl = info.ServiceUrl ?? reference.ServiceUrl;
        reference.TenantId = info.TenantId ?? reference.TenantId;
        reference.BotId = info.BotId ?? reference.BotId;
        reference.ConversationType = info.ConversationType ?? reference.ConversationType;
        reference.ReferenceJson = info.ReferenceJson ?? reference.ReferenceJson;
        reference.TimeZone = info.TimeZone ?? reference.TimeZone;
        if (db.Entry(reference).State != EntityState.Added && db.Entry(reference).Properties.Any(p => p.IsModified))
        {
            reference.UpdatedAt = now;
            reference.Version++;
        }
        else if (db.Entry(reference).State == EntityState.Added)
        {
            reference.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return reference;
    }

    /// <summary>
    /// The conversation's reference, brought up to date with what this delivery says (routing, time zone) and open to
    /// the bot again (someone wrote to it there). Writes only when the routing or time zone changed (not for every new
    /// sender the channel's own reference names), in its own transaction.
    /// </summary>
    public static async Task<ConversationReference> EnsureAsync(MissionsDbContext db, ConversationInfo info, DateTime now, CancellationToken cancellationToken)
    {
        var existing = await db.ConversationReferences.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Channel == info.Channel && c.ConversationId == info.ConversationId, cancellationToken);
        if (existing is not null && existing.ClosedAt is null && Same(info.ThreadId, existing.ThreadId) && Same(info.ServiceUrl, existing.ServiceUrl)
            && Same(info.TenantId, existing.TenantId) && Same(info.BotId, existing.BotId) && Same(info.ConversationType, existing.ConversationType)
            && Same(info.TimeZone, existing.TimeZone))
        {
            return existing;
        }

        await using var scope = await db.BeginWriteAsync(cancellationToken);
        var reference = await UpsertAsync(db, info, now, cancellationToken);
        if (reference.ClosedAt is not null)
        {
            reference.ClosedAt = null; // someone wrote to the bot here, so it is open to us again
            await db.SaveChangesAsync(cancellationToken);
        }

        await scope.CommitAsync(cancellationToken);
        db.Entry(reference).State = EntityState.Detached;
        return reference;

        // A field the delivery does not carry keeps what was stored.
        static bool Same(string? given, string? stored) => given is null || given == stored;
    }

    /// <summary>
    /// Marks the conversation closed to the bot (removed, blocked) and abandons what was waiting to be sent there,
    /// inside the caller's write transaction.
    /// </summary>
    public static async Task CloseAsync(MissionsDbContext db, Guid referenceId, string why, DateTime now, CancellationToken cancellationToken)
    {
        await db.ConversationReferences.Where(c => c.Id == referenceId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.ClosedAt, now).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), cancellationToken);
        await AbandonPendingAsync(db, referenceId, why, cancellationToken);
    }

    /// <summary>Gives up every message still waiting for the conversation, inside the caller's write transaction.</summary>
    public static Task AbandonPendingAsync(MissionsDbContext db, Guid referenceId, string why, CancellationToken cancellationToken) =>
        db.OutboxMessages.Where(o => o.ConversationReferenceId == referenceId && o.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, OutboxStatus.Abandoned)
                .SetProperty(o => o.LastError, why)
                .SetProperty(o => o.LeaseOwner, (string?)null)
                .SetProperty(o => o.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(o => o.Version, o => o.Version + 1), cancellationToken);
}
