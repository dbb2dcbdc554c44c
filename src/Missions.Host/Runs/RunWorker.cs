using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.Host.Data;

namespace Missions.Host.Runs;

/// <summary>
/// Executes queued runs, up to a limit at once on this host: each run is a lane of the <see cref="LaneWorker"/>. A
/// run is claimed with a lease in the database, so several hosts can share one queue and each run is taken by one of
/// them; the lease is renewed while the run works, and a run whose host died is taken up again once its lease has run
/// out. Only the host holding the lease can finish a run (<see cref="RunExecutor"/> checks it in the finishing
/// transaction), so a run's result, its review prompt and the next task's run happen exactly once. A stopping host
/// gives its runs back at once.
/// </summary>
public sealed class RunWorker(
    IServiceScopeFactory scopes,
    RunSignal signal,
    IOptions<RunOptions> options,
    TimeProvider clock,
    ILogger<RunWorker> logger) : LaneWorker(signal, clock, logger)
{
    private readonly string owner = Leases.NewOwner();
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> stops = new();
    private readonly RunOptions settings = options.Value;

    protected override TimeSpan PollInterval => settings.PollInterval;

    protected override int MaxLanes => settings.MaxConcurrent;

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

    /// <summary>The runs that are due, oldest first: queued (and past any retry time), or running under an expired lease.</summary>
    protected override async Task<IReadOnlyList<Guid>> DueLanesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        return await Due(db, now).OrderBy(r => r.QueuedAt).Select(r => r.Id).Take(64).ToListAsync(cancellationToken);
    }

    /// <summary>Claims the run and executes it; nothing when another host was quicker (or it is no longer due).</summary>
    protected override async Task DrainAsync(Guid lane, CancellationToken cancellationToken)
    {
        if (await ClaimAsync(lane, cancellationToken) is not { } run)
        {
            return;
        }

        using var stop = new CancellationTokenSource();
        stops[run.Id] = stop;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<RunExecutor>().ExecuteAsync(run, owner, cancellationToken, stop.Token);
        }
        finally
        {
            stops.TryRemove(run.Id, out _);
        }
    }

    private async Task<Run?> ClaimAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var run = await Due(db, now).SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is null)
        {
            return null;
        }

        // A run found running under an expired lease lost its host: this is its next attempt.
        var attempt = run.Status == RunStatus.Running ? run.Attempt + 1 : run.Attempt;
        await using var write = await db.BeginWriteAsync(cancellationToken);
        now = Clock.GetUtcNow().UtcDateTime;
        var until = now + settings.Lease;
        // Checked again in the update: a lease renewed since the run was read (a renewal leaves the version as it is) is not taken over.
        var claimed = await db.Runs.Where(r => r.Id == run.Id && r.Version == run.Version && (r.Status == RunStatus.Queued || r.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatus.Running)
                .SetProperty(r => r.Attempt, attempt)
                .SetProperty(r => r.LeaseOwner, owner)
                .SetProperty(r => r.LeaseExpiresAt, until)
                .SetProperty(r => r.StartedAt, now)
                .SetProperty(r => r.NextAttemptAt, (DateTime?)null)
                .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
        await write.CommitAsync(cancellationToken);
        if (claimed != 1)
        {
            return null;
        }

        run.Status = RunStatus.Running;
        run.Attempt = attempt;
        run.LeaseOwner = owner;
        run.LeaseExpiresAt = until;
        run.StartedAt = now;
        run.Version++;
        return run;
    }

    private static IQueryable<Run> Due(MissionsDbContext db, DateTime now) =>
        db.Runs.AsNoTracking().Where(r => (r.Status == RunStatus.Queued && (r.NextAttemptAt == null || r.NextAttemptAt <= now))
            || (r.Status == RunStatus.Running && r.LeaseExpiresAt < now));
}
