using Microsoft.EntityFrameworkCore;

namespace Missions.Host.Data;

/// <summary>
/// Something only one host may do at a time (hold Discord's Gateway connection), by name: who holds it, until when,
/// and what the next holder needs to carry on (the Gateway session to resume).
/// </summary>
public sealed class HostLease
{
    public required string Name { get; set; }
    public string? Owner { get; set; }
    public DateTime ExpiresAt { get; set; }
    public string? State { get; set; }
}

/// <summary>Taking, keeping and giving back a <see cref="HostLease"/>: conditional updates, so two hosts never both hold it.</summary>
public static class HostLeases
{
    /// <summary>Takes the lease when it is free, expired or already this owner's; returns whether it is held, and its state.</summary>
    public static async Task<(bool Held, string? State)> TryTakeAsync(MissionsDbContext db, string name, string owner, TimeSpan ttl, DateTime now, CancellationToken cancellationToken)
    {
        var until = now + ttl;
        await using (var write = await db.BeginWriteAsync(cancellationToken))
        {
            var taken = await db.HostLeases.Where(l => l.Name == name && (l.Owner == owner || l.ExpiresAt < now))
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAt, until), cancellationToken);
            if (taken == 0)
            {
                if (await db.HostLeases.AnyAsync(l => l.Name == name, cancellationToken))
                {
                    return (false, null);
                }

                db.HostLeases.Add(new HostLease { Name = name, Owner = owner, ExpiresAt = until });
                try
                {
                    await write.SaveAndCommitAsync(db, cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another host made it first: theirs.
                    db.ChangeTracker.Clear();
                    return (false, null);
                }
            }
            else
            {
                await write.CommitAsync(cancellationToken);
            }
        }

        return (true, await db.HostLeases.AsNoTracking().Where(l => l.Name == name).Select(l => l.State).SingleAsync(cancellationToken));
    }

    /// <summary>Keeps the lease (and records the state); false when another host holds it now.</summary>
    public static async Task<bool> RenewAsync(MissionsDbContext db, string name, string owner, TimeSpan ttl, DateTime now, string? state, CancellationToken cancellationToken)
    {
        var until = now + ttl;
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var kept = await db.HostLeases.Where(l => l.Name == name && l.Owner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, until).SetProperty(l => l.State, state), cancellationToken);
        await write.CommitAsync(cancellationToken);
        return kept == 1;
    }

    /// <summary>Gives the lease back at once (a host stopping), keeping the state for the next holder.</summary>
    public static async Task ReleaseAsync(MissionsDbContext db, string name, string owner, string? state, DateTime now, CancellationToken cancellationToken)
    {
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await db.HostLeases.Where(l => l.Name == name && l.Owner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, (string?)null).SetProperty(l => l.ExpiresAt, now).SetProperty(l => l.State, state), cancellationToken);
        await write.CommitAsync(cancellationToken);
    }
}
