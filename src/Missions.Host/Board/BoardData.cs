using Microsoft.EntityFrameworkCore;
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
    string? RequestedById,
    string? ApprovedById,
    RunStatus? LatestRun)
{
    public string Label => Mission.FormatNumber(Number);

    public bool IsOverdue(DateOnly today) => DueDate is { } due && due < today && Status is not (MissionStatus.Done or MissionStatus.Cancelled);
}

public sealed record BoardLane(MissionStatus Status, string Title, IReadOnlyList<BoardCard> Cards);

/// <summary>
/// The reads of the board page: the four columns in board order (the shared <see cref="MissionQueries"/>), with each
/// card's latest run; and a stamp that changes whenever anything the board shows changes, which the open page checks
/// to follow changes made elsewhere (chat, a run, the API, another host) without a reload.
/// </summary>
public sealed class BoardData(MissionsDbContext db, MissionQueries queries)
{
    public async Task<IReadOnlyList<BoardLane>> LanesAsync(CancellationToken cancellationToken)
    {
        var columns = await queries.BoardAsync(null, perColumn: null, cancellationToken);
        var ids = columns.SelectMany(c => c.Missions).Select(r => r.Mission.Id).ToList();
        var runs = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.MissionId))
            .Select(r => new { r.MissionId, r.Status, r.QueuedAt }).ToListAsync(cancellationToken);
        var latest = runs.GroupBy(r => r.MissionId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.QueuedAt)!.Status);
        return columns.Select(c => new BoardLane(c.Status, c.Title, c.Missions.Select(r => new BoardCard(
            r.Mission.Number, r.Mission.Title, r.Mission.Status, r.Mission.Version, r.Mission.AssigneeId, r.AssigneeName, r.Mission.ProjectId, r.ProjectName,
            r.Mission.DueDate, r.Mission.RequestedById, r.Mission.ApprovedById, latest.TryGetValue(r.Mission.Id, out var s) ? s : null)).ToList())).ToList();
    }

    /// <summary>Changes when a mission or a run changes (or one is added): the newest change of each, and how many there are.</summary>
    public async Task<string> StampAsync(CancellationToken cancellationToken)
    {
        var missions = await db.Missions.AsNoTracking().GroupBy(_ => 1).Select(g => new { Count = g.Count(), Latest = g.Max(m => m.UpdatedAt) }).FirstOrDefaultAsync(cancellationToken);
        var runs = await db.Runs.AsNoTracking().GroupBy(_ => 1).Select(g => new { Count = g.Count(), Versions = g.Sum(r => r.Version) }).FirstOrDefaultAsync(cancellationToken);
        return $"{missions?.Count}:{missions?.Latest:O}:{runs?.Count}:{runs?.Versions}";
    }
}
