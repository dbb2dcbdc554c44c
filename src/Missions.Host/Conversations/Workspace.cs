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

    /// <summary>The active staff member a person named (by name or role); refused with the names there are.</summary>
    public Staff StaffNamed(string words) => Named(Staff.Where(s => s.IsActive).ToList(), words, "staff member", s => s.Name, s => s.Role);

    public Project ProjectNamed(string words) => Named(Projects, words, "project", p => p.Name);

    public Blueprint BlueprintNamed(string words) => Named(Blueprints, words, "blueprint", b => b.Name);

    /// <summary>
    /// The one item whose name (or other label) is the words, ignoring case, else the one whose name begins with them;
    /// none or several is a refusal that lists the names to choose from.
    /// </summary>
    private static T Named<T>(IReadOnlyList<T> items, string words, string what, params Func<T, string>[] labels)
    {
        var wanted = words.Trim().Trim('“', '”', '"', '\'');
        foreach (var matches in new Func<string, bool>[]
                 {
                     label => label.Equals(wanted, StringComparison.OrdinalIgnoreCase),
                     label => label.StartsWith(wanted, StringComparison.OrdinalIgnoreCase),
                 })
        {
            var found = items.Where(item => labels.Any(label => matches(label(item)))).ToList();
            if (found.Count == 1)
            {
                return found[0];
            }

            if (found.Count > 1)
            {
                throw DomainException.Invalid(what, $"“{wanted}” could be {string.Join(" or ", found.Select(labels[0]))}; say which.");
            }
        }

        throw DomainException.Invalid(what, items.Count == 0
            ? $"There is no {what} yet."
            : $"There is no {what} called “{wanted}”. There are: {string.Join(", ", items.Select(labels[0]))}.");
    }
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
