using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Web;
using Missions.Host.Workspace;

namespace Missions.Host.Proposals;

/// <summary>The edits a person made on the proposal card before approving it; unset fields keep the draft's value.</summary>
public sealed record ProposalEdits(
    Patch<string> Title = default,
    Patch<string> Objective = default,
    Patch<Guid?> ProjectId = default,
    Patch<Guid?> AssigneeId = default,
    Patch<DateOnly?> DueDate = default,
    Patch<bool> AutoRun = default);

public sealed record ProposalDecision(Proposal Proposal, Mission? Mission);

/// <summary>
/// Approve and reject. Approval is one transaction: a conditional update Pending → Approved guarded by the version,
/// then the mission. However often it is clicked, at most one caller gets past the guard, and the unique index on
/// <c>Missions.ProposalId</c> stands behind it.
/// </summary>
public sealed class ProposalOperations(MissionsDbContext db, MissionOperations missions, Runs.RunOperations runs, ApproverPolicy approvers, TimeProvider clock)
{
    public async Task<Proposal> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Proposals.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken)
        ?? throw ProblemException.NotFound($"There is no proposal {id}.");

    public async Task<ProposalDecision> ApproveAsync(Guid id, ProposalEdits edits, long? expectedVersion, Actor actor, CancellationToken cancellationToken) =>
        await ApproveAsync(await GetAsync(id, cancellationToken), edits, expectedVersion, actor, cancellationToken);

    /// <summary>
    /// Approves a proposal the caller has already read (untracked; a chat turn reads it before its write transaction).
    /// If it changed since, the guarded update finds nothing and the caller gets a conflict.
    /// </summary>
    public async Task<ProposalDecision> ApproveAsync(Proposal proposal, ProposalEdits edits, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var id = proposal.Id;
        await CheckOpenAsync(proposal, expectedVersion, actor, cancellationToken);

        var title = MissionOperations.RequireText(edits.Title.Or(proposal.Title), "title", MissionOperations.MaxTitle);
        var objective = MissionOperations.RequireText(edits.Objective.Or(proposal.Objective), "objective", MissionOperations.MaxText);
        var projectId = edits.ProjectId.Or(proposal.ProjectId);
        var assigneeId = edits.AssigneeId.Or(proposal.AssigneeId);
        // The proposal's own references were checked when it was drafted (and foreign keys hold them); only what the
        // person changed on the card needs checking.
        await missions.CheckReferencesAsync(
            projectId == proposal.ProjectId ? null : projectId,
            assigneeId == proposal.AssigneeId ? null : assigneeId,
            null,
            cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var missionId = Guid.CreateVersion7();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var version = proposal.Version + 1;
        var won = await db.Proposals
            .Where(p => p.Id == id && p.Status == ProposalStatus.Pending && p.Version == proposal.Version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.MissionId, missionId)
                .SetProperty(p => p.Status, ProposalStatus.Approved)
                .SetProperty(p => p.Title, title)
                .SetProperty(p => p.Objective, objective)
                .SetProperty(p => p.DecidedById, actor.Id)
                .SetProperty(p => p.DecidedByName, actor.Name)
                .SetProperty(p => p.DecidedAt, now)
                .SetProperty(p => p.UpdatedAt, now)
                .SetProperty(p => p.Version, version), cancellationToken);
        if (won == 0)
        {
            await CheckOpenAsync(await GetAsync(id, cancellationToken), expectedVersion, actor, cancellationToken);
            throw ProblemException.Conflict("The proposal changed while you were deciding; reload it.", "concurrent-change");
        }

        // The mission joins this transaction: both commit, or neither does.
        var mission = await missions.CreateInTransactionAsync(new NewMission(
            title,
            objective,
            proposal.Description,
            projectId,
            assigneeId,
            proposal.BlueprintId,
            edits.AutoRun.Or(proposal.AutoRun),
            edits.DueDate.Or(proposal.DueDate),
            proposal.Id,
            proposal.ConversationReferenceId,
            proposal.RequestedById is null ? null : Actor.Human(proposal.RequestedById, proposal.RequestedByName ?? proposal.RequestedById),
            missionId), actor, cancellationToken, save: false);
        db.ActivityEntries.Add(new ActivityEntry
        {
            ProposalId = id,
            MissionId = mission.Id,
            At = now,
            ActorId = actor.Id,
            ActorName = actor.Name,
            ActorKind = actor.Kind,
            Action = "proposal-approved",
            Detail = $"Approved as {Mission.FormatNumber(mission.Number)}.",
        });
        if (mission.AutoRun)
        {
            // Approved with auto-run: its first run is queued in the same transaction.
            await db.SaveChangesAsync(cancellationToken);
            await runs.QueueAsync(mission, Runs.RunTriggers.Approved, actor, 1, cancellationToken);
        }

        // One round trip for the mission, its "created" entry and the approval entry (at the turn's end when this
        // joined a chat turn's transaction).
        await transaction.SaveAndCommitAsync(db, cancellationToken);

        proposal.Status = ProposalStatus.Approved;
        proposal.Title = title;
        proposal.Objective = objective;
        proposal.DecidedById = actor.Id;
        proposal.DecidedByName = actor.Name;
        proposal.DecidedAt = now;
        proposal.UpdatedAt = now;
        proposal.Version = version;
        proposal.MissionId = missionId;
        return new ProposalDecision(proposal, mission);
    }

    public async Task<Proposal> RejectAsync(Guid id, string? reason, long? expectedVersion, Actor actor, CancellationToken cancellationToken) =>
        await RejectAsync(await GetAsync(id, cancellationToken), reason, expectedVersion, actor, cancellationToken);

    /// <summary>Rejects a proposal the caller has already read (see the approving overload).</summary>
    public async Task<Proposal> RejectAsync(Proposal proposal, string? reason, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var id = proposal.Id;
        await CheckOpenAsync(proposal, expectedVersion, actor, cancellationToken);
        reason = MissionOperations.OptionalText(reason, "reason", 2000);
        var now = clock.GetUtcNow().UtcDateTime;
        var version = proposal.Version + 1;

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var won = await db.Proposals
            .Where(p => p.Id == id && p.Status == ProposalStatus.Pending && p.Version == proposal.Version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, ProposalStatus.Rejected)
                .SetProperty(p => p.RejectionReason, reason)
                .SetProperty(p => p.DecidedById, actor.Id)
                .SetProperty(p => p.DecidedByName, actor.Name)
                .SetProperty(p => p.DecidedAt, now)
                .SetProperty(p => p.UpdatedAt, now)
                .SetProperty(p => p.Version, version), cancellationToken);
        if (won == 0)
        {
            await CheckOpenAsync(await GetAsync(id, cancellationToken), expectedVersion, actor, cancellationToken);
            throw ProblemException.Conflict("The proposal changed while you were deciding; reload it.", "concurrent-change");
        }

        db.ActivityEntries.Add(new ActivityEntry
        {
            ProposalId = id,
            At = now,
            ActorId = actor.Id,
            ActorName = actor.Name,
            ActorKind = actor.Kind,
            Action = "proposal-rejected",
            Detail = reason,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        proposal.Status = ProposalStatus.Rejected;
        proposal.RejectionReason = reason;
        proposal.DecidedById = actor.Id;
        proposal.DecidedByName = actor.Name;
        proposal.DecidedAt = now;
        proposal.UpdatedAt = now;
        proposal.Version = version;
        return proposal;
    }

    /// <summary>Refuses a decision on a proposal that is already decided, stale, or not this person's to make.</summary>
    private async Task CheckOpenAsync(Proposal proposal, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        switch (proposal.Status)
        {
            case ProposalStatus.Approved:
                var number = await db.Missions.AsNoTracking().Where(m => m.ProposalId == proposal.Id).Select(m => (long?)m.Number).SingleOrDefaultAsync(cancellationToken);
                var already = ProblemException.Conflict(
                    $"This proposal was already approved by {proposal.DecidedByName}" + (number is null ? "." : $" as {Mission.FormatNumber(number.Value)}."),
                    "already-decided");
                already.Extensions["missionNumber"] = number is null ? null : Mission.FormatNumber(number.Value);
                throw already;
            case ProposalStatus.Rejected:
                throw ProblemException.Conflict($"This proposal was already rejected by {proposal.DecidedByName}.", "already-decided");
            case ProposalStatus.Expired:
                throw ProblemException.Conflict("This proposal expired; ask again to get a fresh one.", "already-decided");
        }

        if (expectedVersion is { } v && v != proposal.Version)
        {
            throw ProblemException.StaleVersion(v, proposal.Version);
        }

        if (!approvers.MayDecide(actor))
        {
            throw ProblemException.Forbidden($"{actor.Name} is not allowed to approve or reject proposals.");
        }
    }
}
