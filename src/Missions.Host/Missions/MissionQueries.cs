using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;

namespace Missions.Host.Missions;

/// <summary>A mission with the names a person reads beside it.</summary>
public sealed record MissionRow(Mission Mission, string? ProjectName, string? AssigneeName);

/// <summary>One column of the board: its missions in board order (all of them, or the first few) and how many there are.</summary>
public sealed record BoardColumn(MissionStatus Status, string Title, int Total, IReadOnlyList<MissionRow> Missions);

/// <summary>
/// The reads of missions every surface shares — the board, lists, one mission with its names — so chat, the REST API
/// and the board page show the same thing in the same order.
/// </summary>
public sealed class MissionQueries(MissionsDbContext db)
{
    /// <summary>The board: each column in board order (rank, then number); <paramref name="perColumn"/> keeps the first few.</summary>
    public async Task<IReadOnlyList<BoardColumn>> BoardAsync(Guid? projectId, int? perColumn, CancellationToken cancellationToken)
    {
        var columns = new List<BoardColumn>();
        foreach (var status in MissionLifecycle.Columns)
        {
            var query = db.Missions.Where(m => m.Status == status);
            if (projectId is { } project)
            {
                query = query.Where(m => m.ProjectId == project);
            }

            var ordered = query.OrderBy(m => m.Rank).ThenBy(m => m.Number);
            var rows = await RowsAsync(perColumn is { } take ? ordered.Take(take) : ordered, cancellationToken);
            var total = perColumn is null || rows.Count < perColumn ? rows.Count : await query.CountAsync(cancellationToken);
            columns.Add(new BoardColumn(status, MissionLifecycle.ColumnTitle(status), total, rows));
        }

        return columns;
    }

    /// <summary>
    /// The missions in one column (every open one when none is given), of one person (asked for or approved by them)
    /// or of everyone, oldest first.
    /// </summary>
    public Task<List<MissionRow>> ListAsync(MissionStatus? status, string? personId, int take, CancellationToken cancellationToken)
    {
        var query = status is { } s
            ? db.Missions.Where(m => m.Status == s)
            : db.Missions.Where(m => m.Status != MissionStatus.Done && m.Status != MissionStatus.Cancelled);
        if (personId is not null)
        {
            query = query.Where(m => m.RequestedById == personId || m.ApprovedById == personId);
        }

        return RowsAsync(query.OrderBy(m => m.Number).Take(take), cancellationToken);
    }

    /// <summary>One mission with its names; null when there is none with that number.</summary>
    public async Task<MissionRow?> OneAsync(long number, CancellationToken cancellationToken) =>
        (await RowsAsync(db.Missions.Where(m => m.Number == number), cancellationToken)).SingleOrDefault();

    /// <summary>The query's missions with their project and assignee names, in the query's order.</summary>
    public async Task<List<MissionRow>> RowsAsync(IQueryable<Mission> query, CancellationToken cancellationToken)
    {
        var rows = await query.AsNoTracking()
            .Select(m => new
            {
                Mission = m,
                Project = db.Projects.Where(p => p.Id == m.ProjectId).Select(p => p.Name).FirstOrDefault(),
                Assignee = db.Staff.Where(s => s.Id == m.AssigneeId).Select(s => s.Name).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new MissionRow(r.Mission, r.Project, r.Assignee)).ToList();
    }
}
