using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;

namespace Missions.Host.WebChat;

/// <summary>
/// The queries every poll and every turn runs, compiled once: EF then skips translating the expression tree on each
/// call, which on a small machine costs more than SQLite answering. One set per provider (see PerProvider).
/// </summary>
internal sealed class DirectLineQueries
{
    public static DirectLineQueries For(MissionsDbContext db) => PerProvider<DirectLineQueries>.For(db);

    public sealed record TranscriptRow(long Id, string Json);

    public sealed record ReferenceRow(Guid Id, string? TimeZone);

    public readonly Func<MissionsDbContext, string, long, int, IAsyncEnumerable<TranscriptRow>> Transcript =
        EF.CompileAsyncQuery((MissionsDbContext db, string conversationId, long after, int take) =>
            db.DirectLineActivities.AsNoTracking()
                .Where(a => a.ConversationId == conversationId && a.Id > after)
                .OrderBy(a => a.Id)
                .Take(take)
                .Select(a => new TranscriptRow(a.Id, a.Json)));

    public readonly Func<MissionsDbContext, string, string, Task<bool>> ConversationExists =
        EF.CompileAsyncQuery((MissionsDbContext db, string channel, string conversationId) =>
            db.ConversationReferences.Any(c => c.Channel == channel && c.ConversationId == conversationId));

    public readonly Func<MissionsDbContext, string, string, Task<ReferenceRow?>> Reference =
        EF.CompileAsyncQuery((MissionsDbContext db, string channel, string conversationId) =>
            db.ConversationReferences.AsNoTracking()
                .Where(c => c.Channel == channel && c.ConversationId == conversationId)
                .Select(c => new ReferenceRow(c.Id, c.TimeZone))
                .FirstOrDefault());

    public readonly Func<MissionsDbContext, string, string, Task<string?>> LatestJson =
        EF.CompileAsyncQuery((MissionsDbContext db, string conversationId, string activityId) =>
            db.DirectLineActivities.AsNoTracking()
                .Where(a => a.ConversationId == conversationId && a.ActivityId == activityId)
                .OrderByDescending(a => a.Id)
                .Select(a => a.Json)
                .FirstOrDefault());
}
