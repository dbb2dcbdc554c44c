using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;
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
/// Proposals: made from a draft, approved or rejected. Approval is one transaction: a conditional update Pending →
/// Approved guarded by the version, then the mission. However often it is clicked, at most one caller gets past the
/// guard, and the unique index on <c>Missions.ProposalId</c> stands behind it. A decision, from chat or the API,
/// replaces the proposal's card in the conversation it was posted to.
/// </summary>
public sealed class ProposalOperations(
    MissionsDbContext db,
    MissionOperations missions,
    Runs.RunOperations runs,
    AccessPolicy access,
    ChatViews views,
    ConversationOutbox outbox,
    Diagnostics.MissionsTelemetry telemetry,
    Microsoft.Extensions.Options.IOptions<ProposalOptions> options,
    TimeProvider clock)
{
    /// <summary>The refusal code of a decision on a proposal that is no longer pending.</summary>
    public const string AlreadyDecided = "already-decided";

    /// <summary>The refusal code of a decision that lost a race with another.</summary>
    public const string ConcurrentChange = "concurrent-change";

    public async Task<Proposal> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Proposals.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken)
        ?? throw DomainException.NotFound($"There is no proposal {id}.");

    /// <summary>
    /// Stores a drafted proposal for the person who asked, in the conversation and workspace they asked in (the
    /// caller's transaction, or its own).
    /// </summary>
    public async Task<Proposal> CreateAsync(ProposalDraft draft, Actor requester, Guid? conversationId, string workspace, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var title = CleanText.Line(draft.Title);
        var proposal = new Proposal
        {
            Id = Guid.CreateVersion7(),
            Title = title.Length <= MissionOperations.MaxTitle ? title : title[..(MissionOperations.MaxTitle - 1)].TrimEnd() + "…",
            Objective = CleanText.Block(draft.Objective),
            Description = draft.Description,
            AssigneeId = draft.AssigneeId,
            ProjectId = draft.ProjectId,
            BlueprintId = draft.BlueprintId,
            DueDate = draft.DueDate,
            AutoRun = draft.AutoRun,
            Questions = draft.Questions.ToList(),
            DuplicateHint = draft.DuplicateHint,
            DraftedBy = draft.DraftedBy,
            RequestedById = requester.Id,
            RequestedByName = requester.Name,
            ConversationReferenceId = conversationId,
            Workspace = workspace,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now + options.Value.Lifetime,
        };
        db.Proposals.Add(proposal);
        db.ActivityEntries.Add(Activity(proposal.Id, null, requester, "proposal-created", now, proposal.Title));
        db.AfterCommit(() => telemetry.Proposal(proposal.DraftedBy));
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return proposal;
    }

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
        var won = await DecideAsync(proposal, ProposalStatus.Approved, missionId, title, objective, null, actor, now, cancellationToken);
        if (won == 0)
        {
            await CheckOpenAsync(await GetAsync(id, cancellationToken), expectedVersion, actor, cancellationToken);
            throw DomainException.Conflict("The proposal changed while you were deciding; reload it.", ConcurrentChange);
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
            missionId,
            proposal.Workspace), actor, cancellationToken, save: false);
        db.ActivityEntries.Add(Activity(id, mission.Id, actor, "proposal-approved", now, $"Approved as {Mission.FormatNumber(mission.Number)}."));
        proposal.Status = ProposalStatus.Approved;
        proposal.Title = title;
        proposal.Objective = objective;
        proposal.DecidedById = actor.Id;
        proposal.DecidedByName = actor.Name;
        proposal.DecidedAt = now;
        proposal.UpdatedAt = now;
        proposal.Version = version;
        proposal.MissionId = missionId;
        // The decision first, then whatever follows it in the conversation.
        await ShowDecisionAsync(proposal, mission.Number, cancellationToken);
        if (mission.AutoRun)
        {
            // Approved with auto-run: its first run is queued in the same transaction.
            await db.SaveChangesAsync(cancellationToken);
            await runs.QueueAsync(mission, Runs.RunTriggers.Approved, actor, 1, cancellationToken);
        }

        // One round trip for the mission, its "created" entry, the approval entry and the card (at the turn's end when
        // this joined a chat turn's transaction).
        await transaction.SaveAndCommitAsync(db, cancellationToken);
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
        var won = await DecideAsync(proposal, ProposalStatus.Rejected, null, proposal.Title, proposal.Objective, reason, actor, now, cancellationToken);
        if (won == 0)
        {
            await CheckOpenAsync(await GetAsync(id, cancellationToken), expectedVersion, actor, cancellationToken);
            throw DomainException.Conflict("The proposal changed while you were deciding; reload it.", ConcurrentChange);
        }

        db.ActivityEntries.Add(Activity(id, null, actor, "proposal-rejected", now, reason));
        proposal.Status = ProposalStatus.Rejected;
        proposal.RejectionReason = reason;
        proposal.DecidedById = actor.Id;
        proposal.DecidedByName = actor.Name;
        proposal.DecidedAt = now;
        proposal.UpdatedAt = now;
        proposal.Version = version;
        await ShowDecisionAsync(proposal, null, cancellationToken);
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return proposal;
    }

    /// <summary>
    /// Changes a pending proposal before anyone decides it (Discord's Edit): title, objective, project, assignee and due
    /// date, guarded by the version the person saw; the card is shown again with the change. Who may decide may edit.
    /// </summary>
    public async Task<Proposal> EditAsync(Proposal proposal, ProposalEdits edits, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        await CheckOpenAsync(proposal, expectedVersion, actor, cancellationToken);
        var title = MissionOperations.RequireText(edits.Title.Or(proposal.Title), "title", MissionOperations.MaxTitle);
        var objective = MissionOperations.RequireText(edits.Objective.Or(proposal.Objective), "objective", MissionOperations.MaxText);
        var projectId = edits.ProjectId.Or(proposal.ProjectId);
        var assigneeId = edits.AssigneeId.Or(proposal.AssigneeId);
        var dueDate = edits.DueDate.Or(proposal.DueDate);
        await missions.CheckReferencesAsync(projectId == proposal.ProjectId ? null : projectId, assigneeId == proposal.AssigneeId ? null : assigneeId, null, cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var (pending, version) = (nameof(ProposalStatus.Pending), proposal.Version + 1);
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var won = await db.Database.ExecuteSqlAsync(
            $"""UPDATE "Proposals" SET "Title" = {title}, "Objective" = {objective}, "ProjectId" = {projectId}, "AssigneeId" = {assigneeId}, "DueDate" = {dueDate}, "UpdatedAt" = {now}, "Version" = {version} WHERE "Id" = {proposal.Id} AND "Status" = {pending} AND "Version" = {proposal.Version}""",
            cancellationToken);
        if (won == 0)
        {
            await CheckOpenAsync(await GetAsync(proposal.Id, cancellationToken), expectedVersion, actor, cancellationToken);
            throw DomainException.Conflict("The proposal changed while you were editing it; look at it again.", ConcurrentChange);
        }

        db.ActivityEntries.Add(Activity(proposal.Id, null, actor, "proposal-edited", now, null));
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        proposal.Title = title;
        proposal.Objective = objective;
        proposal.ProjectId = projectId;
        proposal.AssigneeId = assigneeId;
        proposal.DueDate = dueDate;
        proposal.UpdatedAt = now;
        proposal.Version = version;
        return proposal;
    }

    /// <summary>
    /// The decision, as a conditional update guarded by the status and version the caller read: whoever decides first
    /// wins, everyone else updates nothing (0). One plain statement rather than a translated ExecuteUpdate: every
    /// approval from chat runs it inside the write lock, where the translation cost more than the update.
    /// </summary>
    private Task<int> DecideAsync(
        Proposal proposal, ProposalStatus to, Guid? missionId, string title, string objective, string? reason, Actor actor, DateTime now, CancellationToken cancellationToken)
    {
        var (status, pending, version) = (to.ToString(), nameof(ProposalStatus.Pending), proposal.Version + 1);
        return db.Database.ExecuteSqlAsync(
            $"""UPDATE "Proposals" SET "Status" = {status}, "MissionId" = {missionId}, "Title" = {title}, "Objective" = {objective}, "RejectionReason" = {reason}, "DecidedById" = {actor.Id}, "DecidedByName" = {actor.Name}, "DecidedAt" = {now}, "UpdatedAt" = {now}, "Version" = {version} WHERE "Id" = {proposal.Id} AND "Status" = {pending} AND "Version" = {proposal.Version}""",
            cancellationToken);
    }

    /// <summary>An entry of the trail about a proposal (and the mission it became).</summary>
    private static ActivityEntry Activity(Guid proposalId, Guid? missionId, Actor actor, string action, DateTime at, string? detail) => new()
    {
        ProposalId = proposalId,
        MissionId = missionId,
        At = at,
        ActorId = actor.Id,
        ActorName = actor.Name,
        ActorKind = actor.Kind,
        Action = action,
        Detail = detail,
    };

    /// <summary>Whether a proposal still pending has outlived its time (nobody may decide it any more).</summary>
    public bool IsDue(Proposal proposal) => proposal.Status == ProposalStatus.Pending && proposal.ExpiresAt <= clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Expires a pending proposal whose time is up: nobody decided it, and its card turns into "expired" in place, in the
    /// caller's write transaction (or its own). False when it was decided (or expired) by someone else first.
    /// </summary>
    public async Task<bool> ExpireAsync(Proposal proposal, CancellationToken cancellationToken)
    {
        if (!IsDue(proposal))
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var version = proposal.Version + 1;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var won = await db.Proposals.Where(p => p.Id == proposal.Id && p.Status == ProposalStatus.Pending && p.Version == proposal.Version)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProposalStatus.Expired).SetProperty(p => p.UpdatedAt, now).SetProperty(p => p.Version, version), cancellationToken);
        if (won == 0)
        {
            return false;
        }

        db.ActivityEntries.Add(Activity(proposal.Id, null, Actor.System, "proposal-expired", now, $"No one decided it by {proposal.ExpiresAt:yyyy-MM-dd HH:mm} UTC."));
        proposal.Status = ProposalStatus.Expired;
        proposal.UpdatedAt = now;
        proposal.Version = version;
        await ShowDecisionAsync(proposal, null, cancellationToken);
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return true;
    }

    /// <summary>The decided card in place of the proposal's card, in the conversation it was posted to.</summary>
    private async Task ShowDecisionAsync(Proposal proposal, long? missionNumber, CancellationToken cancellationToken)
    {
        if (proposal.ConversationReferenceId is { } conversation)
        {
            await outbox.PostAsync(conversation, await views.ProposalAsync(proposal, missionNumber, cancellationToken), null, cancellationToken);
        }
    }

    /// <summary>Refuses a decision on a proposal that is already decided, stale, or not this person's to make.</summary>
    private async Task CheckOpenAsync(Proposal proposal, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        switch (proposal.Status)
        {
            case ProposalStatus.Approved:
                var number = await db.Missions.AsNoTracking().Where(m => m.ProposalId == proposal.Id).Select(m => (long?)m.Number).SingleOrDefaultAsync(cancellationToken);
                var already = DomainException.Conflict(
                    $"This proposal was already approved by {proposal.DecidedByName}" + (number is null ? "." : $" as {Mission.FormatNumber(number.Value)}."),
                    AlreadyDecided);
                already.Extensions["missionNumber"] = number is null ? null : Mission.FormatNumber(number.Value);
                throw already;
            case ProposalStatus.Rejected:
                throw DomainException.Conflict($"This proposal was already rejected by {proposal.DecidedByName}.", AlreadyDecided);
            case ProposalStatus.Expired:
            case ProposalStatus.Pending when IsDue(proposal):
                throw DomainException.Conflict("This proposal expired; ask again to get a fresh one.", AlreadyDecided);
        }

        if (expectedVersion is { } v && v != proposal.Version)
        {
            throw DomainException.StaleVersion(v, proposal.Version);
        }

        access.Demand(actor, Privilege.Approve);
    }
}
