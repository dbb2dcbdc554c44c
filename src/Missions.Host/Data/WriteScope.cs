using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Missions.Host.Data;

/// <summary>
/// One writer at a time for SQLite. SQLite allows a single writer; with many, Microsoft.Data.Sqlite sleeps and
/// retries on SQLITE_BUSY, and throughput collapses while p99 reaches a second (see PERFORMANCE.md). Queueing
/// writers in-process instead gives 2–3× the throughput. PostgreSQL needs no gate.
/// </summary>
public sealed class WriteGate(bool serialize)
{
    private readonly SemaphoreSlim? gate = serialize ? new SemaphoreSlim(1, 1) : null;

    public static WriteGate None { get; } = new(false);

    internal async ValueTask<bool> EnterAsync(CancellationToken cancellationToken)
    {
        if (gate is null)
        {
            return false;
        }

        await gate.WaitAsync(cancellationToken);
        return true;
    }

    internal void Exit() => gate!.Release();
}

/// <summary>
/// A write transaction, or a join to the one already open on the context: a chat turn opens one and every operation
/// it calls joins it, so the inbound event, the state change and the replies commit together.
/// </summary>
public sealed class WriteScope : IAsyncDisposable
{
    private readonly MissionsDbContext db;
    private readonly IDbContextTransaction? transaction;
    private readonly WriteGate? heldGate;
    private bool committed;

    private WriteScope(MissionsDbContext db, IDbContextTransaction? transaction, WriteGate? heldGate)
    {
        this.db = db;
        this.transaction = transaction;
        this.heldGate = heldGate;
    }

    /// <summary>True when this scope opened the transaction (and so commits it).</summary>
    public bool Owns => transaction is not null;

    public static async Task<WriteScope> BeginAsync(MissionsDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return new WriteScope(db, null, null);
        }

        var gate = db.WriteGate;
        var held = await gate.EnterAsync(cancellationToken);
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            return new WriteScope(db, transaction, held ? gate : null);
        }
        catch
        {
            if (held)
            {
                gate.Exit();
            }

            throw;
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (transaction is null)
        {
            return;
        }

        await transaction.CommitAsync(cancellationToken);
        committed = true;
        this.db.Committed();
    }

    /// <summary>
    /// Saves and commits when this scope owns the transaction. When it joined one, the owner saves everything the
    /// turn added in one round trip at its end.
    /// </summary>
    public async Task SaveAndCommitAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (transaction is null)
        {
            return;
        }

        await db.SaveChangesAsync(cancellationToken);
        await CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (transaction is not null)
        {
            await transaction.DisposeAsync();
            if (!committed)
            {
                db.RolledBack();
            }
        }

        heldGate?.Exit();
    }
}

public static class WriteScopeExtensions
{
    public static Task<WriteScope> BeginWriteAsync(this MissionsDbContext db, CancellationToken cancellationToken) =>
        WriteScope.BeginAsync(db, cancellationToken);
}
