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
        builder.Services.AddScoped<MissionEditor>();
        builder.Services.AddScoped<MissionQueries>();
        builder.Services.AddSingleton<Web.PublicAddress>();
        builder.Services.AddScoped<AttachmentService>();
        builder.Services.AddHostedService<UploadSweeper>();
        builder.Services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.Section)
            .Validate(o => o.MaxBytes > 0, "Missions:Attachments:MaxBytes must be positive.")
            .Validate(o => o.ChatFileTimeout > TimeSpan.Zero, "Missions:Attachments:ChatFileTimeout must be positive.")
            .ValidateOnStart();
        return builder;
    }

    public static RouteGroupBuilder MapMissionsApi(this RouteGroupBuilder api)
    {
        var missions = api.MapGroup("/missions").WithTags("Missions");

        missions.MapGet("/", ListAsync);
        missions.MapGet("/{number}", async (string number, MissionQueries queries, HttpContext http, CancellationToken ct) =>
            WithETag(http, await DescribeAsync(queries, ParseNumber(number), ct)));
        // A mission made without a proposal is approved by whoever makes it (an operator's key, an approver): the caller
        // must be one who may approve, and is recorded as its approver.
        missions.MapPost("/", async Task<Created<MissionDto>> (CreateMissionRequest body, MissionOperations ops, MissionQueries queries, HttpContext http, CancellationToken ct) =>
        {
            var created = await ops.CreateAsync(new NewMission(
                body.Title ?? "", body.Objective ?? "", body.Description, body.ProjectId, body.AssigneeId, body.BlueprintId,
                body.AutoRun ?? false, body.DueDate, Workspace: ApiAccess.WorkspaceForNew(http, body.Workspace)), ApiAccess.ActorOf(http), ct);
            var dto = await DescribeAsync(queries, created.Number, ct);
            http.Response.Headers.ETag = ETags.Format(dto.Version);
            return TypedResults.Created($"/api/missions/{dto.Number}", dto);
        });
        missions.MapPatch("/{number}", async (string number, EditMissionRequest body, MissionEditor editor, MissionQueries queries, HttpContext http, CancellationToken ct) =>
        {
            var expected = ETags.RequireIfMatch(http);
            var edited = await editor.EditAsync(ParseNumber(number), expected, new MissionEdit(
                body.Title, body.Objective, body.Description, body.ProjectId, body.AssigneeId, body.BlueprintId, body.AutoRun, body.DueDate),
                ApiAccess.ActorOf(http), ct);
            return WithETag(http, await DescribeAsync(queries, edited.Mission.Number, ct));
        });
        missions.MapPost("/{number}/transitions", async (string number, TransitionRequest body, MissionOperations ops, MissionQueries queries, HttpContext http, CancellationToken ct) =>
        {
            var to = body.To ?? throw DomainException.Invalid("to", "'to' is required: Backlog, InProgress, Review, Done or Cancelled.");
            var moved = await ops.TransitionAsync(ParseNumber(number), to, ETags.ReadIfMatch(http), ApiAccess.ActorOf(http), body.Note, ct);
            return WithETag(http, await DescribeAsync(queries, moved.Number, ct));
        });
        missions.MapPost("/{number}/move", async (string number, MoveRequest body, MissionOperations ops, MissionQueries queries, HttpContext http, CancellationToken ct) =>
        {
            var moved = await ops.MoveAsync(ParseNumber(number), body.Status, ParseNeighbour(body.After, "after"), ParseNeighbour(body.Before, "before"),
                ETags.ReadIfMatch(http), ApiAccess.ActorOf(http), ct);
            return WithETag(http, await DescribeAsync(queries, moved.Number, ct));
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
                throw DomainException.Invalid("file", "Send the file as multipart/form-data in a field named 'file'.");
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
                ?? throw DomainException.NotFound($"{Mission.FormatNumber(mission.Number)} has no attachment {id}.");
            var stream = await store.OpenReadAsync(attachment.StorageKey, ct)
                ?? throw DomainException.NotFound($"The content of {attachment.FileName} is missing from storage.");
            return TypedResults.File(stream, attachment.ContentType, attachment.FileName);
        });

        missions.MapGet("/{number}/activity", async (string number, MissionOperations ops, MissionsDbContext db, CancellationToken ct) =>
        {
            var mission = await ops.GetAsync(ParseNumber(number), ct);
            var entries = await db.ActivityEntries.AsNoTracking().Where(a => a.MissionId == mission.Id).OrderBy(a => a.Id).ToListAsync(ct);
            return TypedResults.Ok(entries.Select(ActivityDto.From));
        });

        api.MapGet("/board", async (Guid? project, MissionQueries queries, CancellationToken ct) =>
        {
            var columns = await queries.BoardAsync(project, perColumn: null, ct);
            return TypedResults.Ok(new BoardDto(columns.Select(c => new BoardColumnDto(c.Status, c.Title, c.Missions.Select(Dto).ToList())).ToList()));
        }).WithTags("Board");

        return api;
    }

    private static async Task<Ok<PageDto<MissionDto>>> ListAsync(
        MissionsDbContext db,
        MissionQueries queries,
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
            throw DomainException.Invalid("page", "'page' starts at 1.");
        }

        if (size is < 1 or > MaxPageSize)
        {
            throw DomainException.Invalid("pageSize", $"'pageSize' is 1 to {MaxPageSize}.");
        }

        if ((long)(pageNumber - 1) * size > int.MaxValue)
        {
            // Past any board there could be, and past what the database's offset can hold.
            throw DomainException.Invalid("page", $"'page' is too far: at most {int.MaxValue / size + 1} with {size} a page.");
        }

        var query = db.Missions.AsQueryable();
        if (!string.IsNullOrWhiteSpace(status))
        {
            var statuses = new List<MissionStatus>();
            foreach (var part in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                statuses.Add(Enum.TryParse<MissionStatus>(part, ignoreCase: true, out var s) || MissionLifecycle.TryParseStatus(part, out s)
                    ? s
                    : throw DomainException.Invalid("status", $"'{part}' is not a status: Backlog, InProgress, Review, Done or Cancelled."));
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
                throw DomainException.Invalid("q", "'q' is at most 200 characters.");
            }

#pragma warning disable CA1862 // EF translates ToLower() + Contains to SQL on every provider; the StringComparison overloads do not translate.
            query = query.Where(m => m.Title.ToLower().Contains(text) || m.Objective.ToLower().Contains(text) || m.Description.ToLower().Contains(text));
#pragma warning restore CA1862
        }

        var total = await query.CountAsync(ct);
        var items = (await queries.RowsAsync(query.OrderBy(m => m.Number).Skip((pageNumber - 1) * size).Take(size), ct)).Select(Dto).ToList();
        return TypedResults.Ok(new PageDto<MissionDto>(items, pageNumber, size, total));
    }

    private static MissionDto Dto(MissionRow row) => MissionDto.From(row.Mission, row.ProjectName, row.AssigneeName);

    private static async Task<MissionDto> DescribeAsync(MissionQueries queries, long number, CancellationToken ct) =>
        Dto(await queries.OneAsync(number, ct) ?? throw NotFound(Mission.FormatNumber(number)));

    private static AttachmentDto ToDto(Mission mission, Attachment a) => new(
        a.Id, a.FileName, a.ContentType, a.Size, a.Sha256, a.UploadedByName, a.CreatedAt,
        $"/api/missions/{Mission.FormatNumber(mission.Number)}/attachments/{a.Id}");

    internal static long ParseNumber(string number) =>
        Mission.TryParseNumber(number, out var n) ? n : throw DomainException.Invalid("number", $"'{number}' is not a mission number such as M-42.");

    private static long? ParseNeighbour(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? null
        : Mission.TryParseNumber(value, out var n) ? n
        : throw DomainException.Invalid(field, $"'{value}' is not a mission number such as M-42.");

    private static DomainException NotFound(string number) => DomainException.NotFound($"There is no mission {number}.");

    private static Ok<MissionDto> WithETag(HttpContext http, MissionDto dto)
    {
        http.Response.Headers.ETag = ETags.Format(dto.Version);
        return TypedResults.Ok(dto);
    }
}
