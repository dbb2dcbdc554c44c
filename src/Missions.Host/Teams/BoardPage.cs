using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Web;

namespace Missions.Host.Teams;

/// <summary>
/// The board as a plain HTML page: the Teams app's static tab, and a quick look from a browser. Read-only, rendered
/// on the server, behind the same access policy as the REST API.
/// </summary>
public static class BoardPage
{
    public static IEndpointRouteBuilder MapBoardPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/board", async (MissionsDbContext db, CancellationToken ct) =>
        {
            var missions = await db.Missions.AsNoTracking().Where(m => m.Status != MissionStatus.Cancelled)
                .OrderBy(m => m.Rank).ThenBy(m => m.Number)
                .Select(m => new { m.Number, m.Title, m.Status, m.DueDate, Assignee = db.Staff.Where(s => s.Id == m.AssigneeId).Select(s => s.Name).FirstOrDefault() })
                .ToListAsync(ct);
            var html = new StringBuilder("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Missions board</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font-family:"Segoe UI",system-ui,sans-serif;margin:16px;background:#f5f5f5;color:#242424}
                main{display:grid;grid-template-columns:repeat(4,minmax(180px,1fr));gap:12px}section{background:#fff;border-radius:8px;padding:8px 12px}
                h2{font-size:14px;margin:4px 0 8px}article{border:1px solid #e0e0e0;border-radius:6px;padding:6px 8px;margin:6px 0;font-size:13px}
                small{color:#616161;display:block}</style></head><body><h1>Board</h1><main>
                """);
            foreach (var status in new[] { MissionStatus.Backlog, MissionStatus.InProgress, MissionStatus.Review, MissionStatus.Done })
            {
                var column = missions.Where(m => m.Status == status).ToList();
                html.Append("<section><h2>").Append(E(MissionsApi.ColumnTitle(status))).Append(" (").Append(column.Count).Append(")</h2>");
                foreach (var m in column)
                {
                    html.Append("<article><strong>").Append(E(Mission.FormatNumber(m.Number))).Append("</strong> ").Append(E(m.Title)).Append("<small>")
                        .Append(E(m.Assignee ?? "unassigned"))
                        .Append(m.DueDate is { } due ? " · due " + due.ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture) : "")
                        .Append("</small></article>");
                }

                html.Append("</section>");
            }

            html.Append("</main></body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8");
        }).RequireAuthorization(ApiAccess.Policy).ExcludeFromDescription();
        return app;

        static string E(string text) => WebUtility.HtmlEncode(text);
    }
}
