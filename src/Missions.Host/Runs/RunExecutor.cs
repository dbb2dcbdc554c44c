using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.Host.Data;
using Missions.Host.Missions;

namespace Missions.Host.Runs;

/// <summary>Thrown when this host no longer holds the run (cancelled, or its lease ran out and another host took it).</summary>
public sealed class RunLostException(Guid runId) : Exception($"Run {runId} is no longer held by this host.");

/// <summary>
/// One run, start to finish, on the host holding its lease: the context, the agent's steps (each logged and shown
/// on the progress card), the artifacts, and the finishing transaction — the run's result, its artifacts, the task
/// done, then either the next task's run or the mission in review with a review prompt. Every write that matters is
/// conditional on still holding the lease, so a run taken over by another host cannot finish twice.
/// </summary>
public sealed partial class RunExecutor(
    MissionsDbContext db,
    IServiceScopeFactory scopes,
    RunOperations runs,
    RunViews views,
    MissionOperations missions,
    ContextAssembler assembler,
    IStaffAgent agent,
    IContentStore content,
    IOptions<RunOptions> options,
    TimeProvider clock,
    Diagnostics.MissionsTelemetry telemetry,
    ILogger<RunExecutor> logger)
{
    private readonly RunOptions settings = options.Value;

    /// <param name="stopping">The host is stopping: the run is given back.</param>
    /// <param name="cancelled">The run was cancelled (here): it just stops.</param>
    public async Task ExecuteAsync(Run run, string owner, CancellationToken stopping, CancellationToken cancelled = default)
    {
        using var span = Diagnostics.MissionsTelemetry.Source.StartActivity("missions.run");
        span?.SetTag("missions.run.trigger", run.Trigger);
        span?.SetTag("missions.run.attempt", run.Attempt);
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancelled);
        using var renewing = new CancellationTokenSource();
        var renewal = Leases.KeepAsync(settings.Lease, clock, async stop =>
        {
            await using var scope = scopes.CreateAsyncScope();
            return await RenewLeaseAsync(scope.ServiceProvider.GetRequiredService<MissionsDbContext>(), run.Id, owner, stop);
        }, lost.Cancel, e => LogRenewalFailed(logger, e, run.Id), renewing.Token);
        var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == run.MissionId, CancellationToken.None);
        var progress = new StepReporter(this, db, views, clock, run, mission, owner);
        try
        {
            // A replay checks a result wherever the mission stands, unless it was cancelled; work needs an open mission.
            var startable = run.Trigger == RunTriggers.Replay
                ? mission.Status != MissionStatus.Cancelled
                : MissionLifecycle.IsOpen(mission.Status) && mission.Status != MissionStatus.Review;
            if (!startable)
            {
                await StopAsync(run, owner, RunStatus.Cancelled, $"The mission is {MissionLifecycle.Describe(mission.Status)}; the run was not started.", CancellationToken.None);
                return;
            }

            await progress.LogAsync(RunLogLevel.Info, "Started", $"Attempt {run.Attempt} ({run.Trigger}) on {owner}.", lost.Token);
            var assembled = await assembler.AssembleAsync(run, lost.Token);
            foreach (var document in assembled.Read)
            {
                await progress.LogAsync(RunLogLevel.Info, "Context", "Read " + document, lost.Token);
            }

            foreach (var document in assembled.Unread)
            {
                await progress.LogAsync(RunLogLevel.Warning, "Context", "Not read: " + document, lost.Token);
            }

            foreach (var cut in assembled.Cuts)
            {
                await progress.LogAsync(RunLogLevel.Warning, "Context", "Cut to fit the context budget: " + cut, lost.Token);
            }

            var result = await agent.ExecuteAsync(assembled.Context, progress, lost.Token);
            var stored = new List<(AgentArtifact Artifact, StoredContent Stored)>();
            for (var i = 0; i < result.Artifacts.Count; i++)
            {
                var artifact = result.Artifacts[i];
                // The key is fixed per run and name: a run done again after a crash overwrites, never leaves strays.
                var key = $"artifacts/{run.Id:N}/{i}-{SafeName(artifact.Name)}";
                stored.Add((artifact, await content.SaveAsync(key, new MemoryStream(artifact.Content), lost.Token)));
            }

            await FinishAsync(run, mission, owner, result, stored, progress.Done, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping: give the run back at once, so the next host need not wait out the lease.
            await ReleaseAsync(run, owner);
        }
        catch (Exception e) when (e is RunLostException || (e is OperationCanceledException && lost.IsCancellationRequested))
        {
            LogLost(logger, run.Id);
        }
        catch (Exception e)
        {
            await FailAsync(run, mission, owner, e, progress.Done);
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
        }
    }

    private async Task<bool> RenewLeaseAsync(MissionsDbContext context, Guid runId, string owner, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow().UtcDateTime + settings.Lease;
        await using var write = await context.BeginWriteAsync(cancellationToken);
        var renewed = await context.Runs.Where(r => r.Id == runId && r.LeaseOwner == owner && r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAt, until), cancellationToken);
        await write.CommitAsync(cancellationToken);
        return renewed == 1;
    }

    /// <summary>
    /// Reports the agent's steps: a log entry and the progress card, written only while this host holds the run. A
    /// step that comes less than <see cref="StepSpacing"/> after the last one written waits to be written with the
    /// next (or with the run's end): nobody can read steps that fast, the conversation sees progress at most every
    /// two seconds anyway, and a quick run is not a transaction per step.
    /// </summary>
    private sealed class StepReporter(RunExecutor executor, MissionsDbContext db, RunViews views, TimeProvider clock, Run run, Mission mission, string owner) : IRunProgress
    {
        public static readonly TimeSpan StepSpacing = TimeSpan.FromMilliseconds(500);

        private readonly List<string> done = [];
        private string? current;
        private int total;
        private DateTime? written;

        public RunViews.RunStep Done => new(current is null ? done : [.. done, current], null, total);

        public async Task StepAsync(string name, int index, int total, CancellationToken cancellationToken)
        {
            if (current is not null)
            {
                done.Add(current);
            }

            current = name;
            this.total = total;
            var now = clock.GetUtcNow().UtcDateTime;
            db.RunLogEntries.Add(new RunLogEntry { RunId = run.Id, At = now, Level = RunLogLevel.Info, Step = name, Text = RunViews.StepStarted });
            if (written is { } last && now - last < StepSpacing)
            {
                return;
            }

            await using var scope = await db.BeginWriteAsync(cancellationToken);
            if (!await executor.RenewLeaseAsync(db, run.Id, owner, cancellationToken))
            {
                throw new RunLostException(run.Id);
            }

            await views.ProgressAsync(run, mission, new RunViews.RunStep(done, name, total), null, cancellationToken);
            await scope.SaveAndCommitAsync(db, cancellationToken);
            written = now;
        }

        public async Task LogAsync(RunLogLevel level, string name, string text, CancellationToken cancellationToken)
        {
            db.RunLogEntries.Add(new RunLogEntry
            {
                RunId = run.Id,
                At = clock.GetUtcNow().UtcDateTime,
                Level = level,
                Step = Trim(name, MissionsDbContext.NameLength),
                Text = Trim(text, 4000),
            });
            if (level < RunLogLevel.Warning)
            {
                return; // written with the run's next step or its end: one transaction fewer per note
            }

            await using var scope = await db.BeginWriteAsync(cancellationToken);
            await scope.SaveAndCommitAsync(db, cancellationToken);
        }
    }

    private async Task FinishAsync(Run run, Mission mission, string owner, AgentResult result, List<(AgentArtifact Artifact, StoredContent Stored)> stored,
        RunViews.RunStep steps, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var summary = Trim(result.Summary, 4000);
        await using var scope = await db.BeginWriteAsync(cancellationToken);
        var won = await db.Runs.Where(r => r.Id == run.Id && r.LeaseOwner == owner && r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatus.Succeeded)
                .SetProperty(r => r.Summary, summary)
                .SetProperty(r => r.Error, (string?)null)
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.InputTokens, result.InputTokens)
                .SetProperty(r => r.OutputTokens, result.OutputTokens)
                .SetProperty(r => r.LeaseOwner, (string?)null)
                .SetProperty(r => r.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
        if (won == 0)
        {
            throw new RunLostException(run.Id);
        }

        db.AfterCommit(() => telemetry.Run("succeeded", run.Trigger));
        run.Status = RunStatus.Succeeded;
        run.Summary = summary;
        run.FinishedAt = now;
        run.Version++;
        foreach (var (artifact, saved) in stored)
        {
            db.Artifacts.Add(new Artifact
            {
                Id = Guid.CreateVersion7(),
                MissionId = run.MissionId,
                RunId = run.Id,
                Name = Trim(artifact.Name, MissionsDbContext.NameLength),
                ContentType = artifact.ContentType,
                Size = saved.Size,
                Sha256 = saved.Sha256,
                StorageKey = saved.Key,
                CreatedAt = now,
            });
        }

        if (run.TaskId is { } taskId)
        {
            await db.MissionTasks.Where(t => t.Id == taskId).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, MissionTaskStatus.Done).SetProperty(t => t.UpdatedAt, now).SetProperty(t => t.Version, t => t.Version + 1), cancellationToken);
        }

        var staff = await StaffActorAsync(run.StaffId, cancellationToken);
        db.RunLogEntries.Add(new RunLogEntry { RunId = run.Id, At = now, Level = RunLogLevel.Info, Step = "Finished", Text = summary });
        db.ActivityEntries.Add(MissionOperations.Activity(run.MissionId, staff, "run-succeeded", now, null, null, null, summary));
        await db.SaveChangesAsync(cancellationToken);

        var current = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == mission.Id, cancellationToken);
        await views.ProgressAsync(run, current, steps, null, cancellationToken);
        if (run.Trigger == RunTriggers.Replay)
        {
            // The gap report, in the review prompt's shape without its decision; the mission stays where it is.
            await views.ShowReviewAsync(run, current, cancellationToken);
            await scope.SaveAndCommitAsync(db, cancellationToken);
            return;
        }

        var moreTasks = await db.MissionTasks.AnyAsync(t => t.MissionId == mission.Id && t.Status == MissionTaskStatus.Pending, cancellationToken);
        if (current.Status == MissionStatus.InProgress && moreTasks)
        {
            await runs.QueueAsync(current, RunTriggers.NextTask, staff, 1, cancellationToken);
        }
        else if (current.Status == MissionStatus.InProgress)
        {
            // The review prompt tells the conversation; no separate notice of the move.
            current = await missions.TransitionAsync(current.Number, MissionStatus.Review, null, staff, "The run finished; its result waits for review.", cancellationToken, announce: false);
            await views.ShowReviewAsync(run, current, cancellationToken);
        }

        await scope.SaveAndCommitAsync(db, cancellationToken);
    }

    private async Task FailAsync(Run run, Mission mission, string owner, Exception error, RunViews.RunStep steps)
    {
        var transient = error is TransientRunException or TimeoutException or HttpRequestException or IOException;
        var reason = Trim(error.Message, 2000);
        var now = clock.GetUtcNow().UtcDateTime;
        LogAttemptFailed(logger, error, run.Id, run.Attempt);
        try
        {
            await using var scope = await db.BeginWriteAsync(CancellationToken.None);
            // Start clean after whatever failed, but keep the log notes not yet written.
            var notes = db.ChangeTracker.Entries<RunLogEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
            db.ChangeTracker.Clear();
            db.RunLogEntries.AddRange(notes);
            if (transient && run.Attempt < settings.MaxAttempts)
            {
                var wait = settings.RetryDelay * Math.Pow(2, run.Attempt - 1);
                var next = now + wait;
                var attempt = run.Attempt + 1;
                if (await Held(run, owner).ExecuteUpdateAsync(s => s
                        .SetProperty(r => r.Status, RunStatus.Queued)
                        .SetProperty(r => r.Attempt, attempt)
                        .SetProperty(r => r.NextAttemptAt, next)
                        .SetProperty(r => r.Error, reason)
                        .SetProperty(r => r.LeaseOwner, (string?)null)
                        .SetProperty(r => r.LeaseExpiresAt, (DateTime?)null)
                        .SetProperty(r => r.Version, r => r.Version + 1)) == 0)
                {
                    return;
                }

                run.Status = RunStatus.Queued;
                db.AfterCommit(() => telemetry.Run("retrying", run.Trigger));
                db.RunLogEntries.Add(new RunLogEntry { RunId = run.Id, At = now, Level = RunLogLevel.Warning, Step = "Failed", Text = $"Attempt {run.Attempt} failed: {reason} Trying again in {wait.TotalSeconds:0} s." });
                await views.ProgressAsync(run, mission, steps, $"Attempt {run.Attempt} failed ({reason}); trying again in {wait.TotalSeconds:0} s.", CancellationToken.None);
            }
            else
            {
                if (!await EndHeldAsync(run, owner, RunStatus.Failed, reason, now, CancellationToken.None))
                {
                    return;
                }

                run.Status = RunStatus.Failed;
                db.AfterCommit(() => telemetry.Run("failed", run.Trigger));
                run.Error = reason;
                run.FinishedAt = now;
                if (run.TaskId is { } taskId)
                {
                    await db.MissionTasks.Where(t => t.Id == taskId).ExecuteUpdateAsync(s => s
                        .SetProperty(t => t.Status, MissionTaskStatus.Failed).SetProperty(t => t.UpdatedAt, now).SetProperty(t => t.Version, t => t.Version + 1));
                }

                db.RunLogEntries.Add(new RunLogEntry { RunId = run.Id, At = now, Level = RunLogLevel.Error, Step = "Failed", Text = reason });
                db.ActivityEntries.Add(MissionOperations.Activity(run.MissionId, Actor.System, "run-failed", now, null, null, null, reason));
                await views.ProgressAsync(run, mission, steps, null, CancellationToken.None);
            }

            await scope.SaveAndCommitAsync(db, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogRecordFailed(logger, e, run.Id); // the lease runs out and the run is taken up again
        }
    }

    private async Task StopAsync(Run run, string owner, RunStatus status, string why, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = await db.BeginWriteAsync(cancellationToken);
        await EndHeldAsync(run, owner, status, why, now, cancellationToken);
        db.RunLogEntries.Add(new RunLogEntry { RunId = run.Id, At = now, Level = RunLogLevel.Warning, Step = "Stopped", Text = why });
        await scope.SaveAndCommitAsync(db, cancellationToken);
    }

    private async Task ReleaseAsync(Run run, string owner)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
            await using var write = await context.BeginWriteAsync(CancellationToken.None);
            await context.Runs.Where(r => r.Id == run.Id && r.LeaseOwner == owner && r.Status == RunStatus.Running)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RunStatus.Queued)
                    .SetProperty(r => r.LeaseOwner, (string?)null)
                    .SetProperty(r => r.LeaseExpiresAt, (DateTime?)null)
                    .SetProperty(r => r.Version, r => r.Version + 1));
            await write.CommitAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogRecordFailed(logger, e, run.Id); // the lease runs out instead
        }
    }

    /// <summary>Ends a run this host holds (failed, cancelled), giving up its lease; false when the host no longer held it.</summary>
    private async Task<bool> EndHeldAsync(Run run, string owner, RunStatus status, string why, DateTime now, CancellationToken cancellationToken) =>
        await Held(run, owner).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, status)
            .SetProperty(r => r.Error, why)
            .SetProperty(r => r.FinishedAt, now)
            .SetProperty(r => r.LeaseOwner, (string?)null)
            .SetProperty(r => r.LeaseExpiresAt, (DateTime?)null)
            .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken) == 1;

    private IQueryable<Run> Held(Run run, string owner) =>
        db.Runs.Where(r => r.Id == run.Id && r.LeaseOwner == owner && r.Status == RunStatus.Running);

    private async Task<Actor> StaffActorAsync(Guid? staffId, CancellationToken cancellationToken)
    {
        var name = staffId is null ? null : await db.Staff.AsNoTracking().Where(s => s.Id == staffId).Select(s => s.Name).SingleOrDefaultAsync(cancellationToken);
        return name is null ? Actor.System : new Actor($"staff:{staffId:N}", name, ActorKind.Staff);
    }

    private static string SafeName(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).Trim('.');
        return safe.Length == 0 ? "artifact" : safe.Length > 100 ? safe[^100..] : safe;
    }

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Run {RunId} stopped here: it was cancelled or another host holds it")]
    private static partial void LogLost(ILogger logger, Guid runId);

    [LoggerMessage(EventId = 611, Level = LogLevel.Warning, Message = "Renewing the lease of run {RunId} failed; trying again")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception, Guid runId);

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "Run {RunId} attempt {Attempt} failed")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, Guid runId, int attempt);

    [LoggerMessage(EventId = 613, Level = LogLevel.Error, Message = "Recording the outcome of run {RunId} failed; its lease will run out and it will be taken up again")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, Guid runId);
}
