using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Missions.Host.Data;

/// <summary>
/// One writer at a time for SQLite. SQLite allows a single writer; with many, Microsoft.Data.Sqlite sleeps and
/// retries on SQLITE_BUSY, and throughput collapses while p99 reaches a second (see PERFORMANCE.md). Queueing
/// writers in-process instead gives 2–3× the throughput. PostgreSQL needs no gate. With a <see cref="WalFlusher"/>
/// the log is synced after the gate is left, once for all the commits made meanwhile (group commit).
/// Writers are let in in the order they came, except that work already promised (a queued message whose sender has
/// had the answer, <see cref="WriteOrder.Promised"/>) goes before new work: it finishes what people are waiting for
/// instead of queueing behind newer arrivals. Promised work is bounded (one turn per conversation being handled), so
/// new work is never starved.
/// </summary>
public sealed class WriteGate(bool serialize, WalFlusher? flusher = null)
{
    private readonly object sync = new();
    private readonly Queue<TaskCompletionSource<bool>> promised = new();
    private readonly Queue<TaskCompletionSource<bool>> arriving = new();
    private bool held;
    private int waiting;

    public static WriteGate None { get; } = new(false);

    /// <summary>Syncs SQLite's log after commits made with synchronous=NORMAL; null when each commit syncs itself.</summary>
    public WalFlusher? Flusher { get; } = serialize ? flusher : null;

    /// <summary>Writers queued for the gate right now.</summary>
    internal int Waiting => Volatile.Read(ref waiting);

    /// <summary>Enters the gate; false when writes are not serialized (nothing to leave).</summary>
    internal async ValueTask<bool> EnterAsync(WriteOrder order, CancellationToken cancellationToken)
    {
        if (!serialize)
        {
            return false;
        }

        TaskCompletionSource<bool> turn;
        lock (sync)
        {
            if (!held)
            {
                held = true;
                return true;
            }

            turn = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            (order == WriteOrder.Promised ? promised : arriving).Enqueue(turn);
            waiting++;
        }

        await using (cancellationToken.Register(() => Abandon(turn)))
        {
            // Granted (true), or given up while waiting: then it was taken out of its queue and holds nothing.
            if (!await turn.Task)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return true;
    }

    internal void Exit()
    {
        TaskCompletionSource<bool>? next;
        lock (sync)
        {
            if (!promised.TryDequeue(out next) && !arriving.TryDequeue(out next))
            {
                held = false;
                return;
            }

            waiting--;
        }

        // The gate passes straight to the next writer (it stays held).
        next.TrySetResult(true);
    }

    private void Abandon(TaskCompletionSource<bool> turn)
    {
        lock (sync)
        {
            if (turn.Task.IsCompleted)
            {
                return; // granted just before: the writer holds the gate and leaves it as usual
            }

            var removed = Remove(promised, turn) || Remove(arriving, turn);
            if (removed)
            {
                waiting--;
            }
        }

        turn.TrySetResult(false);
    }

    private static bool Remove(Queue<TaskCompletionSource<bool>> queue, TaskCompletionSource<bool> turn)
    {
        var count = queue.Count;
        var found = false;
        for (var i = 0; i < count; i++)
        {
            var item = queue.Dequeue();
            if (item == turn)
            {
                found = true;
            }
            else
            {
                queue.Enqueue(item);
            }
        }

        return found;
    }
}

/// <summary>Which writers go first at the <see cref="WriteGate"/>.</summary>
public enum WriteOrder
{
    /// <summary>In the order they came.</summary>
    Arriving,

    /// <summary>Work whose requester has already been answered: before anything newer.</summary>
    Promised,
}

/// <summary>
/// A write transaction, or a join to the one already open on the context: a chat turn opens one and every operation
/// it calls joins it, so the inbound event, the state change and the replies commit together.
/// </summary>
public sealed class WriteScope : IAsyncDisposable
{
    private readonly MissionsDbContext db;
    private readonly IDbContextTransaction? transaction;
    private WriteGate? heldGate;
    private bool committed;
    private bool relaxedSync;

    private WriteScope(MissionsDbContext db, IDbContextTransaction? transaction, WriteGate? heldGate)
    {
        this.db = db;
        this.transaction = transaction;
        this.heldGate = heldGate;
    }

    /// <summary>True when this scope opened the transaction (and so commits it).</summary>
    public bool Owns => transaction is not null;

    public static async Task<WriteScope> BeginAsync(MissionsDbContext db, CancellationToken cancellationToken, WriteOrder order = WriteOrder.Arriving)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return new WriteScope(db, null, null);
        }

        var gate = db.WriteGate;
        var held = await gate.EnterAsync(order, cancellationToken);
        var relaxed = false;
        try
        {
            if (held && gate.Flusher is not null)
            {
                // This commit leaves the syncing to the flusher (see WalFlusher). SQLite takes the setting only
                // outside a transaction; the scope sets it back and closes what it opened when it ends.
                await db.Database.OpenConnectionAsync(cancellationToken);
                relaxed = true;
                await SetSynchronousAsync(db, "NORMAL", cancellationToken);
            }

            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            return new WriteScope(db, transaction, held ? gate : null) { relaxedSync = relaxed };
        }
        catch
        {
            if (relaxed)
            {
                await RestoreFullSyncAsync(db);
            }

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
        if (!relaxedSync)
        {
            db.Committed();
            return;
        }

        // The next writer may start while this commit's log pages go to disk with others'. Not cancellable: the
        // commit has happened, and the caller reports success only once it is on disk (a sync takes a millisecond).
        ReleaseGate();
        try
        {
            await db.WriteGate.Flusher!.FlushAsync();
        }
        finally
        {
            db.Committed();
        }
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

        if (relaxedSync)
        {
            relaxedSync = false;
            await RestoreFullSyncAsync(db);
        }

        ReleaseGate();
    }

    private void ReleaseGate()
    {
        var gate = heldGate;
        heldGate = null;
        gate?.Exit();
    }

    /// <summary>Writes outside a write scope (and the connection's next user) sync each commit again.</summary>
    private static async Task RestoreFullSyncAsync(MissionsDbContext db)
    {
        try
        {
            await SetSynchronousAsync(db, "FULL", CancellationToken.None);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Straight on the connection (outside any transaction, where SQLite takes it): no EF command pipeline.</summary>
    private static async Task SetSynchronousAsync(MissionsDbContext db, string level, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA synchronous={level};";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

public static class WriteScopeExtensions
{
    /// <summary>Opens a write transaction, or joins the one open on the context; <paramref name="order"/> says when it goes at the gate.</summary>
    public static Task<WriteScope> BeginWriteAsync(this MissionsDbContext db, CancellationToken cancellationToken, WriteOrder order = WriteOrder.Arriving) =>
        WriteScope.BeginAsync(db, cancellationToken, order);
}
