using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Workspace;

namespace Missions.Host.Runs;

/// <summary>
/// The review gate: a mission is done only by a permitted reviewer's decision, whichever way it is made — the review
/// prompt's Approve, "move M-12 to done" in chat, a drag on the board, the REST API. Moving a mission to done is that
/// decision: every result of it still waiting for review is approved by it, and each review prompt shows so. A mission
/// with no run (work done by people) is closed the same way.
/// </summary>
public sealed class ReviewGate(MissionsDbContext db, AccessPolicy access, RunViews views, TimeProvider clock)
{
    /// <summary>Refuses a person who may not review (nothing has changed yet).</summary>
    public void Demand(Actor actor) => access.Demand(actor, Privilege.Review);

    /// <summary>
    /// Records the decision that made <paramref name="mission"/> done on each of its results waiting for review, and
    /// shows it on their review prompts, in the caller's write transaction.
    /// </summary>
    public async Task AcceptWaitingAsync(Mission mission, Actor actor, CancellationToken cancellationToken)
    {
        var waiting = await db.Runs.AsNoTracking()
            .Where(r => r.MissionId == mission.Id && r.Status == RunStatus.Succeeded && r.Trigger != RunTriggers.Replay && r.ReviewOutcome == null)
            .ToListAsync(cancellationToken);
        foreach (var run in waiting)
        {
            if (await DecideAsync(run, ReviewOutcome.Approved, actor, null, cancellationToken))
            {
                await views.ShowReviewAsync(run, mission, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Records a review decision on a run, unless one was recorded first (false then): the update checks that none
    /// is, so two decisions at once record one.
    /// </summary>
    public async Task<bool> DecideAsync(Run run, ReviewOutcome outcome, Actor actor, string? comment, CancellationToken cancellationToken)
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
}
