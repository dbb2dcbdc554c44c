using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;
using Missions.Host.Runs;
using Missions.Host.Web;
using Missions.Host.Workspace;

namespace Missions.Host.Missions;

public sealed record NewMission(
    string Title,
    string Objective,
    string? Description = null,
    Guid? ProjectId = null,
    Guid? AssigneeId = null,
    Guid? BlueprintId = null,
    bool AutoRun = false,
    DateOnly? DueDate = null,
    Guid? ProposalId = null,
    Guid? ConversationReferenceId = null,
    Actor? RequestedBy = null,
    Guid? Id = null,
    string? Workspace = null,
    IReadOnlyList<string>? Tasks = null,
    IReadOnlyList<string>? Context = null,
    Guid? FollowsMissionId = null);

public sealed record MissionEdit(
    Patch<string> Title = default,
    Patch<string> Objective = default,
    Patch<string> Description = default,
    Patch<Guid?> ProjectId = default,
    Patch<Guid?> AssigneeId = default,
    Patch<Guid?> BlueprintId = default,
    Patch<bool> AutoRun = default,
    Patch<DateOnly?> DueDate = default);

/// <summary>
/// What can be done to a mission, for every caller (REST API, chat, the board, runs). Each state change is one
/// transaction: a conditional update guarded by the version (and status) the caller saw, plus the activity entry that
/// records it, plus a notice to the conversation the mission came from (unless the change was made from there). A
/// lost race is a <see cref="DomainException"/> conflict, never a lost update.
/// </summary>
public sealed class MissionOperations(MissionsDbContext db, RunCancellation runs, ReviewGate reviews, AccessPolicy access, ConversationOutbox outbox, TimeProvider clock)
{
    public const int MaxTitle = MissionsDbContext.NameLength;
    public const int MaxText = 20_000;

    public async Task<Mission> GetAsync(long number, CancellationToken cancellationToken) =>
        await db.Missions.AsNoTracking().SingleOrDefaultAsync(m => m.Number == number, cancellationToken)
        ?? throw DomainException.NotFound($"There is no mission {Mission.FormatNumber(number)}.");

    /// <summary>
    /// Makes a mission without a proposal: approving it is the maker's, who must be one who may approve, and who is
    /// recorded as its approver.
    /// </summary>
    public async Task<Mission> CreateAsync(NewMission input, Actor actor, CancellationToken cancellationToken)
    {
        access.Demand(actor, Privilege.Approve);
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var mission = await CreateInTransactionAsync(input, actor, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return mission;
    }

    /// <summary>
    /// Creates the mission inside the caller's open transaction (the caller commits). With <paramref name="save"/>
    /// false the caller saves it together with its own changes, in one round trip; references are then the caller's
    /// to check.
    /// </summary>
    internal async Task<Mission> CreateInTransactionAsync(NewMission input, Actor actor, CancellationToken cancellationToken, bool save = true)
    {
        var title = RequireText(input.Title, "title", MaxTitle);
        var objective = RequireText(input.Objective, "objective", MaxText);
        var description = OptionalText(input.Description, "description", MaxText) ?? "";
        if (save)
        {
            await CheckReferencesAsync(input.ProjectId, input.AssigneeId, input.BlueprintId, cancellationToken);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var requester = input.RequestedBy ?? actor;
        var mission = new Mission
        {
            Id = input.Id ?? Guid.CreateVersion7(),
            Number = await Counters.NextAsync(db, Counters.MissionNumber, cancellationToken),
            Title = title,
            Objective = objective,
            Description = description,
            Status = MissionStatus.Backlog,
            Rank = BoardRank.After(await LastRankAsync(MissionStatus.Backlog, null, cancellationToken)),
            ProjectId = input.ProjectId,
            AssigneeId = input.AssigneeId,
            BlueprintId = input.BlueprintId,
            ProposalId = input.ProposalId,
            ConversationReferenceId = input.ConversationReferenceId,
            Workspace = input.Workspace ?? Workspaces.Local,
            AutoRun = input.AutoRun,
            DueDate = input.DueDate,
            Context = input.Context?.ToList() ?? [],
            FollowsMissionId = input.FollowsMissionId,
            RequestedById = requester.Id,
            RequestedByName = requester.Name,
            ApprovedById = actor.Id,
            ApprovedByName = actor.Name,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        db.Missions.Add(mission);
        var tasks = (input.Tasks ?? []).Select(t => CleanText.Line(t).Trim()).Where(t => t.Length > 0).ToList();
        db.MissionTasks.AddRange(tasks.Select((t, i) => new MissionTask
        {
            Id = Guid.CreateVersion7(), MissionId = mission.Id, Title = t.Length <= MaxTitle ? t : t[..MaxTitle], Position = i + 1, CreatedAt = now, UpdatedAt = now,
        }));
        db.ActivityEntries.Add(Activity(mission.Id, actor, "created", now, null, MissionStatus.Backlog, 1,
            input.ProposalId is null ? null : "Approved from a proposal."));
        if (save)
        {
            await db.SaveChangesAsync(cancellationToken);
            db.Entry(mission).State = EntityState.Detached;
        }

        return mission;
    }

    /// <summary>
    /// Moves a mission to another status, if the lifecycle allows it and nobody changed it meanwhile. Cancelling it
    /// stops its run; making it done is a review decision (<see cref="ReviewGate"/>), which only a reviewer may make.
    /// <paramref name="announce"/> false leaves the notice to the caller's own card (a run's progress card, the review
    /// prompt).
    /// </summary>
    public async Task<Mission> TransitionAsync(long number, MissionStatus to, long? expectedVersion, Actor actor, string? note, CancellationToken cancellationToken, bool announce = true)
    {
        var mission = await GetAsync(number, cancellationToken);
        CheckVersion(expectedVersion, mission);
        CheckTransition(mission, to, actor);
        note = OptionalText(note, "note", 2000);

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        if (to == MissionStatus.Cancelled)
        {
            // A run under way stops with its mission.
            await runs.StopActiveAsync(mission, actor, cancellationToken);
        }

        var rank = BoardRank.After(await LastRankAsync(to, mission.Id, cancellationToken));
        var updated = await ApplyAsync(mission, to, rank, actor, "transitioned", note, cancellationToken);
        if (to == MissionStatus.Done)
        {
            await reviews.AcceptWaitingAsync(updated, actor, cancellationToken);
        }

        if (announce)
        {
            await AnnounceAsync(updated, actor, cancellationToken);
        }

        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return updated;
    }

    /// <summary>
    /// Places a mission on the board: in a column (a status change follows the lifecycle) and between two neighbours.
    /// Only the moved mission's rank changes.
    /// </summary>
    public async Task<Mission> MoveAsync(long number, MissionStatus? toStatus, long? afterNumber, long? beforeNumber, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var mission = await GetAsync(number, cancellationToken);
        CheckVersion(expectedVersion, mission);
        var to = toStatus ?? mission.Status;
        if (to != mission.Status)
        {
            CheckTransition(mission, to, actor);
        }

        if (afterNumber == number || beforeNumber == number)
        {
            throw DomainException.Invalid(afterNumber == number ? "after" : "before", "A mission cannot be placed next to itself.");
        }

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var from = mission.Status;
        var rank = await RankForPlacementAsync(mission, to, afterNumber, beforeNumber, cancellationToken);
        var updated = await ApplyAsync(mission, to, rank, actor, "moved", null, cancellationToken);
        if (from != to && to == MissionStatus.Done)
        {
            await reviews.AcceptWaitingAsync(updated, actor, cancellationToken);
        }

        if (from != to)
        {
            await AnnounceAsync(updated, actor, cancellationToken);
        }

        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return updated;
    }

    public async Task<Comment> AddCommentAsync(long number, string? text, Actor actor, CancellationToken cancellationToken)
    {
        var body = RequireText(text, "text", MaxText);
        var mission = await GetAsync(number, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var comment = new Comment
        {
            Id = Guid.CreateVersion7(),
            MissionId = mission.Id,
            AuthorId = actor.Id,
            AuthorName = actor.Name,
            AuthorKind = actor.Kind,
            Text = body,
            CreatedAt = now,
        };
        db.Comments.Add(comment);
        db.ActivityEntries.Add(Activity(mission.Id, actor, "commented", now, null, null, null, Excerpt(body)));
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return comment;
    }

    /// <summary>Adds a task at the end of the mission's list; a mission with tasks runs each as its own run, in order.</summary>
    public async Task<MissionTask> AddTaskAsync(long number, string? title, Guid? staffId, Actor actor, CancellationToken cancellationToken)
    {
        var text = RequireText(title, "title", MaxTitle);
        var mission = await GetAsync(number, cancellationToken);
        if (!MissionLifecycle.IsOpen(mission.Status))
        {
            throw DomainException.Conflict($"{Mission.FormatNumber(number)} is {MissionLifecycle.Describe(mission.Status)}; tasks cannot be added.", "mission-closed");
        }

        await CheckReferencesAsync(null, staffId, null, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var position = await db.MissionTasks.Where(t => t.MissionId == mission.Id).Select(t => (int?)t.Position).MaxAsync(cancellationToken) ?? 0;
        var task = new MissionTask { Id = Guid.CreateVersion7(), MissionId = mission.Id, Title = text, Position = position + 1, StaffId = staffId, CreatedAt = now, UpdatedAt = now };
        db.MissionTasks.Add(task);
        db.ActivityEntries.Add(Activity(mission.Id, actor, "task-added", now, null, null, null, text));
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return task;
    }

    /// <summary>
    /// Removes the task at <paramref name="index"/> (1-based, in the mission's order) while it has not started or has
    /// failed; one running or done stays (its run and artifacts are the mission's record).
    /// </summary>
    public async Task<MissionTask> RemoveTaskAsync(long number, int index, Actor actor, CancellationToken cancellationToken)
    {
        var mission = await GetAsync(number, cancellationToken);
        var tasks = await db.MissionTasks.AsNoTracking().Where(t => t.MissionId == mission.Id).OrderBy(t => t.Position).ToListAsync(cancellationToken);
        var label = Mission.FormatNumber(number);
        if (index < 1 || index > tasks.Count)
        {
            throw DomainException.Invalid("task", tasks.Count == 0 ? $"{label} has no tasks." : $"{label} has tasks 1 to {tasks.Count}; there is no task {index}.");
        }

        var task = tasks[index - 1];
        if (task.Status is MissionTaskStatus.Running or MissionTaskStatus.Done)
        {
            throw DomainException.Conflict($"Task {index} of {label} is {task.Status.ToString().ToLowerInvariant()}; it stays.", "task-started");
        }

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var removed = await db.MissionTasks.Where(t => t.Id == task.Id && t.Version == task.Version && t.Status == task.Status).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            throw DomainException.Conflict($"Task {index} of {label} changed meanwhile; look at it again.", "concurrent-change");
        }

        db.ActivityEntries.Add(Activity(mission.Id, actor, "task-removed", clock.GetUtcNow().UtcDateTime, null, null, null, task.Title));
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return task;
    }

    /// <summary>
    /// Tells the conversation the mission came from that its status changed, unless the change was made from that
    /// conversation (whoever made it there already sees the answer).
    /// </summary>
    private async Task AnnounceAsync(Mission mission, Actor actor, CancellationToken cancellationToken)
    {
        if (mission.ConversationReferenceId is not { } conversation || actor.FromConversation == conversation)
        {
            return;
        }

        var label = $"**{Mission.FormatNumber(mission.Number)}** “{mission.Title}”";
        var text = mission.Status == MissionStatus.Cancelled
            ? $"{label} was cancelled by {actor.Name}."
            : $"{label} is now {MissionLifecycle.Describe(mission.Status)} (moved by {actor.Name}).";
        await outbox.PostAsync(conversation, new NoticeView(text, mission.Status == MissionStatus.Done ? NoticeTone.Success : NoticeTone.Info), null, cancellationToken);
    }

    internal static ActivityEntry Activity(Guid missionId, Actor actor, string action, DateTime at, MissionStatus? from, MissionStatus? to, long? version, string? detail) => new()
    {
        MissionId = missionId,
        At = at,
        ActorId = actor.Id,
        ActorName = actor.Name,
        ActorKind = actor.Kind,
        Action = action,
        FromStatus = from,
        ToStatus = to,
        MissionVersion = version,
        Detail = detail,
    };

    private async Task<Mission> ApplyAsync(Mission mission, MissionStatus to, string rank, Actor actor, string action, string? note, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var version = mission.Version + 1;
        var from = mission.Status;
        // The guard is in the WHERE: whoever changed the row first wins, everyone else updates nothing.
        var updated = await db.Missions
            .Where(m => m.Id == mission.Id && m.Version == mission.Version && m.Status == from)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, to)
                .SetProperty(m => m.Rank, rank)
                .SetProperty(m => m.Version, version)
                .SetProperty(m => m.UpdatedAt, now), cancellationToken);
        if (updated == 0)
        {
            var current = await db.Missions.AsNoTracking().Where(m => m.Id == mission.Id).Select(m => new { m.Version, m.Status }).SingleAsync(cancellationToken);
            throw current.Status != from
                ? DomainException.Conflict($"{Mission.FormatNumber(mission.Number)} was just moved {MissionLifecycle.Describe(current.Status)} by someone else.", "concurrent-change")
                : DomainException.StaleVersion(mission.Version, current.Version);
        }

        var detail = from == to ? $"Placed at {rank}." : note;
        db.ActivityEntries.Add(Activity(mission.Id, actor, action, now, from, to, version, detail));
        await db.SaveChangesAsync(cancellationToken);
        mission.Status = to;
        mission.Rank = rank;
        mission.Version = version;
        mission.UpdatedAt = now;
        return mission;
    }

    private async Task<string> RankForPlacementAsync(Mission mission, MissionStatus column, long? afterNumber, long? beforeNumber, CancellationToken cancellationToken)
    {
        for (var pass = 0; pass < 2; pass++)
        {
            var after = afterNumber is null ? null : await NeighbourAsync(afterNumber.Value, column, "after", cancellationToken);
            var before = beforeNumber is null ? null : await NeighbourAsync(beforeNumber.Value, column, "before", cancellationToken);
            var columnItems = db.Missions.AsNoTracking().Where(m => m.Status == column && m.Id != mission.Id);

            string? low, high;
            if (after is not null && before is not null)
            {
                if (Compare(after, before) >= 0)
                {
                    throw DomainException.Invalid("before", $"{Mission.FormatNumber(before.Number)} is not below {Mission.FormatNumber(after.Number)} on the board.");
                }

                (low, high) = (after.Rank, before.Rank);
            }
            else if (after is not null)
            {
                low = after.Rank;
                high = await columnItems.Where(m => string.Compare(m.Rank, after.Rank) > 0).OrderBy(m => m.Rank).Select(m => m.Rank).FirstOrDefaultAsync(cancellationToken);
            }
            else if (before is not null)
            {
                high = before.Rank;
                low = await columnItems.Where(m => string.Compare(m.Rank, before.Rank) < 0).OrderByDescending(m => m.Rank).Select(m => m.Rank).FirstOrDefaultAsync(cancellationToken);
            }
            else
            {
                low = await LastRankAsync(column, mission.Id, cancellationToken);
                high = null;
            }

            if (high is null || string.CompareOrdinal(low ?? "", high) < 0)
            {
                var rank = BoardRank.Between(low, high);
                if (rank.Length <= BoardRank.MaxLength)
                {
                    return rank;
                }
            }

            // Equal neighbours (two concurrent moves chose the same spot) or a gap worn down to the rank length
            // limit: spread the column once, then place again. This is the only time other missions' ranks change.
            await RebalanceAsync(column, mission.Id, cancellationToken);
        }

        throw DomainException.Conflict("The board changed while the mission was being placed; try again.", "concurrent-change");
    }

    private async Task RebalanceAsync(MissionStatus column, Guid except, CancellationToken cancellationToken)
    {
        var items = await db.Missions.AsNoTracking()
            .Where(m => m.Status == column && m.Id != except)
            .OrderBy(m => m.Rank).ThenBy(m => m.Number)
            .Select(m => new { m.Id, m.Rank })
            .ToListAsync(cancellationToken);
        var ranks = BoardRank.Spread(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var id = items[i].Id;
            var rank = ranks[i];
            await db.Missions.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Rank, rank), cancellationToken);
        }
    }

    private async Task<Mission> NeighbourAsync(long number, MissionStatus column, string field, CancellationToken cancellationToken)
    {
        var neighbour = await db.Missions.AsNoTracking().SingleOrDefaultAsync(m => m.Number == number, cancellationToken)
            ?? throw DomainException.Invalid(field, $"There is no mission {Mission.FormatNumber(number)}.");
        if (neighbour.Status != column)
        {
            throw DomainException.Invalid(field, $"{Mission.FormatNumber(number)} is {MissionLifecycle.Describe(neighbour.Status)}, not in the column the mission is moving to.");
        }

        return neighbour;
    }

    private static int Compare(Mission a, Mission b)
    {
        var byRank = string.CompareOrdinal(a.Rank, b.Rank);
        return byRank != 0 ? byRank : a.Number.CompareTo(b.Number);
    }

    private Task<string?> LastRankAsync(MissionStatus column, Guid? except, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Conversations.TurnQueries.For(db).LastRank(db, column, except);
    }

    internal async Task CheckReferencesAsync(Guid? projectId, Guid? assigneeId, Guid? blueprintId, CancellationToken cancellationToken)
    {
        if (projectId is { } p && !await db.Projects.AnyAsync(x => x.Id == p, cancellationToken))
        {
            throw DomainException.Invalid("projectId", $"There is no project {p}.");
        }

        if (assigneeId is { } s && !await db.Set<Staff>().AnyAsync(x => x.Id == s, cancellationToken))
        {
            throw DomainException.Invalid("assigneeId", $"There is no staff member {s}.");
        }

        if (blueprintId is { } b && !await db.Blueprints.AnyAsync(x => x.Id == b, cancellationToken))
        {
            throw DomainException.Invalid("blueprintId", $"There is no blueprint {b}.");
        }
    }

    private static void CheckVersion(long? expected, Mission mission)
    {
        if (expected is { } v && v != mission.Version)
        {
            throw DomainException.StaleVersion(v, mission.Version);
        }
    }

    /// <summary>The lifecycle allows the move, and a move to done is the actor's to make (a review decision).</summary>
    private void CheckTransition(Mission mission, MissionStatus to, Actor actor)
    {
        if (MissionLifecycle.Check(mission.Status, to) is { } reason)
        {
            throw DomainException.Conflict($"{Mission.FormatNumber(mission.Number)} cannot move: {reason}", "invalid-transition");
        }

        if (to == MissionStatus.Done)
        {
            reviews.Demand(actor);
        }
    }

    /// <summary>The text, cleaned (see <see cref="Clean"/>) and trimmed; refused when empty or longer than <paramref name="max"/>.</summary>
    internal static string RequireText(string? value, string field, int max) =>
        OptionalText(value, field, max) ?? throw DomainException.Invalid(field, $"'{field}' is required.");

    /// <summary>The text, cleaned (see <see cref="Clean"/>) and trimmed; null when empty; refused when longer than <paramref name="max"/>.</summary>
    internal static string? OptionalText(string? value, string field, int max)
    {
        var text = value is null ? null : Clean(value, max).Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return text.Length <= max ? text : throw DomainException.Invalid(field, $"'{field}' is longer than {max} characters.");
    }

    /// <summary>A field no longer than a name (titles, names) is one line; longer fields keep their line breaks.</summary>
    private static string Clean(string value, int max) => max <= MissionsDbContext.NameLength ? CleanText.Line(value) : CleanText.Block(value);

    private static string Excerpt(string text) => text.Length <= 200 ? text : text[..197] + "...";
}
