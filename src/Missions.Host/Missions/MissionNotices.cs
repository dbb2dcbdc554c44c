using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;

namespace Missions.Host.Missions;

/// <summary>
/// Tells the conversation a mission came from what happened to it elsewhere (on the board, through the API), so the
/// people who asked see it where they asked. Written into the caller's transaction through the outbox.
/// </summary>
public static class MissionNotices
{
    public static async Task StatusChangedAsync(MissionsDbContext db, Mission mission, Actor actor, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (mission.ConversationReferenceId is not { } conversation)
        {
            return;
        }

        var open = await db.ConversationReferences.AsNoTracking().AnyAsync(c => c.Id == conversation && c.ClosedAt == null, cancellationToken);
        if (!open)
        {
            return;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var text = $"**{Mission.FormatNumber(mission.Number)}** “{mission.Title}” is now {MissionLifecycle.Describe(mission.Status)} (moved by {actor.Name}).";
        OutboxWriter.Post(db, conversation, new NoticeView(text, mission.Status == MissionStatus.Done ? NoticeTone.Success : NoticeTone.Info), now);
        await db.SaveChangesAsync(cancellationToken);
    }
}
