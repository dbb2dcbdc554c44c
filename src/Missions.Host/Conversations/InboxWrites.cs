using System.Threading.Channels;
using System.Data.Common;
using Missions.Host.Data;

namespace Missions.Host.Conversations;

/// <summary>
/// Stores queued deliveries in groups: the deliveries waiting to be stored when the writer is free go into one write
/// transaction, so under load a message costs its inserts rather than a transaction of its own (SQLite has one writer
/// at a time, and a transaction's begin, commit and hand-over cost more than two small inserts). Each delivery's request
/// waits until its group has committed (on SQLite, until the log is synced), so an answered delivery is never lost.
/// </summary>
public sealed partial class InboxWrites(IServiceScopeFactory scopes, ILogger<InboxWrites> logger) : BackgroundService
{
    /// <summary>The most deliveries one transaction stores.</summary>
    private const int MaxGroup = 64;

    private readonly Channel<Pending> waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>
    /// Stores the event (with what <paramref name="record"/> adds to the same write); true once committed, false when
    /// an event with its key was stored before (a redelivery racing the first).
    /// </summary>
    public Task<bool> StoreAsync(InboundEvent inbound, Func<MissionsDbContext, CancellationToken, Task>? record, CancellationToken cancellationToken)
    {
        var pending = new Pending(inbound, record);
        if (!waiting.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The host is stopping; the delivery was not stored.");
        }

        return pending.Stored.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<Pending>(MaxGroup);
        // Deliveries already handed over are stored even while the host stops: their requests are waiting for them.
        while (await waiting.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (group.Count < MaxGroup && waiting.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            await StoreGroupAsync(group);
            group.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        waiting.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task StoreGroupAsync(List<Pending> group)
    {
        try
        {
            await WriteAsync(group);
            group.ForEach(p => p.Stored.TrySetResult(true));
        }
        catch (DbException) when (group.Count > 1)
        {
            // One of them was stored before (a redelivery): store them one by one to tell which.
            foreach (var pending in group)
            {
                await StoreGroupAsync([pending]);
            }
        }
        catch (DbException)
        {
            group[0].Stored.TrySetResult(false);
        }
        catch (Exception e)
        {
            LogStoreFailed(logger, e, group.Count);
            group.ForEach(p => p.Stored.TrySetException(e));
        }
    }

    private async Task WriteAsync(List<Pending> group)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        // Requests are waiting on these small writes for their answer: they go before new work (see WriteGate).
        await using var write = await db.BeginWriteAsync(CancellationToken.None, WriteOrder.Promised);
        foreach (var pending in group)
        {
            await Inbox.InsertAsync(db, pending.Inbound, CancellationToken.None);
            if (pending.Record is not null)
            {
                await pending.Record(db, CancellationToken.None);
            }
        }

        await write.CommitAsync(CancellationToken.None);
    }

    private sealed record Pending(InboundEvent Inbound, Func<MissionsDbContext, CancellationToken, Task>? Record)
    {
        public TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = 526, Level = LogLevel.Error, Message = "Storing {Count} inbound deliveries failed")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, int count);
}
