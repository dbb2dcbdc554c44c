using Microsoft.EntityFrameworkCore;

namespace Missions.Host.Data;

/// <summary>Named, never-reused sequences (mission numbers), portable across providers.</summary>
public static class Counters
{
    public const string MissionNumber = "mission-number";

    internal static async Task EnsureAsync(MissionsDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Counters.AnyAsync(c => c.Name == MissionNumber, cancellationToken))
        {
            db.Counters.Add(new Counter { Name = MissionNumber, Value = 0 });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another host created it first; that is the outcome we wanted.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Takes the next value with a conditional update, so two callers never get the same one. Call it inside the
    /// transaction that uses the number: a rollback gives the value back only if nothing else took a later one.
    /// </summary>
    public static async Task<long> NextAsync(MissionsDbContext db, string name, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite() || db.Database.IsNpgsql())
        {
            // One statement where the database can return what it updated (it runs inside the write lock on SQLite).
            var taken = await db.Database
                .SqlQuery<long>($"UPDATE \"Counters\" SET \"Value\" = \"Value\" + 1 WHERE \"Name\" = {name} RETURNING \"Value\"")
                .ToListAsync(cancellationToken);
            return taken is [var value] ? value : throw Missing(name);
        }

        for (var attempt = 0; attempt < 100; attempt++)
        {
            var current = await db.Counters.Where(c => c.Name == name).Select(c => (long?)c.Value).SingleOrDefaultAsync(cancellationToken)
                ?? throw Missing(name);
            var updated = await db.Counters
                .Where(c => c.Name == name && c.Value == current)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, current + 1), cancellationToken);
            if (updated == 1)
            {
                return current + 1;
            }
        }

        throw new InvalidOperationException($"Could not advance the counter '{name}' under contention.");
    }

    private static InvalidOperationException Missing(string name) =>
        new($"The counter '{name}' does not exist; the database was not initialized.");
}
