using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Proposals;

namespace Missions.Host.Conversations;

/// <summary>
/// The reads every chat turn runs, compiled once (as <see cref="WebChat.DirectLineQueries"/>): EF then skips building
/// and matching the expression tree on each call, which under load costs more than SQLite answering.
/// </summary>
internal sealed class TurnQueries
{
    public static TurnQueries For(MissionsDbContext db) => PerProvider<TurnQueries>.For(db);

    public sealed record ConversationRow(string? TimeZone, Guid? ProjectId);

    public sealed record OpenMissionRow(long Number, string Title, Guid? ProjectId, MissionStatus Status);

    public readonly Func<MissionsDbContext, Guid, Task<ConversationRow?>> Conversation =
        EF.CompileAsyncQuery((MissionsDbContext db, Guid id) =>
            db.ConversationReferences.AsNoTracking().Where(c => c.Id == id).Select(c => new ConversationRow(c.TimeZone, c.ProjectId)).FirstOrDefault());

    /// <summary>The answer an inbound event was given, if it was received before.</summary>
    public readonly Func<MissionsDbContext, string, string, Task<string?>> AnswerGiven =
        EF.CompileAsyncQuery((MissionsDbContext db, string channel, string eventId) =>
            db.InboundEvents.AsNoTracking().Where(e => e.Channel == channel && e.EventId == eventId).Select(e => e.ResponseJson).FirstOrDefault());

    /// <summary>The first queued event of a conversation (the inbox handles them in the order received).</summary>
    public readonly Func<MissionsDbContext, Guid, Task<InboundEvent?>> InboxHead =
        EF.CompileAsyncQuery((MissionsDbContext db, Guid conversationId) =>
            db.InboundEvents.AsNoTracking()
                .Where(e => e.Status == InboundEventStatus.Queued && (e.ConversationReferenceId ?? Guid.Empty) == conversationId)
                .OrderBy(e => e.ReceivedAt).ThenBy(e => e.EventId)
                .FirstOrDefault());

    public readonly Func<MissionsDbContext, Guid, Task<Proposal?>> Proposal =
        EF.CompileAsyncQuery((MissionsDbContext db, Guid id) => db.Proposals.AsNoTracking().FirstOrDefault(p => p.Id == id));

#pragma warning disable CA1862 // EF translates ToLower() + Contains to SQL on every provider; the StringComparison overloads do not translate.
    /// <summary>The project's newest open missions (a window), those whose title contains the word, newest first.</summary>
    public readonly Func<MissionsDbContext, Guid?, string, int, IAsyncEnumerable<OpenMissionRow>> OpenMissionsLike =
        EF.CompileAsyncQuery((MissionsDbContext db, Guid? projectId, string word, int window) =>
            db.Missions.AsNoTracking()
                .Where(m => m.ProjectId == projectId && m.Status != MissionStatus.Done && m.Status != MissionStatus.Cancelled)
                .OrderByDescending(m => m.Number).Take(window)
                .Where(m => m.Title.ToLower().Contains(word))
                .OrderByDescending(m => m.Number).Take(20)
                .Select(m => new OpenMissionRow(m.Number, m.Title, m.ProjectId, m.Status)));

    /// <summary>The newest pending proposals (a window), those of the project whose title contains the word.</summary>
    public readonly Func<MissionsDbContext, Guid?, string, int, IAsyncEnumerable<ExistingWork>> PendingProposalsLike =
        EF.CompileAsyncQuery((MissionsDbContext db, Guid? projectId, string word, int window) =>
            db.Proposals.AsNoTracking()
                .Where(p => p.Status == ProposalStatus.Pending)
                .OrderByDescending(p => p.CreatedAt).Take(window)
                .Where(p => p.ProjectId == projectId && p.Title.ToLower().Contains(word))
                .OrderByDescending(p => p.CreatedAt).Take(20)
                .Select(p => new ExistingWork("a pending proposal", p.Title, p.ProjectId)));
#pragma warning restore CA1862

    public readonly Func<MissionsDbContext, MissionStatus, Guid?, Task<string?>> LastRank =
        EF.CompileAsyncQuery((MissionsDbContext db, MissionStatus column, Guid? except) =>
            db.Missions.AsNoTracking()
                .Where(m => m.Status == column && m.Id != except)
                .OrderByDescending(m => m.Rank)
                .Select(m => m.Rank)
                .FirstOrDefault());
}
