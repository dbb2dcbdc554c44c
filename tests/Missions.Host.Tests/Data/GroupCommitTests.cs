using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Data;
using Missions.Host.Tests.Infrastructure;
using Missions.Host.Workspace;

namespace Missions.Host.Tests.Data;

/// <summary>
/// SQLite with synchronous=FULL (the default): write transactions commit without syncing inside the write lock and
/// wait for a shared sync of the log afterwards (WalFlusher).
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task A_write_scope_commits_unsynced_waits_for_a_sync_and_leaves_the_connection_syncing_every_commit()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        var flusher = app.Services.GetRequiredService<WriteGate>().Flusher;
        Assert.NotNull(flusher);
        Assert.EndsWith("-wal", flusher.WalPath, StringComparison.Ordinal);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        await db.Database.OpenConnectionAsync();
        Assert.Equal(2, await SynchronousAsync(db)); // FULL outside a write scope

        var before = flusher.Syncs;
        var now = DateTime.UtcNow;
        await using (var write = await db.BeginWriteAsync(CancellationToken.None))
        {
            Assert.Equal(1, await SynchronousAsync(db)); // NORMAL: the commit leaves the sync to the flusher
            db.Projects.Add(new Project { Id = Guid.NewGuid(), Name = "Group commit", Brief = "", CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
            await write.CommitAsync(CancellationToken.None);
            Assert.True(flusher.Syncs > before, "The commit returned before a sync of the log.");
        }

        Assert.Equal(2, await SynchronousAsync(db));
        Assert.True(await app.WithDbAsync(d => d.Projects.AnyAsync(p => p.Name == "Group commit")));
    }

    [Fact]
    public async Task Many_commits_waiting_at_once_share_a_few_syncs()
    {
        var log = Path.Combine(Path.GetTempPath(), "missions-wal-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(log, new byte[4096]);
        try
        {
            var flusher = new WalFlusher(log);
            await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => flusher.FlushAsync()).ToList());
            Assert.InRange(flusher.Syncs, 1, 20);

            // One more after they all finished gets a sync of its own.
            var after = flusher.Syncs;
            await flusher.FlushAsync();
            Assert.Equal(after + 1, flusher.Syncs);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task No_log_file_means_nothing_to_sync()
    {
        var flusher = new WalFlusher(Path.Combine(Path.GetTempPath(), "missions-missing-" + Guid.NewGuid().ToString("N") + "-wal"));
        await flusher.FlushAsync();
        Assert.Equal(1, flusher.Syncs);
    }

    [Fact]
    public async Task With_synchronous_normal_there_is_no_flusher()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:Database:SqliteSynchronous"] = "Normal" });
        Assert.Null(app.Services.GetRequiredService<WriteGate>().Flusher);
    }

    private static async Task<long> SynchronousAsync(MissionsDbContext db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
