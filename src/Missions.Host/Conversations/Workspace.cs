using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Workspace;

namespace Missions.Host.Conversations;

/// <summary>The staff, projects and blueprints as one turn sees them: read once, before the turn's writes.</summary>
public sealed record WorkspaceSnapshot(IReadOnlyList<Staff> Staff, IReadOnlyList<Project> Projects, IReadOnlyList<Blueprint> Blueprints)
{
    public static async Task<WorkspaceSnapshot> LoadAsync(MissionsDbContext db, CancellationToken cancellationToken) => new(
        await db.Staff.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken),
        await db.Projects.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken),
        await db.Blueprints.AsNoTracking().OrderBy(b => b.Name).ToListAsync(cancellationToken));
}

/// <summary>
/// The workspace changes rarely and every turn reads it, so a snapshot is kept for a few seconds. Edits made
/// through this host drop it at once; another host's edits show within <see cref="Lifetime"/>.
/// </summary>
public sealed class WorkspaceCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private volatile Entry? current;

    public async Task<WorkspaceSnapshot> GetAsync(MissionsDbContext db, CancellationToken cancellationToken)
    {
        var entry = current;
        var now = clock.GetUtcNow();
        if (entry is not null && now - entry.LoadedAt < Lifetime)
        {
            return entry.Snapshot;
        }

        var snapshot = await WorkspaceSnapshot.LoadAsync(db, cancellationToken);
        current = new Entry(snapshot, now);
        return snapshot;
    }

    public void Invalidate() => current = null;

    private sealed record Entry(WorkspaceSnapshot Snapshot, DateTimeOffset LoadedAt);
}
