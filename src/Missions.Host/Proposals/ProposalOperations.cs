using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;
using Missions.Host.Missions;
using Missions.Host.Web;
using Missions.Host.Workspace;

namespace Missions.Host.Proposals;

/// <summary>
/// The edits a person made on the proposal card before approving it; unset fields keep the draft's value. A blueprint
/// picked shapes the proposal (<see cref="BlueprintShape"/>); <see cref="Answers"/> are the answers to the questions the
/// person saw, in their order (null: none given).
/// </summary>
public sealed record ProposalEdits(
    Patch<string> Title = default,
    Patch<string> Objective = default,
    Patch<Guid?> ProjectId = default,
    Patch<Guid?> AssigneeId = default,
    Patch<DateOnly?> DueDate = default,
    Patch<bool> AutoRun = default,
    Patch<Guid?> BlueprintId = default,
    IReadOnlyList<string>? Answers = null);

/// <summary>A proposal decided: the mission it became, if approved, and its card as the decision shows it.</summary>
public sealed record ProposalDecision(Proposal Proposal, Mission? Mission, ProposalView Card);

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
    AttachmentService attachments,
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
    public async Task<Proposal> CreateAsync(ProposalDraft draft, Actor requester, Guid? conversationId, string workspace, CancellationToken cancellationToken, Guid? followsMissionId = null)
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
            FollowsMissionId = followsMissionId,
            DraftedBy = draft.DraftedBy,
            RequestedById = requester.Id,
            RequestedByName = requester.Name,
            ConversationReferenceId = conversationId,
            Workspace = workspace,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now + options.Value.Lifetime,
        };
        if (draft.BlueprintId is { } suggested && await db.Blueprints.AsNoTracking().SingleOrDefaultAsync(b => b.Id == suggested, cancellationToken) is { } blueprint)
        {
            // The proposer's suggestion brings the blueprint's tasks, staff member, auto-run and checklist; the objective
            // stays the proposer's, written from the request (a person picking a blueprint gets its template).
            BlueprintShape.Apply(proposal, blueprint, null, objectiveFromTemplate: false);
            proposal.AssigneeId = draft.AssigneeId ?? proposal.AssigneeId;
        }

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
        if (Reshapes(proposal, edits))
        {
            // A blueprint picked or questions answered with the approval: kept on the proposal first (its card is shown
            // once, decided), then decided.
            proposal = await EditAsync(proposal, edits with { Title = default, Objective = default }, null, actor, cancellationToken, show: false);
        }

        edits = edits with { BlueprintId = default, Answers = null };

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

        // Read before the write transaction: files are kept with a proposal only when it is made.
        var withFiles = await db.Attachments.AnyAsync(a => a.ProposalId == id, cancellationToken);
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
            proposal.Workspace,
            proposal.Tasks,
            BlueprintShape.Context(proposal),
            proposal.FollowsMissionId), actor, cancellationToken, save: false);
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
        // The decision first, then whatever follows it in the conversation. The card also says whether the mission
        // waits for answers its blueprint asks for before it may start by itself.
        var card = await views.ApprovedCardAsync(proposal, mission, cancellationToken);
        if (proposal.ConversationReferenceId is { } conversation)
        {
            await outbox.PostAsync(conversation, card, null, cancellationToken);
        }

        if (withFiles)
        {
            // The files sent with the request become the mission's (the mission's row first: they point at it).
            await db.SaveChangesAsync(cancellationToken);
            await attachments.ForProposalDecidedAsync(id, mission.Id, cancellationToken);
        }

        if (mission.AutoRun && card.Waiting is not { Count: > 0 })
        {
            // Approved with auto-run: its first run is queued in the same transaction (the mission saved first).
            await db.SaveChangesAsync(cancellationToken);
            await runs.QueueAsync(mission, Runs.RunTriggers.Approved, actor, 1, cancellationToken);
        }

        // One round trip for the mission, its "created" entry, the approval entry and the card (at the turn's end when
        // this joined a chat turn's transaction).
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return new ProposalDecision(proposal, mission, card);
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
        await attachments.ForProposalDecidedAsync(id, null, cancellationToken);
        proposal.Status = ProposalStatus.Rejected;
        proposal.RejectionReason = reason;
        proposal.DecidedById = actor.Id;
        proposal.DecidedByName = actor.Name;
        proposal.DecidedAt = now;
        proposal.UpdatedAt = now;
        proposal.Version = version;
        await ShowCardAsync(proposal, cancellationToken);
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return proposal;
    }

    /// <summary>
    /// Changes a pending proposal before anyone decides it (the card's Use blueprint and Save, Discord's Edit): title,
    /// objective, project, assignee, due date, blueprint (which shapes it, <see cref="BlueprintShape"/>) and the answers
    /// to its questions, guarded by the version the person saw; the card is shown again with the change. Who may decide
    /// may edit.
    /// </summary>
    public async Task<Proposal> EditAsync(Proposal proposal, ProposalEdits edits, long? expectedVersion, Actor actor, CancellationToken cancellationToken, bool show = true)
    {
        await CheckOpenAsync(proposal, expectedVersion, actor, cancellationToken);
        var projectId = edits.ProjectId.Or(proposal.ProjectId);
        var assigneeId = edits.AssigneeId.Or(proposal.AssigneeId);
        var blueprintId = edits.BlueprintId.Or(proposal.BlueprintId);
        await missions.CheckReferencesAsync(
            projectId == proposal.ProjectId ? null : projectId,
            assigneeId == proposal.AssigneeId ? null : assigneeId,
            blueprintId == proposal.BlueprintId ? null : blueprintId,
            cancellationToken);
        if (edits.Answers is { } answers && answers.Count > proposal.Questions.Count)
        {
            throw DomainException.Invalid("answers", $"There are {proposal.Questions.Count} questions, and {answers.Count} answers were sent.");
        }

        // Tracked from here: the update is EF's, guarded by the version it was read at (a concurrency token).
        db.Proposals.Attach(proposal);
        var loadedVersion = proposal.Version;
        if (edits.Answers is { } given)
        {
            // The answers are to the questions the person saw: kept first, so a blueprint changed with them keeps the
            // answers to the questions it keeps.
            proposal.Answers = proposal.Questions.Select((_, i) => i < given.Count
                ? MissionOperations.OptionalText(given[i], "answers", 2000) ?? ""
                : BlueprintShape.AnswerAt(proposal, i)).ToList();
        }

        var reshaped = blueprintId != proposal.BlueprintId;
        if (reshaped)
        {
            // The blueprint's shape wins over the rest of the form sent with it: its objective, tasks, staff, checklist.
            var blueprints = await db.Blueprints.AsNoTracking().Where(b => b.Id == blueprintId || b.Id == proposal.BlueprintId).ToListAsync(cancellationToken);
            var picked = blueprints.SingleOrDefault(b => b.Id == blueprintId);
            BlueprintShape.Apply(proposal, picked, blueprints.SingleOrDefault(b => b.Id == proposal.BlueprintId));
            assigneeId = picked?.DefaultStaffId ?? assigneeId;
        }
        else if (edits.Objective.IsSet)
        {
            proposal.Objective = MissionOperations.RequireText(edits.Objective.Value, "objective", MissionOperations.MaxText);
        }

        proposal.Title = MissionOperations.RequireText(edits.Title.Or(proposal.Title), "title", MissionOperations.MaxTitle);
        proposal.AssigneeId = assigneeId;
        proposal.ProjectId = projectId;
        proposal.DueDate = edits.DueDate.Or(proposal.DueDate);
        proposal.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        proposal.Version = loadedVersion + 1;
        db.ActivityEntries.Add(Activity(proposal.Id, null, actor, "proposal-edited", proposal.UpdatedAt,
            reshaped ? "Blueprint: " + (blueprintId is null ? "none." : "picked.") : null));
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        try
        {
            // Saved now, not at the end of a chat turn's transaction: the proposal is let go of right after.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            await CheckOpenAsync(await GetAsync(proposal.Id, cancellationToken), expectedVersion, actor, cancellationToken);
            throw DomainException.Conflict("The proposal changed while you were editing it; look at it again.", ConcurrentChange);
        }

        db.Entry(proposal).State = EntityState.Detached;
        if (show)
        {
            // The card shows the change in place, wherever the change was made (a click, the API).
            await ShowCardAsync(proposal, cancellationToken);
        }

        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return proposal;
    }

    /// <summary>Whether the edits pick another blueprint or change an answer (a card sends every answer box, changed or not).</summary>
    private static bool Reshapes(Proposal proposal, ProposalEdits edits) =>
        edits.BlueprintId.IsSet && edits.BlueprintId.Value != proposal.BlueprintId
        || edits.Answers is { } answers && answers.Select((a, i) => (a ?? "").Trim() != BlueprintShape.AnswerAt(proposal, i)).Any(changed => changed);

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

        await attachments.ForProposalDecidedAsync(proposal.Id, null, cancellationToken);
        db.ActivityEntries.Add(Activity(proposal.Id, null, Actor.System, "proposal-expired", now, $"No one decided it by {proposal.ExpiresAt:yyyy-MM-dd HH:mm} UTC."));
        proposal.Status = ProposalStatus.Expired;
        proposal.UpdatedAt = now;
        proposal.Version = version;
        await ShowCardAsync(proposal, cancellationToken);
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return true;
    }

    /// <summary>The proposal's card as it now is (decided, or edited), in place, in the conversation it was posted to.</summary>
    private async Task ShowCardAsync(Proposal proposal, CancellationToken cancellationToken)
    {
        if (proposal.ConversationReferenceId is { } conversation)
        {
            await outbox.PostAsync(conversation, await views.ProposalAsync(proposal, cancellationToken), null, cancellationToken);
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
