using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Web;

namespace Missions.Host.Board;

/// <summary>
/// The board and a mission as plain HTML pages: the Teams app's static tab, the place a card's "Open the board" and
/// "Read it all" links lead, and a quick look from a browser. Read-only, rendered on the server from the same reads as
/// chat and the REST API (<see cref="MissionQueries"/>), behind the same access policy as the REST API.
/// </summary>
public static class BoardPage
{
    private const string Style = """
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>body{font-family:"Segoe UI",system-ui,sans-serif;margin:16px;background:#f5f5f5;color:#242424}
        main{display:grid;grid-template-columns:repeat(4,minmax(180px,1fr));gap:12px}section{background:#fff;border-radius:8px;padding:8px 12px}
        h2{font-size:14px;margin:4px 0 8px}article{border:1px solid #e0e0e0;border-radius:6px;padding:6px 8px;margin:6px 0;font-size:13px}
        small{color:#616161;display:block}.text{background:#fff;border-radius:8px;padding:8px 16px;max-width:52rem;white-space:pre-wrap;line-height:1.5}
        a{color:#5b5fc7}</style>
        """;

    public static IEndpointRouteBuilder MapBoardPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/board", async (MissionQueries queries, CancellationToken ct) =>
        {
            var html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Missions board</title>")
                .Append(Style).Append("</head><body><h1>Board</h1><main>");
            foreach (var column in await queries.BoardAsync(null, perColumn: null, ct))
            {
                html.Append("<section><h2>").Append(E(column.Title)).Append(" (").Append(column.Total).Append(")</h2>");
                foreach (var row in column.Missions)
                {
                    var number = Mission.FormatNumber(row.Mission.Number);
                    html.Append("<article><a href=\"/missions/").Append(E(number)).Append("\"><strong>").Append(E(number)).Append("</strong></a> ")
                        .Append(E(row.Mission.Title)).Append("<small>").Append(E(row.AssigneeName ?? "unassigned"))
                        .Append(row.Mission.DueDate is { } due ? " · due " + due.ToString("d MMM", CultureInfo.InvariantCulture) : "")
                        .Append("</small></article>");
                }

                html.Append("</section>");
            }

            html.Append("</main></body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8");
        }).RequireAuthorization(ApiAccess.Policy).ExcludeFromDescription();

        app.MapGet("/missions/{number}", async (string number, MissionQueries queries, MissionsDbContext db, CancellationToken ct) =>
        {
            if (!Mission.TryParseNumber(number, out var n) || await queries.OneAsync(n, ct) is not { } row)
            {
                return Results.Content($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>{Style}</head><body><h1>There is no mission {E(number)}.</h1><p><a href=\"/board\">The board</a></p></body></html>",
                    "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            }

            var m = row.Mission;
            var label = Mission.FormatNumber(m.Number);
            var comments = await db.Comments.AsNoTracking().Where(c => c.MissionId == m.Id).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
                .Select(c => new { c.AuthorName, c.Text, c.CreatedAt }).ToListAsync(ct);
            var html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .Append(E(label)).Append(": ").Append(E(m.Title)).Append("</title>").Append(Style).Append("</head><body>")
                .Append("<p><a href=\"/board\">The board</a></p><h1>").Append(E(label)).Append(": ").Append(E(m.Title)).Append("</h1>")
                .Append("<p><small>").Append(E(MissionLifecycle.ColumnTitle(m.Status))).Append(" · ").Append(E(row.AssigneeName ?? "unassigned"))
                .Append(row.ProjectName is null ? "" : " · " + E(row.ProjectName))
                .Append(m.DueDate is { } due ? " · due " + due.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture) : "")
                .Append("</small></p><h2>Objective</h2><div class=\"text\">").Append(E(m.Objective)).Append("</div>");
            if (m.Description.Length > 0)
            {
                html.Append("<h2>Description</h2><div class=\"text\">").Append(E(m.Description)).Append("</div>");
            }

            if (comments.Count > 0)
            {
                html.Append("<h2>Comments</h2>");
                foreach (var c in comments)
                {
                    html.Append("<article><small>").Append(E(c.AuthorName)).Append(" · ").Append(c.CreatedAt.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture))
                        .Append("</small><div class=\"text\">").Append(E(c.Text)).Append("</div></article>");
                }
            }

            html.Append("</body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8");
        }).RequireAuthorization(ApiAccess.Policy).ExcludeFromDescription();
        return app;

        static string E(string text) => WebUtility.HtmlEncode(text);
    }
}
