using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.Host.Data;

namespace Missions.Host.Runs;

/// <summary>
/// Executes queued runs, up to a limit at once on this host. A run is claimed with a lease in the database, so
/// several hosts can share one queue and each run is taken by one of them; the lease is renewed while the run
/// works, and a run whose host died is taken up again once its lease has run out. Only the host holding the lease
/// can finish a run (<see cref="RunExecutor"/> checks it in the finishing transaction), so a run's result, its
/// review prompt and the next task's run happen exactly once. A stopping host gives its runs back at once.
/// </summary>
public sealed partial class RunWorker(
    IServiceScopeFactory scopes,
    RunSignal signal,
    IOptions<RunOptions> options,
    TimeProvider clock,
    ILogger<RunWorker> logger) : BackgroundService
{
    private readonly string owner = Leases.NewOwner();
    private readonly ConcurrentDictionary<Guid, Task> running = new();
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> stops = new();
    private readonly RunOptions settings = options.Value;

    /// <summary>This host's name on the runs it holds (also written in each run's log).</summary>
    public string Owner => owner;

    /// <summary>
    /// Stops the run at once if this host is executing it (after its cancel has committed). A run on another host
    /// stops when that host next renews its lease and finds the run cancelled.
    /// </summary>
    public void StopLocal(Guid runId)
    {
        if (stops.TryGetValue(runId, out var stop))
        {
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It finished meanwhile.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (running.Count < settings.MaxConcurrent && await ClaimNextAsync(stoppingToken) is { } run)
                {
                    // The entry goes in before the run starts, so the run's own removal can never come first.
                    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    running[run.Id] = done.Task;
                    _ = Task.Run(() => ExecuteRunAsync(run, done, stoppingToken), CancellationToken.None);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLoopFailed(logger, e);
            }

            try
            {
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(running.Values);
    }

    private async Task ExecuteRunAsync(Run run, TaskCompletionSource done, CancellationToken stoppingToken)
    {
        using var stop = new CancellationTokenSource();
        stops[run.Id] = stop;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var executor = scope.ServiceProvider.GetRequiredService<RunExecutor>();
            await executor.ExecuteAsync(run, owner, stoppingToken, stop.Token);
        }
        catch (Exception e)
        {
            LogRunFailed(logger, e, run.Id);
        }
        finally
        {
            stops.TryRemove(run.Id, out _);
            running.TryRemove(run.Id, out _);
            done.TrySetResult();
            signal.Pulse();
        }
    }

    /// <summary>Takes the oldest run that is due: queued (and past its retry time), or running under an expired lease.</summary>
    private async Task<Run?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.Runs.AsNoTracking()
            .Where(r => (r.Status == RunStatus.Queued && (r.NextAttemptAt == null || r.NextAttemptAt <= now))
                || (r.Status == RunStatus.Running && r.LeaseExpiresAt < now))
            .OrderBy(r => r.QueuedAt).Take(8).ToListAsync(cancellationToken);
        foreach (var run in candidates)
        {
            if (running.ContainsKey(run.Id))
            {
                continue;
            }

            // A run found running under an expired lease lost its host: this is its next attempt.
            var attempt = run.Status == RunStatus.Running ? run.Attempt + 1 : run.Attempt;
            var until = now + settings.Lease;
            int claimed;
            await using (var write = await db.BeginWriteAsync(cancellationToken))
            {
                claimed = await db.Runs.Where(r => r.Id == run.Id && r.Version == run.Version)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(r => r.Status, RunStatus.Running)
                        .SetProperty(r => r.Attempt, attempt)
                        .SetProperty(r => r.LeaseOwner, owner)
                        .SetProperty(r => r.LeaseExpiresAt, until)
                        .SetProperty(r => r.StartedAt, now)
                        .SetProperty(r => r.NextAttemptAt, (DateTime?)null)
                        .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
                await write.CommitAsync(cancellationToken);
            }

            if (claimed == 1)
            {
                run.Status = RunStatus.Running;
                run.Attempt = attempt;
                run.LeaseOwner = owner;
                run.LeaseExpiresAt = until;
                run.StartedAt = now;
                run.Version++;
                return run;
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Error, Message = "The run loop failed; trying again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 601, Level = LogLevel.Error, Message = "Run {RunId} failed outside its own handling")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, Guid runId);
}
