using System.Collections.Concurrent;

namespace Missions.Host.Data;

/// <summary>
/// A background worker that drains lanes (a conversation's queue, one run): each lane by one drain at a time, so its
/// items keep their order, and up to a limit of lanes at once. It looks for due lanes when signalled and at every poll
/// interval (another host may have written work); when a drain ends it looks again. On stop it waits for the
/// drains under way, which decide themselves how to end (finish, or give their claim back).
/// </summary>
public abstract partial class LaneWorker(WorkSignal signal, ILogger logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, Task> draining = new();

    protected abstract TimeSpan PollInterval { get; }

    protected abstract int MaxLanes { get; }

    /// <summary>Lanes with work that is due, oldest first.</summary>
    protected abstract Task<IReadOnlyList<Guid>> DueLanesAsync(CancellationToken cancellationToken);

    /// <summary>Works through one lane (a conversation, a run) until it is empty or its head must wait; true when it handled anything.</summary>
    protected abstract Task<bool> DrainAsync(Guid lane, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                StartLanes(await DueLanesAsync(stoppingToken), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLoopFailed(logger, e, GetType().Name);
            }

            try
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(draining.Values);
    }

    private void StartLanes(IReadOnlyList<Guid> due, CancellationToken cancellationToken)
    {
        foreach (var lane in due.Distinct())
        {
            if (draining.Count >= MaxLanes)
            {
                break;
            }

            // The entry goes in before the drain starts, so the drain's own removal can never come first.
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (draining.TryAdd(lane, done.Task))
            {
                _ = Task.Run(() => RunLaneAsync(lane, done, cancellationToken), CancellationToken.None);
            }
        }
    }

    private async Task RunLaneAsync(Guid lane, TaskCompletionSource done, CancellationToken cancellationToken)
    {
        var progressed = false;
        try
        {
            progressed = await DrainAsync(lane, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDrainFailed(logger, e, GetType().Name, lane);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            draining.TryRemove(lane, out _);
            done.TrySetResult();
            if (progressed)
            {
                // Work done may have made more work due; a lane that only found its head waiting looks again at the next poll.
                signal.Pulse();
            }
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "The {Worker} loop failed; trying again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string worker);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "{Worker}: draining lane {Lane} failed")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception, string worker, Guid lane);
}
