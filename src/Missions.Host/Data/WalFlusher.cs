using Microsoft.Win32.SafeHandles;

namespace Missions.Host.Data;

/// <summary>
/// Group commit for SQLite in WAL mode. With <c>synchronous=FULL</c> every commit syncs the log to disk while it
/// holds the one write lock, so writers queue behind each other's syncs. Instead, a write transaction commits with
/// <c>synchronous=NORMAL</c> (its log pages are written, not yet synced), lets the next writer in, and then waits here
/// until a sync of the log file that started after its commit has finished: one sync covers every commit made before
/// it began, however many arrived meanwhile. The caller answers only after that, so what it reports as saved is on
/// disk, as with FULL. (Other readers may see a commit a moment before its sync completes.)
/// </summary>
public sealed class WalFlusher(string walPath)
{
    private readonly Lock sync = new();
    private bool flushing;
    private TaskCompletionSource? current;
    private TaskCompletionSource? next;

    private long syncs;

    /// <summary>The log file this flusher syncs (the database path with "-wal").</summary>
    public string WalPath { get; } = walPath;

    /// <summary>How many syncs it has run (fewer than the commits it covered, under load).</summary>
    public long Syncs => Interlocked.Read(ref syncs);

    /// <summary>Completes once everything committed before the call is on disk.</summary>
    public Task FlushAsync()
    {
        lock (sync)
        {
            if (flushing)
            {
                // A sync is under way but may have started before this commit: wait for the one after it.
                next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return next.Task;
            }

            flushing = true;
            current = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = current.Task;
            _ = Task.Run(Run);
            return task;
        }
    }

    private void Run()
    {
        while (true)
        {
            TaskCompletionSource batch;
            lock (sync)
            {
                batch = current!;
            }

            try
            {
                SyncLog();
                Interlocked.Increment(ref syncs);
                batch.TrySetResult();
            }
            catch (Exception e)
            {
                batch.TrySetException(e);
            }

            lock (sync)
            {
                if (next is null)
                {
                    flushing = false;
                    current = null;
                    return;
                }

                current = next;
                next = null;
            }
        }
    }

    /// <summary>
    /// fsync of the log through a handle of our own: on Linux a file's dirty pages belong to the file, not to the
    /// descriptor that wrote them. Opened per sync, because SQLite may delete and recreate the log. SQLite's own locks
    /// are on the database and -shm files, never on the log, so closing this handle cannot release one of them.
    /// </summary>
    private void SyncLog()
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(WalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return; // no log: everything was checkpointed into the database, which SQLite synced
        }

        using (handle)
        {
            RandomAccess.FlushToDisk(handle);
        }
    }
}
