using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Outbox;
using Missions.Host.Web;

namespace Missions.Host.Runs;

/// <summary>
/// Runs as the conversation sees them: the progress card (one per run, updated in place), the review prompt, the
/// mission's latest run in a line, and fresh signed links to artifacts.
/// </summary>
public sealed class RunViews(MissionsDbContext db, ArtifactLinks links, PublicAddress address, ConversationOutbox outbox)
{
    /// <summary>The log text of a step's first entry.</summary>
    public const string StepStarted = "Step started.";

    /// <summary>Where a run has got to: the steps done, the one under way, how many there are.</summary>
    public sealed record RunStep(IReadOnlyList<string> Done, string? Current, int Total);

    /// <summary>Writes the run's progress card (spaced out per conversation) into the open transaction.</summary>
    public async Task ProgressAsync(Run run, Mission mission, RunStep step, string? note, CancellationToken cancellationToken)
    {
        if (mission.ConversationReferenceId is { } conversation)
        {
            await outbox.ProgressAsync(conversation, await ProgressViewAsync(run, mission, step, note, cancellationToken), cancellationToken);
        }
    }

    public async Task<RunProgressView> ProgressViewAsync(Run run, Mission mission, RunStep step, string? note, CancellationToken cancellationToken)
    {
        var staff = await StaffNameAsync(run.StaffId, cancellationToken);
        var task = run.TaskId is null ? null : await db.MissionTasks.AsNoTracking().Where(t => t.Id == run.TaskId).Select(t => t.Title).SingleOrDefaultAsync(cancellationToken);
        return new RunProgressView(run.Id, Mission.FormatNumber(mission.Number), mission.Title, task, staff, run.Status, run.Attempt,
            step.Done, step.Current, step.Total, run.Status == RunStatus.Failed ? run.Error : null, note, run.StartedAt, run.FinishedAt,
            run.Trigger == RunTriggers.Replay);
    }

    /// <summary>The steps a run has logged so far (for a card written outside the worker).</summary>
    public async Task<RunStep> StepsOfAsync(Guid runId, CancellationToken cancellationToken)
    {
        var steps = await db.RunLogEntries.AsNoTracking().Where(l => l.RunId == runId && l.Level == RunLogLevel.Info && l.Text == StepStarted)
            .OrderBy(l => l.Id).Select(l => l.Step).ToListAsync(cancellationToken);
        return new RunStep(steps, null, steps.Count);
    }

    public async Task<ReviewView> ReviewViewAsync(Run run, Mission mission, CancellationToken cancellationToken) =>
        new(run.Id, Mission.FormatNumber(mission.Number), mission.Title, await StaffNameAsync(run.StaffId, cancellationToken),
            run.Summary ?? "", await LinksOfAsync(run.Id, cancellationToken), run.ReviewOutcome, run.ReviewedByName, run.ReviewedAt, run.ReviewComment,
            address.Mission(mission.Number), run.Trigger == RunTriggers.Replay);

    /// <summary>
    /// Shows the review prompt (or its decision, in place of the prompt) in the mission's conversation, if it has one;
    /// the view shown, or null when there is no conversation to show it in (nothing is built then).
    /// </summary>
    public async Task<ReviewView?> ShowReviewAsync(Run run, Mission mission, CancellationToken cancellationToken)
    {
        if (mission.ConversationReferenceId is not { } conversation)
        {
            return null;
        }

        var view = await ReviewViewAsync(run, mission, cancellationToken);
        await outbox.PostAsync(conversation, view, null, cancellationToken);
        return view;
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
        var finished = await db.Runs.AsNoTracking().Where(r => r.MissionId == missionId && r.Status == RunStatus.Succeeded && r.Trigger != RunTriggers.Replay)
            .OrderByDescending(r => r.FinishedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        return (line, finished is { } runId ? await LinksOfAsync(runId, cancellationToken) : []);
    }

    /// <summary>Fresh signed links to a run's artifacts, by name.</summary>
    public async Task<List<ArtifactLink>> LinksOfAsync(Guid runId, CancellationToken cancellationToken)
    {
        var found = new List<ArtifactLink>();
        foreach (var a in await db.Artifacts.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Name).ToListAsync(cancellationToken))
        {
            found.Add(new ArtifactLink(a.Name, a.ContentType, a.Size, await links.UrlForAsync(a.Id, cancellationToken)));
        }

        return found;
    }

    private async Task<string> StaffNameAsync(Guid? staffId, CancellationToken cancellationToken) =>
        staffId is null ? "Unassigned staff"
            : await db.Staff.AsNoTracking().Where(s => s.Id == staffId).Select(s => s.Name).SingleOrDefaultAsync(cancellationToken) ?? "Unassigned staff";
}

/// <summary>
/// Stops runs: a queued run never starts, a running one stops at once on the host running it (and on another host at
/// its next lease renewal). The one place a run is cancelled, whether a person stopped it or its mission was cancelled.
/// </summary>
public sealed class RunCancellation(MissionsDbContext db, RunViews views, RunWorker worker, TimeProvider clock)
{
    /// <summary>The mission's run that is queued or under way, if any (there is at most one).</summary>
    public Task<Run?> ActiveAsync(Guid missionId, CancellationToken cancellationToken) =>
        db.Runs.AsNoTracking().Where(r => r.MissionId == missionId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>Stops the mission's run if it has one queued or under way; null if not.</summary>
    public async Task<Run?> StopActiveAsync(Mission mission, Actor actor, CancellationToken cancellationToken) =>
        await ActiveAsync(mission.Id, cancellationToken) is { } run ? (await StopAsync(run, mission, actor, cancellationToken)).Run : null;

    /// <summary>Stops the run, inside the caller's transaction (or its own); the run as it ends up, and whether this call stopped it.</summary>
    public async Task<(Run Run, bool Stopped)> StopAsync(Run run, Mission mission, Actor actor, CancellationToken cancellationToken)
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
            // It finished first.
            return (await db.Runs.AsNoTracking().SingleAsync(r => r.Id == run.Id, cancellationToken), false);
        }

        run.Status = RunStatus.Cancelled;
        run.Error = why;
        run.FinishedAt = now;
        run.Version++;
        db.RunLogEntries.Add(new RunLogEntry { RunId = run.Id, At = now, Level = RunLogLevel.Warning, Step = "Cancelled", Text = why });
        db.ActivityEntries.Add(MissionOperations.Activity(mission.Id, actor, "run-cancelled", now, null, null, null, why));
        await views.ProgressAsync(run, mission, await views.StepsOfAsync(run.Id, cancellationToken), why, cancellationToken);
        db.AfterCommit(() => worker.StopLocal(run.Id));
        await scope.SaveAndCommitAsync(db, cancellationToken);
        return (run, true);
    }
}
