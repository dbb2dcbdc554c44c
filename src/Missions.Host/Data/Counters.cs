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

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Npgsql.NpgsqlDataSource> CounterSources = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes the next value with a conditional update, so two callers never get the same one. A number is never
    /// reused. On SQLite the update joins the caller's transaction (inside the write lock, where nothing waits on it
    /// that was not waiting already), and a rollback gives the value back unless a later one was taken. On PostgreSQL
    /// it is a statement of its own: in the caller's transaction the counter's row would stay locked until that commits,
    /// and every approval in the building would queue behind the slowest turn; a transaction that then rolls back
    /// leaves a gap in the numbers.
    /// </summary>
    public static async Task<long> NextAsync(MissionsDbContext db, string name, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            // Its own small pool: the callers each hold a connection of the context's pool already, and must never wait
            // for a second one from it.
            var source = CounterSources.GetOrAdd(db.Database.GetConnectionString()!, static connectionString =>
                new Npgsql.NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxPoolSize = 8 } }.Build());
            await using var command = source.CreateCommand("UPDATE \"Counters\" SET \"Value\" = \"Value\" + 1 WHERE \"Name\" = $1 RETURNING \"Value\"");
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = name });
            return await command.ExecuteScalarAsync(cancellationToken) is long value ? value : throw Missing(name);
        }

        if (db.Database.IsSqlite())
        {
            // One statement where the database can return what it updated (it runs inside the write lock).
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
