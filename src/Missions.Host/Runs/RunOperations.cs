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
/// review prompt — is written to the outbox in that same transaction.
/// </summary>
public sealed class RunOperations(
    MissionsDbContext db,
    MissionOperations missions,
    ApproverPolicy reviewers,
    ArtifactLinks links,
    RunSignal signal,
    OutboxSignal outbox,
    RunWorker worker,
    TimeProvider clock)
{
    public const string RunVerb = "mission.run";
    public const string RetryVerb = "run.retry";
    public const string CancelVerb = "run.cancel";
    public const string ApproveVerb = "review.approve";
    public const string ChangesVerb = "review.changes";

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
            throw ProblemException.Conflict($"{label} is {MissionLifecycle.Describe(mission.Status)}; reopen it before running it again.", "mission-closed");
        }

        if (mission.Status == MissionStatus.Review && trigger != RunTriggers.ChangesRequested)
        {
            throw ProblemException.Conflict($"{label} is waiting for review: approve it, or request changes to run it again.", "in-review");
        }

        if (await ActiveAsync(mission.Id, cancellationToken) is { } active)
        {
            return new Queued(active, Created: false);
        }

        await using var scope = await db.BeginWriteAsync(cancellationToken);
        if (mission.Status != MissionStatus.InProgress)
        {
            mission = await missions.TransitionAsync(mission.Number, MissionStatus.InProgress, null, actor, $"Run queued ({trigger}).", cancellationToken);
        }
        else
        {
            // Claim the mission's version, so two people pressing Run at once queue one run, not two.
            var version = mission.Version + 1;
            var now0 = clock.GetUtcNow().UtcDateTime;
            var touched = await db.Missions.Where(m => m.Id == mission.Id && m.Version == mission.Version)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Version, version).SetProperty(m => m.UpdatedAt, now0), cancellationToken);
            if (touched == 0)
            {
                throw ProblemException.Conflict($"{label} changed while the run was being queued; try again.", "concurrent-change");
            }

            mission.Version = version;
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
        await ProgressAsync(run, mission, new RunStep([], null, 0), null, cancellationToken);
        db.AfterCommit(signal.Pulse);
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return new Queued(run, Created: true);
    }

    /// <summary>The mission's run that is queued or under way, if any (there is at most one).</summary>
    private Task<Run?> ActiveAsync(Guid missionId, CancellationToken cancellationToken) =>
        db.Runs.AsNoTracking().Where(r => r.MissionId == missionId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>Stops the mission's run: a queued run never starts, a running one stops at its next step.</summary>
    public async Task<Run> CancelAsync(long number, Actor actor, CancellationToken cancellationToken) =>
        await StopActiveAsync(number, actor, cancellationToken)
        ?? throw ProblemException.NotFound($"No run of {Mission.FormatNumber(number)} is queued or under way.");

    /// <summary>Stops the mission's run if it has one queued or under way (a mission being cancelled, say); null if not.</summary>
    public async Task<Run?> StopActiveAsync(long number, Actor actor, CancellationToken cancellationToken)
    {
        var mission = await missions.GetAsync(number, cancellationToken);
        return await ActiveAsync(mission.Id, cancellationToken) is { } run ? await CancelAsync(run, mission, actor, cancellationToken) : null;
    }

    public async Task<Run> CancelAsync(Guid runId, Actor actor, CancellationToken cancellationToken)
    {
        var run = await GetAsync(runId, cancellationToken);
        var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == run.MissionId, cancellationToken);
        return IsActive(run.Status) ? await CancelAsync(run, mission, actor, cancellationToken) : run;
    }

    private async Task<Run> CancelAsync(Run run, Mission mission, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var why = $"Cancelled by {actor.Name}.";
        await using var scope = await db.BeginWriteAsync(cancellationToken);
        var cancelled = await db.Runs.Where(r => r.Id == run.Id && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatus.Cancelled)
                .SetProperty(r => r.Error, why)
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.LeaseOwner, (string?)null)
                .SetProperty(r => r.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
        if (cancelled == 0)
        {
            return await GetAsync(run.Id, cancellationToken); // it finished first
        }

        run.Status = RunStatus.Cancelled;
        run.Error = why;
        run.FinishedAt = now;
        db.RunLogEntries.Add(new RunLogEntry { RunId = run.Id, At = now, Level = RunLogLevel.Warning, Step = "Cancelled", Text = why });
        db.ActivityEntries.Add(MissionOperations.Activity(mission.Id, actor, "run-cancelled", now, null, null, null, why));
        await ProgressAsync(run, mission, await StepsOfAsync(run.Id, cancellationToken), why, cancellationToken);
        db.AfterCommit(() => worker.StopLocal(run.Id));
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return run;
    }

    /// <summary>Runs a failed run again, as its next attempt.</summary>
    public async Task<Run> RetryAsync(Guid runId, Actor actor, CancellationToken cancellationToken)
    {
        var failed = await GetAsync(runId, cancellationToken);
        if (failed.Status is not (RunStatus.Failed or RunStatus.Cancelled))
        {
            throw ProblemException.Conflict("Only a failed or cancelled run can be retried.", "not-failed");
        }

        var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == failed.MissionId, cancellationToken);
        return (await QueueAsync(mission, RunTriggers.Retry, actor, failed.Attempt + 1, cancellationToken)).Run;
    }

    // ---- review -------------------------------------------------------------------------------------------------

    /// <summary>Approves a run's result: the mission is done. A second click shows the decision and changes nothing.</summary>
    public async Task<ReviewView> ApproveAsync(Guid runId, Actor actor, CancellationToken cancellationToken)
    {
        var (run, mission) = await ReviewableAsync(runId, actor, cancellationToken);
        if (run.ReviewOutcome is not null || mission.Status != MissionStatus.Review)
        {
            return await ReviewViewAsync(run, mission, cancellationToken);
        }

        await using var scope = await db.BeginWriteAsync(cancellationToken);
        if (!await DecideAsync(run, ReviewOutcome.Approved, actor, null, cancellationToken))
        {
            return await ReviewViewAsync(await GetAsync(runId, cancellationToken), mission, cancellationToken);
        }

        mission = await missions.TransitionAsync(mission.Number, MissionStatus.Done, null, actor, "Approved in review.", cancellationToken);
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return await ReviewViewAsync(run, mission, cancellationToken);
    }

    /// <summary>
    /// Sends a run's result back with a comment: the comment is kept and a new run starts with it. A second click
    /// shows the decision and changes nothing.
    /// </summary>
    public async Task<ReviewView> RequestChangesAsync(Guid runId, string? comment, Actor actor, CancellationToken cancellationToken)
    {
        var text = MissionOperations.RequireText(comment, "changes", MissionOperations.MaxText);
        var (run, mission) = await ReviewableAsync(runId, actor, cancellationToken);
        if (run.ReviewOutcome is not null || mission.Status != MissionStatus.Review)
        {
            return await ReviewViewAsync(run, mission, cancellationToken);
        }

        await using var scope = await db.BeginWriteAsync(cancellationToken);
        if (!await DecideAsync(run, ReviewOutcome.ChangesRequested, actor, text, cancellationToken))
        {
            return await ReviewViewAsync(await GetAsync(runId, cancellationToken), mission, cancellationToken);
        }

        await missions.AddCommentAsync(mission.Number, "Changes requested: " + text, actor, cancellationToken);
        await QueueAsync(mission, RunTriggers.ChangesRequested, actor, 1, cancellationToken);
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return await ReviewViewAsync(run, mission, cancellationToken);
    }

    private async Task<(Run Run, Mission Mission)> ReviewableAsync(Guid runId, Actor actor, CancellationToken cancellationToken)
    {
        if (!reviewers.MayDecide(actor))
        {
            throw ProblemException.Forbidden($"{actor.Name} may not review results here; ask one of the reviewers.");
        }

        var run = await GetAsync(runId, cancellationToken);
        if (run.Status != RunStatus.Succeeded)
        {
            throw ProblemException.Conflict("Only a finished run's result can be reviewed.", "not-finished");
        }

        var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == run.MissionId, cancellationToken);
        return (run, mission);
    }

    private async Task<bool> DecideAsync(Run run, ReviewOutcome outcome, Actor actor, string? comment, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var won = await db.Runs.Where(r => r.Id == run.Id && r.ReviewOutcome == null && r.Version == run.Version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.ReviewOutcome, outcome)
                .SetProperty(r => r.ReviewedByName, actor.Name)
                .SetProperty(r => r.ReviewedAt, now)
                .SetProperty(r => r.ReviewComment, comment)
                .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
        if (won == 0)
        {
            return false;
        }

        run.ReviewOutcome = outcome;
        run.ReviewedByName = actor.Name;
        run.ReviewedAt = now;
        run.ReviewComment = comment;
        run.Version++;
        db.ActivityEntries.Add(MissionOperations.Activity(run.MissionId, actor, outcome == ReviewOutcome.Approved ? "review-approved" : "changes-requested", now, null, null, null, comment));
        return true;
    }

    public async Task<Run> GetAsync(Guid runId, CancellationToken cancellationToken) =>
        await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, cancellationToken)
        ?? throw ProblemException.NotFound($"There is no run {runId}.");

    // ---- views --------------------------------------------------------------------------------------------------

    /// <summary>Where a run has got to: the steps done, the one under way, how many there are.</summary>
    public sealed record RunStep(IReadOnlyList<string> Done, string? Current, int Total);

    /// <summary>Writes the run's progress card (throttled per conversation) into the open transaction.</summary>
    public async Task ProgressAsync(Run run, Mission mission, RunStep step, string? note, CancellationToken cancellationToken)
    {
        if (mission.ConversationReferenceId is not { } conversation
            || !await db.ConversationReferences.AsNoTracking().AnyAsync(c => c.Id == conversation && c.ClosedAt == null, cancellationToken))
        {
            return;
        }

        var view = await ProgressViewAsync(run, mission, step, note, cancellationToken);
        await OutboxWriter.ProgressAsync(db, conversation, view, clock.GetUtcNow().UtcDateTime, cancellationToken);
        db.AfterCommit(outbox.Pulse);
    }

    public async Task<RunProgressView> ProgressViewAsync(Run run, Mission mission, RunStep step, string? note, CancellationToken cancellationToken)
    {
        var staff = await StaffNameAsync(run.StaffId, cancellationToken);
        var task = run.TaskId is null ? null : await db.MissionTasks.AsNoTracking().Where(t => t.Id == run.TaskId).Select(t => t.Title).SingleOrDefaultAsync(cancellationToken);
        return new RunProgressView(run.Id, Mission.FormatNumber(mission.Number), mission.Title, task, staff, run.Status, run.Attempt,
            step.Done, step.Current, step.Total, run.Status == RunStatus.Failed ? run.Error : null, note, run.StartedAt, run.FinishedAt);
    }

    /// <summary>The steps a run has logged so far (for a card written outside the worker).</summary>
    public async Task<RunStep> StepsOfAsync(Guid runId, CancellationToken cancellationToken)
    {
        var steps = await db.RunLogEntries.AsNoTracking().Where(l => l.RunId == runId && l.Level == RunLogLevel.Info && l.Text == StepStarted)
            .OrderBy(l => l.Id).Select(l => l.Step).ToListAsync(cancellationToken);
        return new RunStep(steps, null, steps.Count);
    }

    /// <summary>The log text of a step's first entry.</summary>
    public const string StepStarted = "Step started.";

    public async Task<ReviewView> ReviewViewAsync(Run run, Mission mission, CancellationToken cancellationToken)
    {
        return new ReviewView(run.Id, Mission.FormatNumber(mission.Number), mission.Title, await StaffNameAsync(run.StaffId, cancellationToken),
            run.Summary ?? "", await LinksOfAsync(run.Id, cancellationToken), run.ReviewOutcome, run.ReviewedByName, run.ReviewedAt, run.ReviewComment);
    }

    /// <summary>Fresh signed links to a run's artifacts, by name.</summary>
    private async Task<List<ArtifactLink>> LinksOfAsync(Guid runId, CancellationToken cancellationToken)
    {
        var found = new List<ArtifactLink>();
        foreach (var a in await db.Artifacts.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Name).ToListAsync(cancellationToken))
        {
            found.Add(new ArtifactLink(a.Name, a.ContentType, a.Size, await links.UrlForAsync(a.Id, cancellationToken)));
        }

        return found;
    }

    /// <summary>The mission's latest run in a line, and fresh links to the artifacts of its latest finished run.</summary>
    public async Task<(string? LatestRun, IReadOnlyList<ArtifactLink> Artifacts)> LatestAsync(Guid missionId, CancellationToken cancellationToken)
    {
        var latest = await db.Runs.AsNoTracking().Where(r => r.MissionId == missionId).OrderByDescending(r => r.QueuedAt).FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return (null, []);
        }

        var line = latest.Status switch
        {
            RunStatus.Queued => $"queued (attempt {latest.Attempt})",
            RunStatus.Running => $"under way (attempt {latest.Attempt})",
            RunStatus.Succeeded => $"finished {latest.FinishedAt:d MMM HH:mm} UTC" + (latest.ReviewOutcome is { } o ? (o == ReviewOutcome.Approved ? ", approved" : ", changes requested") : ", waiting for review"),
            RunStatus.Failed => $"failed: {latest.Error}",
            _ => "cancelled",
        };
        var finished = await db.Runs.AsNoTracking().Where(r => r.MissionId == missionId && r.Status == RunStatus.Succeeded)
            .OrderByDescending(r => r.FinishedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        return (line, finished is { } runId ? await LinksOfAsync(runId, cancellationToken) : []);
    }

    private async Task<string> StaffNameAsync(Guid? staffId, CancellationToken cancellationToken) =>
        staffId is null ? "Unassigned staff"
            : await db.Staff.AsNoTracking().Where(s => s.Id == staffId).Select(s => s.Name).SingleOrDefaultAsync(cancellationToken) ?? "Unassigned staff";
}
