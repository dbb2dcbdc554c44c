using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Outbox;
using Missions.Host.Web;
using Missions.Host.Workspace;

namespace Missions.Host.Runs;

/// <summary>
/// Queues, cancels and retries runs, and takes review decisions. Each call joins the caller's write transaction
/// (or opens one), and what it shows in the conversation the mission came from — the run's progress card, the
/// review prompt and its decision — is written to the outbox in that same transaction, whoever made the change (chat,
/// the API, the board).
/// </summary>
public sealed class RunOperations(
    MissionsDbContext db,
    MissionOperations missions,
    ReviewGate reviews,
    RunViews views,
    RunCancellation cancellation,
    RunSignal signal,
    TimeProvider clock)
{
    public static bool IsActive(RunStatus status) => status is RunStatus.Queued or RunStatus.Running;

    /// <summary>A queued run, and whether this call queued it (false: it was already queued or under way).</summary>
    public sealed record Queued(Run Run, bool Created);

    /// <summary>Queues a run of the mission, or returns the run already queued or under way.</summary>
    public async Task<Queued> QueueAsync(long number, string trigger, Actor actor, CancellationToken cancellationToken) =>
        await QueueAsync(await missions.GetAsync(number, cancellationToken), trigger, actor, attempt: 1, cancellationToken);

    public async Task<Queued> QueueAsync(Mission mission, string trigger, Actor actor, int attempt, CancellationToken cancellationToken)
    {
        var label = Mission.FormatNumber(mission.Number);
        if (!MissionLifecycle.IsOpen(mission.Status))
        {
            throw DomainException.Conflict($"{label} is {MissionLifecycle.Describe(mission.Status)}; reopen it before running it again.", "mission-closed");
        }

        if (mission.Status == MissionStatus.Review && trigger != RunTriggers.ChangesRequested)
        {
            throw DomainException.Conflict($"{label} is waiting for review: approve it, or request changes to run it again.", "in-review");
        }

        if (await cancellation.ActiveAsync(mission.Id, cancellationToken) is { } active)
        {
            return new Queued(active, Created: false);
        }

        await using var scope = await db.BeginWriteAsync(cancellationToken);
        if (mission.Status != MissionStatus.InProgress)
        {
            // The progress card that follows tells the conversation; no separate notice of the move.
            mission = await missions.TransitionAsync(mission.Number, MissionStatus.InProgress, null, actor, $"Run queued ({trigger}).", cancellationToken, announce: false);
        }
        else
        {
            await ClaimAsync(mission, label, cancellationToken);
        }

        var task = await db.MissionTasks.AsNoTracking()
            .Where(t => t.MissionId == mission.Id && (t.Status == MissionTaskStatus.Pending || t.Status == MissionTaskStatus.Failed || t.Status == MissionTaskStatus.Running))
            .OrderBy(t => t.Position).FirstOrDefaultAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var run = new Run
        {
            Id = Guid.CreateVersion7(),
            MissionId = mission.Id,
            TaskId = task?.Id,
            StaffId = task?.StaffId ?? mission.AssigneeId,
            Trigger = trigger,
            Attempt = attempt,
            QueuedAt = now,
        };
        db.Runs.Add(run);
        db.ActivityEntries.Add(MissionOperations.Activity(mission.Id, actor, "run-queued", now, null, null, null,
            task is null ? $"Run queued ({trigger})." : $"Run queued for task “{task.Title}” ({trigger})."));
        await views.ProgressAsync(run, mission, new RunViews.RunStep([], null, 0), null, cancellationToken);
        db.AfterCommit(signal.Pulse);
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return new Queued(run, Created: true);
    }

    /// <summary>
    /// Starts a mission that runs by itself (auto-run) and has not run yet: it is in the backlog, with no run before.
    /// Null when it is not one to start now.
    /// </summary>
    public async Task<Queued?> StartByItselfAsync(Mission mission, Actor actor, CancellationToken cancellationToken)
    {
        if (!mission.AutoRun || mission.Status != MissionStatus.Backlog || await db.Runs.AnyAsync(r => r.MissionId == mission.Id, cancellationToken))
        {
            return null;
        }

        return await QueueAsync(mission, RunTriggers.AutoRun, actor, attempt: 1, cancellationToken);
    }

    /// <summary>
    /// Queues a replay: a run that checks the mission's latest result against its objective and reports what is
    /// missing or wrong. It moves nothing (a mission in review or done stays there) and needs a finished result.
    /// </summary>
    public async Task<Queued> ReplayAsync(long number, Actor actor, CancellationToken cancellationToken)
    {
        var mission = await missions.GetAsync(number, cancellationToken);
        var label = Mission.FormatNumber(number);
        if (mission.Status == MissionStatus.Cancelled)
        {
            throw DomainException.Conflict($"{label} is cancelled; there is nothing to replay.", "mission-closed");
        }

        if (await cancellation.ActiveAsync(mission.Id, cancellationToken) is { } active)
        {
            return new Queued(active, Created: false);
        }

        if (!await db.Runs.AnyAsync(r => r.MissionId == mission.Id && r.Status == RunStatus.Succeeded && r.Trigger != RunTriggers.Replay, cancellationToken))
        {
            throw DomainException.Conflict($"{label} has no finished result to check yet: run it first (run {label}).", "nothing-to-replay");
        }

        await using var scope = await db.BeginWriteAsync(cancellationToken);
        await ClaimAsync(mission, label, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var run = new Run { Id = Guid.CreateVersion7(), MissionId = mission.Id, StaffId = mission.AssigneeId, Trigger = RunTriggers.Replay, QueuedAt = now };
        db.Runs.Add(run);
        db.ActivityEntries.Add(MissionOperations.Activity(mission.Id, actor, "run-queued", now, null, null, null, "Replay queued: the latest result against the objective."));
        await views.ProgressAsync(run, mission, new RunViews.RunStep([], null, 0), null, cancellationToken);
        db.AfterCommit(signal.Pulse);
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return new Queued(run, Created: true);
    }

    /// <summary>Claims the mission's version, so two people pressing Run (or Replay) at once queue one run, not two.</summary>
    private async Task ClaimAsync(Mission mission, string label, CancellationToken cancellationToken)
    {
        var version = mission.Version + 1;
        var now = clock.GetUtcNow().UtcDateTime;
        var touched = await db.Missions.Where(m => m.Id == mission.Id && m.Version == mission.Version)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Version, version).SetProperty(m => m.UpdatedAt, now), cancellationToken);
        if (touched == 0)
        {
            throw DomainException.Conflict($"{label} changed while the run was being queued; try again.", "concurrent-change");
        }

        mission.Version = version;
    }

    /// <summary>Stops the mission's run: a queued run never starts, a running one stops at its next step.</summary>
    public async Task<Run> CancelAsync(long number, Actor actor, CancellationToken cancellationToken) =>
        await cancellation.StopActiveAsync(await missions.GetAsync(number, cancellationToken), actor, cancellationToken)
        ?? throw DomainException.NotFound($"No run of {Mission.FormatNumber(number)} is queued or under way.");

    /// <summary>Stops the run if it is queued or under way; the run as it ends up, and whether this call stopped it.</summary>
    public async Task<(Run Run, bool Stopped)> CancelAsync(Guid runId, Actor actor, CancellationToken cancellationToken)
    {
        var run = await GetAsync(runId, cancellationToken);
        var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == run.MissionId, cancellationToken);
        return IsActive(run.Status) ? await cancellation.StopAsync(run, mission, actor, cancellationToken) : (run, false);
    }

    /// <summary>Runs a failed run again, as its next attempt.</summary>
    public async Task<Run> RetryAsync(Guid runId, Actor actor, CancellationToken cancellationToken)
    {
        var failed = await GetAsync(runId, cancellationToken);
        if (failed.Status is not (RunStatus.Failed or RunStatus.Cancelled))
        {
            throw DomainException.Conflict("Only a failed or cancelled run can be retried.", "not-failed");
        }

        var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == failed.MissionId, cancellationToken);
        return (await QueueAsync(mission, RunTriggers.Retry, actor, failed.Attempt + 1, cancellationToken)).Run;
    }

    // ---- review -------------------------------------------------------------------------------------------------

    /// <summary>A review decision as the review prompt shows it, and whether this call made it (false: it was made before).</summary>
    public sealed record Review(ReviewView View, bool Decided);

    /// <summary>
    /// Approves a run's result: the mission is done (through the review gate, which records the decision on the run
    /// and shows it on the review prompt in place). A second click changes nothing and returns the decision.
    /// </summary>
    public async Task<Review> ApproveAsync(Guid runId, Actor actor, CancellationToken cancellationToken)
    {
        var (run, mission) = await ReviewableAsync(runId, actor, cancellationToken);
        if (run.ReviewOutcome is not null || mission.Status != MissionStatus.Review)
        {
            return new Review(await views.ReviewViewAsync(run, mission, cancellationToken), false);
        }

        await using var scope = await db.BeginWriteAsync(cancellationToken);
        try
        {
            // The review prompt shows the decision; no separate notice of the move.
            mission = await missions.TransitionAsync(mission.Number, MissionStatus.Done, mission.Version, actor, "Approved in review.", cancellationToken, announce: false);
        }
        catch (DomainException lost) when (lost.Kind == Refusal.Conflict)
        {
            // Decided (or changed) by someone else between our read and our write: show the run as it is now.
            var now = await GetAsync(runId, cancellationToken);
            return new Review(await views.ReviewViewAsync(now, await db.Missions.AsNoTracking().SingleAsync(m => m.Id == now.MissionId, cancellationToken), cancellationToken), false);
        }

        var decided = await GetAsync(runId, cancellationToken);
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return new Review(await views.ReviewViewAsync(decided, mission, cancellationToken), decided.ReviewOutcome == ReviewOutcome.Approved);
    }

    /// <summary>
    /// Sends a run's result back with a comment: the comment is kept, a new run starts with it, and the review prompt
    /// shows the decision in place. A second click changes nothing and returns the decision.
    /// </summary>
    public async Task<Review> RequestChangesAsync(Guid runId, string? comment, Actor actor, CancellationToken cancellationToken)
    {
        var text = MissionOperations.RequireText(comment, "changes", MissionOperations.MaxText);
        var (run, mission) = await ReviewableAsync(runId, actor, cancellationToken);
        if (run.ReviewOutcome is not null || mission.Status != MissionStatus.Review)
        {
            return new Review(await views.ReviewViewAsync(run, mission, cancellationToken), false);
        }

        await using var scope = await db.BeginWriteAsync(cancellationToken);
        if (!await reviews.DecideAsync(run, ReviewOutcome.ChangesRequested, actor, text, cancellationToken))
        {
            return new Review(await views.ReviewViewAsync(await GetAsync(runId, cancellationToken), mission, cancellationToken), false);
        }

        await missions.AddCommentAsync(mission.Number, "Changes requested: " + text, actor, cancellationToken);
        var shown = await views.ShowReviewAsync(run, mission, cancellationToken);
        await QueueAsync(mission, RunTriggers.ChangesRequested, actor, 1, cancellationToken);
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return new Review(shown ?? await views.ReviewViewAsync(run, mission, cancellationToken), true);
    }

    private async Task<(Run Run, Mission Mission)> ReviewableAsync(Guid runId, Actor actor, CancellationToken cancellationToken)
    {
        reviews.Demand(actor);

        var run = await GetAsync(runId, cancellationToken);
        if (run.Status != RunStatus.Succeeded)
        {
            throw DomainException.Conflict("Only a finished run's result can be reviewed.", "not-finished");
        }

        if (run.Trigger == RunTriggers.Replay)
        {
            throw DomainException.Conflict("A replay reports on a result; it is not itself reviewed.", "replay-not-reviewable");
        }

        var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == run.MissionId, cancellationToken);
        return (run, mission);
    }

    /// <summary>A run of a mission the caller sees (<see cref="MissionsDbContext.VisibleWorkspaces"/>); any other does not exist for them.</summary>
    public async Task<Run> GetAsync(Guid runId, CancellationToken cancellationToken) =>
        await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId && db.Missions.Any(m => m.Id == r.MissionId), cancellationToken)
        ?? throw DomainException.NotFound($"There is no run {runId}.");
}
