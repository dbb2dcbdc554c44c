using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Web;

namespace Missions.Host.Conversations;

/// <summary>
/// Proposals, missions and the board as chat shows them: the views, built from the same reads the REST API and the
/// board page use (<see cref="MissionQueries"/>).
/// </summary>
public sealed class ChatViews(MissionsDbContext db, WorkspaceCache workspaces, MissionQueries missions, RunViews runs, PublicAddress address)
{
    /// <summary>How many missions of each column the board card shows.</summary>
    public const int LinesPerColumn = 8;

    /// <summary>A pending or decided proposal as its card shows it, with the files sent with its request.</summary>
    public async Task<ProposalView> ProposalAsync(Proposal proposal, CancellationToken cancellationToken) =>
        await ProposalAsync(proposal, await workspaces.GetAsync(db, cancellationToken), cancellationToken);

    /// <summary>The same, with the workspace snapshot the caller already read.</summary>
    public Task<ProposalView> ProposalAsync(Proposal proposal, WorkspaceSnapshot workspace, CancellationToken cancellationToken) =>
        CardAsync(proposal, workspace, null, cancellationToken);

    /// <summary>
    /// An approved proposal's card as the mission now is (edited since): its title, objective, assignee, project,
    /// blueprint, auto-run and due date are the mission's; an auto-run mission that has not run because its blueprint's
    /// checklist is not all answered says what it waits for (<see cref="ProposalView.Waiting"/>).
    /// </summary>
    public async Task<ProposalView> ApprovedCardAsync(Proposal proposal, Mission mission, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(db, cancellationToken);
        var waiting = mission.AutoRun && mission.Status == MissionStatus.Backlog && !await db.Runs.AnyAsync(r => r.MissionId == mission.Id, cancellationToken)
            ? BlueprintShape.Unanswered(proposal, workspace.Blueprints.FirstOrDefault(b => b.Id == mission.BlueprintId))
            : [];
        return await CardAsync(proposal, workspace, mission, cancellationToken) with { Waiting = waiting };
    }

    /// <summary>The card, with the files sent with the request and the mission it follows up.</summary>
    private async Task<ProposalView> CardAsync(Proposal proposal, WorkspaceSnapshot workspace, Mission? mission, CancellationToken cancellationToken) =>
        Proposal(proposal, workspace, mission) with
        {
            Files = await FilesOfAsync(proposal.Id, cancellationToken),
            FollowsUp = await NumberOfAsync(mission?.FollowsMissionId ?? proposal.FollowsMissionId, cancellationToken),
        };

    /// <summary>A mission's number as people write it, or null.</summary>
    private async Task<string?> NumberOfAsync(Guid? missionId, CancellationToken cancellationToken) => missionId is null ? null
        : await db.Missions.AsNoTracking().Where(m => m.Id == missionId).Select(m => (long?)m.Number).SingleOrDefaultAsync(cancellationToken) is { } n ? Mission.FormatNumber(n) : null;

    /// <summary>The files sent with a proposal's request (kept with it, then with its mission), as the card names them.</summary>
    private async Task<IReadOnlyList<string>> FilesOfAsync(Guid proposalId, CancellationToken cancellationToken) =>
        (await db.Attachments.AsNoTracking().Where(a => a.ProposalId == proposalId).OrderBy(a => a.CreatedAt)
            .Select(a => new { a.FileName, a.Size }).ToListAsync(cancellationToken))
        .Select(a => $"{a.FileName} ({Runs.OfflineStaffAgent.Size(a.Size)})").ToList();

    /// <summary>
    /// A proposal as its card shows it; names and choices come from the workspace snapshot. Approved as
    /// <paramref name="mission"/>, the card shows the mission's fields, as it now is.
    /// </summary>
    private ProposalView Proposal(Proposal p, WorkspaceSnapshot workspace, Mission? mission)
    {
        var (title, objective, assigneeId, projectId, blueprintId, autoRun, dueDate) = mission is null
            ? (p.Title, p.Objective, p.AssigneeId, p.ProjectId, p.BlueprintId, p.AutoRun, p.DueDate)
            : (mission.Title, mission.Objective, mission.AssigneeId, mission.ProjectId, mission.BlueprintId, mission.AutoRun, mission.DueDate);
        // Ids are formatted here: the card's selected value must match its choices exactly.
        var staff = workspace.Staff.Where(s => s.IsActive || s.Id == assigneeId)
            .Select(s => new ChoiceOption(s.Id.ToString(), $"{s.Name} ({s.Role})")).ToList();
        var projects = workspace.Projects.Select(x => new ChoiceOption(x.Id.ToString(), x.Name)).ToList();
        var blueprints = workspace.Blueprints.Select(b => new ChoiceOption(b.Id.ToString(), b.Name)).ToList();
        return new ProposalView(
            p.Id, p.Version, p.Status, title, objective,
            assigneeId, workspace.Staff.FirstOrDefault(s => s.Id == assigneeId)?.Name,
            projectId, workspace.Projects.FirstOrDefault(x => x.Id == projectId)?.Name,
            workspace.Blueprints.FirstOrDefault(b => b.Id == blueprintId)?.Name,
            autoRun,
            dueDate, p.Questions, p.DuplicateHint, p.RequestedByName, p.DecidedByName, p.DecidedAt, p.RejectionReason,
            mission is null ? null : Mission.FormatNumber(mission.Number),
            mission is null ? null : address.Mission(mission.Number),
            staff, projects, blueprintId, blueprints, p.Answers, p.Tasks);
    }

    /// <summary>The proposals still waiting for a decision (the workspace's), soonest to expire first.</summary>
    public async Task<NoticeView> PendingProposalsAsync(CancellationToken cancellationToken)
    {
        var waiting = await db.Proposals.AsNoTracking().Where(p => p.Status == ProposalStatus.Pending)
            .OrderBy(p => p.ExpiresAt).Take(25).Select(p => new { p.Title, p.RequestedByName, p.ExpiresAt }).ToListAsync(cancellationToken);
        return waiting.Count == 0
            ? new NoticeView("No proposals are waiting for a decision.")
            : new NoticeView("Waiting for a decision:\n" + string.Join("\n", waiting.Select(p =>
                $"- “{p.Title}”, asked by {p.RequestedByName ?? "someone"}; expires {ViewText.Day(p.ExpiresAt is { } at ? DateOnly.FromDateTime(at) : null) ?? "never"}")));
    }

    public async Task<BoardView> BoardAsync(CancellationToken cancellationToken)
    {
        var columns = await missions.BoardAsync(null, LinesPerColumn, cancellationToken);
        return new BoardView(columns.Select(c => new BoardColumnView(c.Status, c.Title, c.Missions.Select(Line).ToList(), c.Total)).ToList(), address.Board);
    }

    /// <summary>The missions in one column (or every open one), all of them or only those of <paramref name="person"/>.</summary>
    public async Task<MissionListView> ListAsync(MissionStatus? status, ChatUser? person, CancellationToken cancellationToken)
    {
        var rows = await missions.ListAsync(status, person?.Id, 25, cancellationToken);
        var where = status is { } s ? "in " + MissionLifecycle.ColumnTitle(s).ToLowerInvariant() : "open";
        var heading = person is null
            ? (status is null ? "Open missions" : "Missions " + where)
            : (status is null ? "Your open missions" : "Your missions " + where);
        var empty = person is null
            ? $"No missions {where}."
            : status is null ? "You have no open missions. Ask me for something and approve the proposal." : $"You have no missions {where}.";
        return new MissionListView(heading, rows.Select(Line).ToList(), empty);
    }

    public async Task<MissionView> MissionAsync(long number, CancellationToken cancellationToken)
    {
        var row = await missions.OneAsync(number, cancellationToken) ?? throw DomainException.NotFound($"There is no mission {Mission.FormatNumber(number)}.");
        var m = row.Mission;
        var activity = await db.ActivityEntries.AsNoTracking().Where(a => a.MissionId == m.Id).OrderByDescending(a => a.Id).Take(3)
            .Select(a => new { a.At, a.ActorName, a.Action, a.ToStatus }).ToListAsync(cancellationToken);
        var comments = await db.Comments.CountAsync(c => c.MissionId == m.Id, cancellationToken);
        var (latestRun, artifacts) = await runs.LatestAsync(m.Id, cancellationToken);
        return new MissionView(
            Mission.FormatNumber(m.Number), m.Title, m.Objective, m.Status, row.AssigneeName, row.ProjectName, m.DueDate, m.RequestedByName,
            activity.Select(a => $"{a.At:d MMM HH:mm} · {a.ActorName} {Describe(a.Action, a.ToStatus)}").ToList(), comments, latestRun, artifacts,
            address.Mission(m.Number));
    }

    /// <summary>A mission's tasks in order, each with where it is and who takes it.</summary>
    public async Task<NoticeView> TasksAsync(long number, CancellationToken cancellationToken)
    {
        var label = Mission.FormatNumber(number);
        var mission = await db.Missions.AsNoTracking().Where(m => m.Number == number).Select(m => new { m.Id, m.AssigneeId }).SingleOrDefaultAsync(cancellationToken)
            ?? throw DomainException.NotFound($"There is no mission {label}.");
        var tasks = await db.MissionTasks.AsNoTracking().Where(t => t.MissionId == mission.Id).OrderBy(t => t.Position).ToListAsync(cancellationToken);
        if (tasks.Count == 0)
        {
            return new NoticeView($"{label} has no tasks: one run does the whole mission. Add one with “task {label} add …”.");
        }

        var workspace = await workspaces.GetAsync(db, cancellationToken);
        string Who(Guid? id) => workspace.Staff.FirstOrDefault(s => s.Id == (id ?? mission.AssigneeId))?.Name ?? "unassigned";
        return new NoticeView($"{label}'s tasks:\n" + string.Join("\n", tasks.Select((t, i) => $"{i + 1}. {t.Title} — {t.Status.ToString().ToLowerInvariant()} ({Who(t.StaffId)})")));
    }

    /// <summary>A run's progress card as it stands: the steps it logged, and why it ended if it did.</summary>
    public async Task<RunProgressView> RunProgressAsync(Run run, CancellationToken cancellationToken)
    {
        var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == run.MissionId, cancellationToken);
        var note = run.Status == RunStatus.Cancelled ? run.Error : null;
        return await runs.ProgressViewAsync(run, mission, await runs.StepsOfAsync(run.Id, cancellationToken), note, cancellationToken);
    }

    private static MissionLine Line(MissionRow row) =>
        new(Mission.FormatNumber(row.Mission.Number), row.Mission.Title, row.Mission.Status, row.AssigneeName, row.Mission.DueDate);

    /// <summary>What happened, in the words people use ("moved it to review", "finished a run"), never the trail's code.</summary>
    internal static string Describe(string action, MissionStatus? to) => action switch
    {
        "created" => "created it",
        "transitioned" or "moved" when to is MissionStatus.Cancelled => "cancelled it",
        "transitioned" or "moved" when to is { } s => "moved it " + Destination(s),
        "moved" => "moved it on the board",
        "edited" => "edited it",
        "commented" => "commented",
        "attached" => "attached a file",
        "task-added" => "added a task",
        "task-removed" => "removed a task",
        "proposal-created" => "proposed it",
        "proposal-approved" => "approved the proposal",
        "proposal-rejected" => "rejected the proposal",
        "run-queued" => "started a run",
        "run-succeeded" => "finished a run",
        "run-failed" => "had a run fail",
        "run-cancelled" => "stopped a run",
        "review-approved" => "approved the result",
        "changes-requested" => "asked for changes",
        _ => action.Replace('-', ' '),
    };

    private static string Destination(MissionStatus status) => status switch
    {
        MissionStatus.Backlog => "to the backlog",
        MissionStatus.InProgress => "to in progress",
        MissionStatus.Review => "to review",
        MissionStatus.Done => "to done",
        _ => "to " + MissionLifecycle.Describe(status),
    };
}
