using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Missions;

namespace Missions.Host.Proposals;

/// <summary>
/// Open work in a project whose title shares a drafted title's most distinctive word: the few candidates worth
/// comparing for the duplicate hint. Every request runs this, so it reads a bounded window — the project's newest
/// open missions (an index walk on project and number) and the newest pending proposals — never every open title.
/// </summary>
public sealed class OpenWork(MissionsDbContext db) : IOpenWork
{
    /// <summary>How far back the duplicate check looks: the newest open missions and pending proposals of a project.</summary>
    internal const int Window = 200;

    public async Task<IReadOnlyList<ExistingWork>> FindAsync(string title, Guid? projectId, CancellationToken cancellationToken)
    {
        if (OfflineProposer.DistinctiveWord(title) is not { } word)
        {
            return [];
        }

        var queries = TurnQueries.For(db);
        var missions = await queries.OpenMissionsLike(db, projectId, word, Window).ToListAsync(cancellationToken);
        var pending = await queries.PendingProposalsLike(db, projectId, word, Window).ToListAsync(cancellationToken);
        return missions.Select(m => new ExistingWork($"{Mission.FormatNumber(m.Number)} ({MissionLifecycle.Describe(m.Status)})", m.Title, m.ProjectId))
            .Concat(pending).ToList();
    }
}
