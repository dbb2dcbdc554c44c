using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Web;

namespace Missions.Host.Missions;

public static class MissionsApi
{
    public const int MaxPageSize = 200;

    public static IHostApplicationBuilder AddMissions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<MissionOperations>();
        builder.Services.AddScoped<AttachmentService>();
        builder.Services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.Section)
            .Validate(o => o.MaxBytes > 0, "Missions:Attachments:MaxBytes must be positive.")
            .ValidateOnStart();
        return builder;
    }

    public static RouteGroupBuilder MapMissionsApi(this RouteGroupBuilder api)
    {
        var missions = api.MapGroup("/missions").WithTags("Missions");

        missions.MapGet("/", ListAsync);
        missions.MapGet("/{number}", async (string number, MissionsDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var n = ParseNumber(number);
            var mission = await Describe(db, db.Missions.Where(m => m.Number == n), ct);
            return mission.Count == 0 ? throw NotFound(number) : WithETag(http, mission[0]);
        });
        missions.MapPost("/", async Task<Created<MissionDto>> (CreateMissionRequest body, MissionOperations ops, MissionsDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var created = await ops.CreateAsync(new NewMission(
                body.Title ?? "", body.Objective ?? "", body.Description, body.ProjectId, body.AssigneeId, body.BlueprintId,
                body.AutoRun ?? false, body.DueDate), ApiAccess.ActorOf(http), ct);
            var dto = await DescribeAsync(db, created.Id, ct);
            http.Response.Headers.ETag = ETags.Format(dto.Version);
            return TypedResults.Created($"/api/missions/{dto.Number}", dto);
        });
        missions.MapPatch("/{number}", async (string number, EditMissionRequest body, MissionOperations ops, MissionsDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var expected = ETags.RequireIfMatch(http);
            var edited = await ops.EditAsync(ParseNumber(number), expected, new MissionEdit(
                body.Title, body.Objective, body.Description, body.ProjectId, body.AssigneeId, body.BlueprintId, body.AutoRun, body.DueDate),
                ApiAccess.ActorOf(http), ct);
            return WithETag(http, await DescribeAsync(db, edited.Id, ct));
        });
        missions.MapPost("/{number}/transitions", async (string number, TransitionRequest body, MissionOperations ops, MissionsDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var to = body.To ?? throw ProblemException.Invalid("to", "'to' is required: Backlog, InProgress, Review, Done or Cancelled.");
            var actor = ApiAccess.ActorOf(http);
            await using var scope = await db.BeginWriteAsync(ct);
            if (to == MissionStatus.Cancelled)
            {
                // A run under way stops with its mission.
                await http.RequestServices.GetRequiredService<Runs.RunOperations>().StopActiveAsync(ParseNumber(number), actor, ct);
            }

            var moved = await ops.TransitionAsync(ParseNumber(number), to, ETags.ReadIfMatch(http), actor, body.Note, ct);
            await MissionNotices.StatusChangedAsync(db, moved, actor, http.RequestServices, ct);
            await scope.CommitAsync(ct);
            http.RequestServices.GetRequiredService<Outbox.OutboxSignal>().Pulse();
            return WithETag(http, await DescribeAsync(db, moved.Id, ct));
        });
        missions.MapPost("/{number}/move", async (string number, MoveRequest body, MissionOperations ops, MissionsDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var actor = ApiAccess.ActorOf(http);
            await using var scope = await db.BeginWriteAsync(ct);
            var before = await db.Missions.AsNoTracking().Where(m => m.Number == ParseNumber(number)).Select(m => (MissionStatus?)m.Status).SingleOrDefaultAsync(ct);
            var moved = await ops.MoveAsync(ParseNumber(number), body.Status, ParseNeighbour(body.After, "after"), ParseNeighbour(body.Before, "before"),
                ETags.ReadIfMatch(http), actor, ct);
            if (before != moved.Status)
            {
                await MissionNotices.StatusChangedAsync(db, moved, actor, http.RequestServices, ct);
            }

            await scope.CommitAsync(ct);
            http.RequestServices.GetRequiredService<Outbox.OutboxSignal>().Pulse();
            return WithETag(http, await DescribeAsync(db, moved.Id, ct));
        });

        missions.MapGet("/{number}/tasks", async (string number, MissionOperations ops, MissionsDbContext db, CancellationToken ct) =>
        {
            var mission = await ops.GetAsync(ParseNumber(number), ct);
            var tasks = await db.MissionTasks.AsNoTracking().Where(t => t.MissionId == mission.Id).OrderBy(t => t.Position).ToListAsync(ct);
            return TypedResults.Ok(tasks.Select(TaskDto.From));
        });
        missions.MapPost("/{number}/tasks", async Task<Created<TaskDto>> (string number, TaskRequest body, MissionOperations ops, HttpContext http, CancellationToken ct) =>
        {
            var task = await ops.AddTaskAsync(ParseNumber(number), body.Title, body.StaffId, ApiAccess.ActorOf(http), ct);
            return TypedResults.Created($"/api/missions/{number}/tasks", TaskDto.From(task));
        });

        missions.MapGet("/{number}/comments", async (string number, MissionOperations ops, MissionsDbContext db, CancellationToken ct) =>
        {
            var mission = await ops.GetAsync(ParseNumber(number), ct);
            var comments = await db.Comments.AsNoTracking().Where(c => c.MissionId == mission.Id)
                .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
            return TypedResults.Ok(comments.Select(CommentDto.From));
        });
        missions.MapPost("/{number}/comments", async Task<Created<CommentDto>> (string number, CommentRequest body, MissionOperations ops, HttpContext http, CancellationToken ct) =>
        {
            var comment = await ops.AddCommentAsync(ParseNumber(number), body.Text, ApiAccess.ActorOf(http), ct);
            return TypedResults.Created($"/api/missions/{number}/comments", CommentDto.From(comment));
        });

        missions.MapGet("/{number}/attachments", async (string number, MissionOperations ops, MissionsDbContext db, CancellationToken ct) =>
        {
            var mission = await ops.GetAsync(ParseNumber(number), ct);
            var attachments = await db.Attachments.AsNoTracking().Where(a => a.MissionId == mission.Id).OrderBy(a => a.CreatedAt).ToListAsync(ct);
            return TypedResults.Ok(attachments.Select(a => ToDto(mission, a)));
        });
        missions.MapPost("/{number}/attachments", async Task<Created<AttachmentDto>> (string number, IFormFile? file, AttachmentService attachments, MissionOperations ops, HttpContext http, CancellationToken ct) =>
        {
            if (file is null)
            {
                throw ProblemException.Invalid("file", "Send the file as multipart/form-data in a field named 'file'.");
            }

            var attachment = await attachments.AddAsync(ParseNumber(number), file, ApiAccess.ActorOf(http), ct);
            var mission = await ops.GetAsync(ParseNumber(number), ct);
            var dto = ToDto(mission, attachment);
            return TypedResults.Created(dto.DownloadUrl, dto);
        })
            // An API client authenticates with a key, not a cookie, so there is no cross-site form to forge.
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(64 * 1024 * 1024));
        missions.MapGet("/{number}/attachments/{id:guid}", async (string number, Guid id, MissionOperations ops, MissionsDbContext db, IContentStore store, CancellationToken ct) =>
        {
            var mission = await ops.GetAsync(ParseNumber(number), ct);
            var attachment = await db.Attachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.MissionId == mission.Id, ct)
                ?? throw ProblemException.NotFound($"{Mission.FormatNumber(mission.Number)} has no attachment {id}.");
            var stream = await store.OpenReadAsync(attachment.StorageKey, ct)
                ?? throw ProblemException.NotFound($"The content of {attachment.FileName} is missing from storage.");
            return TypedResults.File(stream, attachment.ContentType, attachment.FileName);
        });

        missions.MapGet("/{number}/activity", async (string number, MissionOperations ops, MissionsDbContext db, CancellationToken ct) =>
        {
            var mission = await ops.GetAsync(ParseNumber(number), ct);
            var entries = await db.ActivityEntries.AsNoTracking().Where(a => a.MissionId == mission.Id).OrderBy(a => a.Id).ToListAsync(ct);
            return TypedResults.Ok(entries.Select(ActivityDto.From));
        });

        api.MapGet("/board", async (Guid? project, MissionsDbContext db, CancellationToken ct) =>
        {
            var query = db.Missions.Where(m => m.Status != MissionStatus.Cancelled);
            if (project is { } p)
            {
                query = query.Where(m => m.ProjectId == p);
            }

            var all = await Describe(db, query.OrderBy(m => m.Rank).ThenBy(m => m.Number), ct);
            MissionStatus[] columns = [MissionStatus.Backlog, MissionStatus.InProgress, MissionStatus.Review, MissionStatus.Done];
            return TypedResults.Ok(new BoardDto(columns.Select(status => new BoardColumnDto(
                status,
                ColumnTitle(status),
                all.Where(m => m.Status == status).ToList())).ToList()));
        }).WithTags("Board");

        return api;
    }

    public static string ColumnTitle(MissionStatus status) => status switch
    {
        MissionStatus.Backlog => "Backlog",
        MissionStatus.InProgress => "In progress",
        MissionStatus.Review => "Review",
        MissionStatus.Done => "Done",
        _ => "Cancelled",
    };

    private static async Task<Ok<PageDto<MissionDto>>> ListAsync(
        MissionsDbContext db,
        [FromQuery] string? status,
        [FromQuery] Guid? project,
        [FromQuery] Guid? assignee,
        [FromQuery] string? q,
        [FromQuery] int? page,
        [FromQuery] int? pageSize,
        CancellationToken ct)
    {
        var pageNumber = page ?? 1;
        var size = pageSize ?? 50;
        if (pageNumber < 1)
        {
            throw ProblemException.Invalid("page", "'page' starts at 1.");
        }

        if (size is < 1 or > MaxPageSize)
        {
            throw ProblemException.Invalid("pageSize", $"'pageSize' is 1 to {MaxPageSize}.");
        }

        var query = db.Missions.AsQueryable();
        if (!string.IsNullOrWhiteSpace(status))
        {
            var statuses = new List<MissionStatus>();
            foreach (var part in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                statuses.Add(Enum.TryParse<MissionStatus>(part, ignoreCase: true, out var s) || MissionLifecycle.TryParseStatus(part, out s)
                    ? s
                    : throw ProblemException.Invalid("status", $"'{part}' is not a status: Backlog, InProgress, Review, Done or Cancelled."));
            }

            query = query.Where(m => statuses.Contains(m.Status));
        }

        if (project is { } p)
        {
            query = query.Where(m => m.ProjectId == p);
        }

        if (assignee is { } a)
        {
            query = query.Where(m => m.AssigneeId == a);
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim().ToLowerInvariant();
            if (text.Length > 200)
            {
                throw ProblemException.Invalid("q", "'q' is at most 200 characters.");
            }

#pragma warning disable CA1862 // EF translates ToLower() + Contains to SQL on every provider; the StringComparison overloads do not translate.
            query = query.Where(m => m.Title.ToLower().Contains(text) || m.Objective.ToLower().Contains(text) || m.Description.ToLower().Contains(text));
#pragma warning restore CA1862
        }

        var total = await query.CountAsync(ct);
        var items = await Describe(db, query.OrderBy(m => m.Number).Skip((pageNumber - 1) * size).Take(size), ct);
        return TypedResults.Ok(new PageDto<MissionDto>(items, pageNumber, size, total));
    }

    /// <summary>Missions with their project and assignee names, in the query's order.</summary>
    private static async Task<List<MissionDto>> Describe(MissionsDbContext db, IQueryable<Mission> query, CancellationToken ct)
    {
        var rows = await query.AsNoTracking()
            .Select(m => new
            {
                Mission = m,
                Project = db.Projects.Where(p => p.Id == m.ProjectId).Select(p => p.Name).FirstOrDefault(),
                Assignee = db.Staff.Where(s => s.Id == m.AssigneeId).Select(s => s.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(r => MissionDto.From(r.Mission, r.Project, r.Assignee)).ToList();
    }

    private static async Task<MissionDto> DescribeAsync(MissionsDbContext db, Guid id, CancellationToken ct) =>
        (await Describe(db, db.Missions.Where(m => m.Id == id), ct))[0];

    private static AttachmentDto ToDto(Mission mission, Attachment a) => new(
        a.Id, a.FileName, a.ContentType, a.Size, a.Sha256, a.UploadedByName, a.CreatedAt,
        $"/api/missions/{Mission.FormatNumber(mission.Number)}/attachments/{a.Id}");

    internal static long ParseNumber(string number) =>
        Mission.TryParseNumber(number, out var n) ? n : throw ProblemException.Invalid("number", $"'{number}' is not a mission number such as M-42.");

    private static long? ParseNeighbour(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? null
        : Mission.TryParseNumber(value, out var n) ? n
        : throw ProblemException.Invalid(field, $"'{value}' is not a mission number such as M-42.");

    private static ProblemException NotFound(string number) => ProblemException.NotFound($"There is no mission {number}.");

    private static Ok<MissionDto> WithETag(HttpContext http, MissionDto dto)
    {
        http.Response.Headers.ETag = ETags.Format(dto.Version);
        return TypedResults.Ok(dto);
    }
}
