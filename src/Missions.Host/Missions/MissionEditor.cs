using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Web;
using Missions.Host.Workspace;

namespace Missions.Host.Missions;

/// <summary>A mission after an edit, what changed (in the words people use), and the run the edit started, if any.</summary>
public sealed record MissionEdited(Mission Mission, IReadOnlyList<string> Changed, RunOperations.Queued? Started);

/// <summary>
/// Changes an approved mission — title, objective, description, assignee, project, blueprint, auto-run, due date — for
/// every caller (chat, the mission page, the REST API). An edit is guarded by the version the editor saw, is the
/// requester's or an approver's to make, is recorded in the activity, and is followed where the mission is shown: the
/// mission's card in its conversation (the approved proposal) is brought up to date in place, a change made elsewhere
/// is said there, and open boards and pages follow the version. Turning auto-run on for a mission that has not run yet
/// starts it, as approving it with auto-run would have.
/// </summary>
public sealed class MissionEditor(
    MissionsDbContext db,
    MissionOperations missions,
    RunOperations runs,
    ChatViews views,
    ConversationOutbox outbox,
    AccessPolicy access,
    TimeProvider clock)
{
    /// <summary>
    /// Edits the mission at <paramref name="expectedVersion"/>, the version the editor saw (a page, the API); changed
    /// since, the edit is refused as stale. With no version (chat shows none) the edit is to the mission as it is now:
    /// one that something else (a run) changes between the read and the write is read again, up to three times.
    /// </summary>
    public async Task<MissionEdited> EditAsync(long number, long? expectedVersion, MissionEdit edit, Actor actor, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EditOnceAsync(number, expectedVersion, edit, actor, cancellationToken);
            }
            catch (DomainException stale) when (expectedVersion is null && stale.Code == DomainException.StaleVersionCode && attempt < 3)
            {
            }
        }
    }

    private async Task<MissionEdited> EditOnceAsync(long number, long? expectedVersion, MissionEdit edit, Actor actor, CancellationToken cancellationToken)
    {
        var mission = await db.Missions.SingleOrDefaultAsync(m => m.Number == number, cancellationToken)
            ?? throw DomainException.NotFound($"There is no mission {Mission.FormatNumber(number)}.");
        if (actor.Id != mission.RequestedById && !access.May(actor, Privilege.Approve))
        {
            throw DomainException.NotPermitted($"Only the person who asked for {Mission.FormatNumber(number)} or an approver may change it; {actor.Name} may not.");
        }

        var loadedVersion = mission.Version;
        if (expectedVersion is { } expected && expected != loadedVersion)
        {
            db.Entry(mission).State = EntityState.Detached;
            throw DomainException.StaleVersion(expected, loadedVersion);
        }

        var changed = new List<string>();
        void Set<T>(Patch<T> value, Func<T> current, Action<T> assign, string field)
        {
            if (value.IsSet && !EqualityComparer<T>.Default.Equals(value.Value!, current()))
            {
                assign(value.Value!);
                changed.Add(field);
            }
        }

        if (edit.Title.IsSet)
        {
            Set(Patch.Of(MissionOperations.RequireText(edit.Title.Value, "title", MissionOperations.MaxTitle)), () => mission.Title, v => mission.Title = v, "title");
        }

        if (edit.Objective.IsSet)
        {
            Set(Patch.Of(MissionOperations.RequireText(edit.Objective.Value, "objective", MissionOperations.MaxText)), () => mission.Objective, v => mission.Objective = v, "objective");
        }

        if (edit.Description.IsSet)
        {
            Set(Patch.Of(MissionOperations.OptionalText(edit.Description.Value, "description", MissionOperations.MaxText) ?? ""), () => mission.Description, v => mission.Description = v, "description");
        }

        await missions.CheckReferencesAsync(edit.ProjectId.Value, edit.AssigneeId.Value, edit.BlueprintId.Value, cancellationToken);
        Set(edit.ProjectId, () => mission.ProjectId, v => mission.ProjectId = v, "project");
        Set(edit.AssigneeId, () => mission.AssigneeId, v => mission.AssigneeId = v, "assignee");
        Set(edit.BlueprintId, () => mission.BlueprintId, v => mission.BlueprintId = v, "blueprint");
        Set(edit.AutoRun, () => mission.AutoRun, v => mission.AutoRun = v, "auto-run");
        Set(edit.DueDate, () => mission.DueDate, v => mission.DueDate = v, "due date");

        if (changed.Count == 0)
        {
            db.Entry(mission).State = EntityState.Detached;
            return new MissionEdited(mission, changed, null);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        mission.Version = loadedVersion + 1;
        mission.UpdatedAt = now;
        db.ActivityEntries.Add(MissionOperations.Activity(mission.Id, actor, "edited", now, null, null, mission.Version, "Changed " + string.Join(", ", changed) + "."));
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            try
            {
                // Version is a concurrency token: EF adds "AND Version = <loaded>" to the UPDATE.
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                throw DomainException.StaleVersion(expectedVersion ?? loadedVersion, (await missions.GetAsync(number, cancellationToken)).Version);
            }

            db.Entry(mission).State = EntityState.Detached;
            await FollowAsync(mission, changed, actor, cancellationToken);
            await transaction.SaveAndCommitAsync(db, cancellationToken);
        }

        var started = changed.Contains("auto-run") ? await runs.StartByItselfAsync(mission, actor, cancellationToken) : null;
        return new MissionEdited(started is null ? mission : await missions.GetAsync(number, cancellationToken), changed, started);
    }

    /// <summary>
    /// The mission's conversation follows the edit: its approved card shows the mission as it now is, and a change made
    /// from anywhere else (a page, the API, another conversation) is said there, with who made it.
    /// </summary>
    private async Task FollowAsync(Mission mission, IReadOnlyList<string> changed, Actor actor, CancellationToken cancellationToken)
    {
        if (mission.ConversationReferenceId is not { } conversation)
        {
            return;
        }

        if (mission.ProposalId is { } proposalId
            && await db.Proposals.AsNoTracking().SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken) is { Status: ProposalStatus.Approved } proposal)
        {
            await outbox.PostAsync(conversation, await views.ApprovedCardAsync(proposal, mission, cancellationToken), null, cancellationToken);
        }

        if (actor.FromConversation != conversation)
        {
            await outbox.PostAsync(conversation, new NoticeView(
                $"**{Mission.FormatNumber(mission.Number)}** “{mission.Title}”: {actor.Name} changed its {string.Join(", ", changed)}."), null, cancellationToken);
        }
    }
}
