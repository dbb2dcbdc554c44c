using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Runs;

namespace Missions.Host.Board;

/// <summary>One card on the board: the mission with the names people read beside it and how its latest run stands.</summary>
public sealed record BoardCard(
    long Number,
    string Title,
    MissionStatus Status,
    long Version,
    Guid? AssigneeId,
    string? AssigneeName,
    Guid? ProjectId,
    string? ProjectName,
    DateOnly? DueDate,
    RunStatus? LatestRun)
{
    public string Label => Mission.FormatNumber(Number);

    public bool IsOverdue(DateOnly today) => DueDate is { } due && due < today && Status is not (MissionStatus.Done or MissionStatus.Cancelled);
}

/// <summary>A column: the first cards in board order, and how many match in all.</summary>
public sealed record BoardLane(MissionStatus Status, string Title, IReadOnlyList<BoardCard> Cards, int Total);

/// <summary>What the board is narrowed to: words in the title (or a mission number), a project, an assignee, a person's own.</summary>
public sealed record BoardFilter(string? Text = null, Guid? ProjectId = null, Guid? AssigneeId = null, string? PersonId = null);

/// <summary>
/// The reads of the board page, in the database: each column's first cards in board order (rank, then number) and its
/// total, narrowed by the filter, with each card's latest run — so a board of ten thousand missions sends the first
/// few of each column, not all of them. A stamp changes whenever anything the board shows changes, which the open
/// page checks to follow changes made elsewhere (chat, a run, the API, another host) without a reload.
/// </summary>
public sealed class BoardData(MissionsDbContext db, MissionQueries queries, WorkspaceCache workspaces)
{
    public const int PageSize = 50;

    public Task<WorkspaceSnapshot> WorkspaceAsync(CancellationToken cancellationToken) => workspaces.GetAsync(db, cancellationToken);

    public async Task<IReadOnlyList<BoardLane>> LanesAsync(BoardFilter filter, Func<MissionStatus, int> limit, CancellationToken cancellationToken)
    {
        var totals = await Filtered(filter).GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var lanes = new List<(MissionStatus Status, List<MissionRow> Rows)>();
        foreach (var status in MissionLifecycle.Columns)
        {
            var rows = totals.GetValueOrDefault(status) == 0 ? []
                : await queries.RowsAsync(Filtered(filter).Where(m => m.Status == status).OrderBy(m => m.Rank).ThenBy(m => m.Number).Take(limit(status)), cancellationToken);
            lanes.Add((status, rows));
        }

        var ids = lanes.SelectMany(l => l.Rows).Select(r => r.Mission.Id).ToList();
        var runs = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.MissionId)).Select(r => new { r.MissionId, r.Status, r.QueuedAt }).ToListAsync(cancellationToken);
        var latest = runs.GroupBy(r => r.MissionId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.QueuedAt)!.Status);
        return lanes.Select(l => new BoardLane(l.Status, MissionLifecycle.ColumnTitle(l.Status), l.Rows.Select(r => new BoardCard(
            r.Mission.Number, r.Mission.Title, r.Mission.Status, r.Mission.Version, r.Mission.AssigneeId, r.AssigneeName, r.Mission.ProjectId, r.ProjectName,
            r.Mission.DueDate, latest.TryGetValue(r.Mission.Id, out var s) ? s : null)).ToList(), totals.GetValueOrDefault(l.Status))).ToList();
    }

    private IQueryable<Mission> Filtered(BoardFilter filter)
    {
        var query = db.Missions.AsNoTracking();
        if (filter.Text?.Trim() is { Length: > 0 } text)
        {
            var lower = text.ToLowerInvariant();
#pragma warning disable CA1862 // Runs in the database as lower(Title) containing the words, on every provider; a StringComparison does not translate.
            query = Mission.TryParseNumber(text, out var number)
                ? query.Where(m => m.Number == number || m.Title.ToLower().Contains(lower))
                : query.Where(m => m.Title.ToLower().Contains(lower));
#pragma warning restore CA1862
        }

        if (filter.ProjectId is { } project)
        {
            query = query.Where(m => m.ProjectId == project);
        }

        if (filter.AssigneeId is { } assignee)
        {
            query = query.Where(m => m.AssigneeId == assignee);
        }

        if (filter.PersonId is { } person)
        {
            query = query.Where(m => m.RequestedById == person || m.ApprovedById == person);
        }

        return query;
    }

    /// <summary>Changes when a mission or a run changes (or one is added): the newest change of each, and how many there are.</summary>
    public async Task<string> StampAsync(CancellationToken cancellationToken)
    {
        var missions = await db.Missions.CountAsync(cancellationToken);
        var latest = await db.Missions.MaxAsync(m => (DateTime?)m.UpdatedAt, cancellationToken);
        var runs = await db.Runs.CountAsync(cancellationToken);
        var versions = await db.Runs.SumAsync(r => r.Version, cancellationToken);
        return $"{missions}:{latest:O}:{runs}:{versions}";
    }
}
