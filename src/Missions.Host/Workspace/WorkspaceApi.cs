using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Web;

namespace Missions.Host.Workspace;

public sealed record ProjectDto(Guid Id, string Name, string Brief, DateTime CreatedAt, DateTime UpdatedAt, long Version)
{
    public static ProjectDto From(Project p) => new(p.Id, p.Name, p.Brief, p.CreatedAt, p.UpdatedAt, p.Version);
}

public sealed record StaffDto(Guid Id, string Name, string Role, string Instructions, string? Model, bool IsActive, DateTime CreatedAt, DateTime UpdatedAt, long Version)
{
    public static StaffDto From(Staff s) => new(s.Id, s.Name, s.Role, s.Instructions, s.Model, s.IsActive, s.CreatedAt, s.UpdatedAt, s.Version);
}

public sealed record BlueprintDto(
    Guid Id, string Name, string Description, string ObjectiveTemplate, Guid? DefaultStaffId,
    IReadOnlyList<string> Tasks, IReadOnlyList<string> ContextChecklist, IReadOnlyList<string> Keywords, bool AutoRun,
    DateTime CreatedAt, DateTime UpdatedAt, long Version)
{
    public static BlueprintDto From(Blueprint b) => new(
        b.Id, b.Name, b.Description, b.ObjectiveTemplate, b.DefaultStaffId, b.Tasks, b.ContextChecklist, b.Keywords, b.AutoRun,
        b.CreatedAt, b.UpdatedAt, b.Version);
}

public sealed record ProjectInput(Patch<string> Name, Patch<string> Brief);

public sealed record StaffInput(Patch<string> Name, Patch<string> Role, Patch<string> Instructions, Patch<string> Model, Patch<bool> IsActive);

public sealed record BlueprintInput(
    Patch<string> Name, Patch<string> Description, Patch<string> ObjectiveTemplate, Patch<Guid?> DefaultStaffId,
    Patch<List<string>> Tasks, Patch<List<string>> ContextChecklist, Patch<List<string>> Keywords, Patch<bool> AutoRun);

/// <summary>
/// Projects, staff and blueprints: list, get, create, edit (edits need If-Match). Everyone with access reads; only
/// the workspace's admins (<see cref="AccessPolicy"/>) create and edit.
/// </summary>
public static class WorkspaceApi
{
    private const int MaxListItems = 50;

    /// <summary>A change (anything but a read) is refused, with why, for a caller who may not administer.</summary>
    private static RouteGroupBuilder ChangedByAdmins(this RouteGroupBuilder group) => group.AddEndpointFilter((context, next) =>
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            http.RequestServices.GetRequiredService<AccessPolicy>().Demand(ApiAccess.ActorOf(http), Privilege.Administer);
        }

        return next(context);
    });

    public static RouteGroupBuilder MapWorkspaceApi(this RouteGroupBuilder api)
    {
        var projects = api.MapGroup("/projects").WithTags("Projects").ChangedByAdmins();
        projects.MapGet("/", async (MissionsDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Projects.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct)).Select(ProjectDto.From)));
        projects.MapGet("/{id:guid}", async (Guid id, MissionsDbContext db, HttpContext http, CancellationToken ct) =>
            WithETag(http, ProjectDto.From(await Find(db.Projects, id, "project", ct)), p => p.Version));
        projects.MapPost("/", async Task<Created<ProjectDto>> (ProjectInput input, MissionsDbContext db, Conversations.WorkspaceCache cache, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var project = new Project { Id = Guid.CreateVersion7(), Name = "", CreatedAt = now, UpdatedAt = now };
            Apply(project, input, creating: true);
            db.Projects.Add(project);
            await SaveUniqueAsync(db, cache, "name", ct);
            return TypedResults.Created($"/api/projects/{project.Id}", ProjectDto.From(project));
        });
        projects.MapPatch("/{id:guid}", async (Guid id, ProjectInput input, MissionsDbContext db, Conversations.WorkspaceCache cache, HttpContext http, TimeProvider clock, CancellationToken ct) =>
        {
            var project = await FindTracked(db.Projects, id, "project", ct);
            PrepareEdit(http, project.Version, v => project.Version = v);
            project.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            Apply(project, input, creating: false);
            await SaveUniqueAsync(db, cache, "name", ct);
            return WithETag(http, ProjectDto.From(project), p => p.Version);
        });

        var staff = api.MapGroup("/staff").WithTags("Staff").ChangedByAdmins();
        staff.MapGet("/", async (MissionsDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Staff.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct)).Select(StaffDto.From)));
        staff.MapGet("/{id:guid}", async (Guid id, MissionsDbContext db, HttpContext http, CancellationToken ct) =>
            WithETag(http, StaffDto.From(await Find(db.Staff, id, "staff member", ct)), s => s.Version));
        staff.MapPost("/", async Task<Created<StaffDto>> (StaffInput input, MissionsDbContext db, Conversations.WorkspaceCache cache, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var member = new Staff { Id = Guid.CreateVersion7(), Name = "", Role = "", CreatedAt = now, UpdatedAt = now };
            Apply(member, input, creating: true);
            db.Staff.Add(member);
            await SaveUniqueAsync(db, cache, "name", ct);
            return TypedResults.Created($"/api/staff/{member.Id}", StaffDto.From(member));
        });
        staff.MapPatch("/{id:guid}", async (Guid id, StaffInput input, MissionsDbContext db, Conversations.WorkspaceCache cache, HttpContext http, TimeProvider clock, CancellationToken ct) =>
        {
            var member = await FindTracked(db.Staff, id, "staff member", ct);
            PrepareEdit(http, member.Version, v => member.Version = v);
            member.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            Apply(member, input, creating: false);
            await SaveUniqueAsync(db, cache, "name", ct);
            return WithETag(http, StaffDto.From(member), s => s.Version);
        });

        var blueprints = api.MapGroup("/blueprints").WithTags("Blueprints").ChangedByAdmins();
        blueprints.MapGet("/", async (MissionsDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Blueprints.AsNoTracking().OrderBy(b => b.Name).ToListAsync(ct)).Select(BlueprintDto.From)));
        blueprints.MapGet("/{id:guid}", async (Guid id, MissionsDbContext db, HttpContext http, CancellationToken ct) =>
            WithETag(http, BlueprintDto.From(await Find(db.Blueprints, id, "blueprint", ct)), b => b.Version));
        blueprints.MapPost("/", async Task<Created<BlueprintDto>> (BlueprintInput input, MissionsDbContext db, Conversations.WorkspaceCache cache, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var blueprint = new Blueprint { Id = Guid.CreateVersion7(), Name = "", CreatedAt = now, UpdatedAt = now };
            await ApplyAsync(db, blueprint, input, creating: true, ct);
            db.Blueprints.Add(blueprint);
            await SaveUniqueAsync(db, cache, "name", ct);
            return TypedResults.Created($"/api/blueprints/{blueprint.Id}", BlueprintDto.From(blueprint));
        });
        blueprints.MapPatch("/{id:guid}", async (Guid id, BlueprintInput input, MissionsDbContext db, Conversations.WorkspaceCache cache, HttpContext http, TimeProvider clock, CancellationToken ct) =>
        {
            var blueprint = await FindTracked(db.Blueprints, id, "blueprint", ct);
            PrepareEdit(http, blueprint.Version, v => blueprint.Version = v);
            blueprint.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            await ApplyAsync(db, blueprint, input, creating: false, ct);
            await SaveUniqueAsync(db, cache, "name", ct);
            return WithETag(http, BlueprintDto.From(blueprint), b => b.Version);
        });

        return api;
    }

    private static void Apply(Project project, ProjectInput input, bool creating)
    {
        if (creating || input.Name.IsSet)
        {
            project.Name = MissionOperations.RequireText(input.Name.Value, "name", MissionsDbContext.NameLength);
        }

        if (input.Brief.IsSet)
        {
            project.Brief = MissionOperations.OptionalText(input.Brief.Value, "brief", MissionOperations.MaxText) ?? "";
        }
    }

    private static void Apply(Staff staff, StaffInput input, bool creating)
    {
        if (creating || input.Name.IsSet)
        {
            staff.Name = MissionOperations.RequireText(input.Name.Value, "name", MissionsDbContext.NameLength);
        }

        if (creating || input.Role.IsSet)
        {
            staff.Role = MissionOperations.RequireText(input.Role.Value, "role", MissionsDbContext.NameLength);
        }

        if (input.Instructions.IsSet)
        {
            staff.Instructions = MissionOperations.OptionalText(input.Instructions.Value, "instructions", MissionOperations.MaxText) ?? "";
        }

        if (input.Model.IsSet)
        {
            staff.Model = MissionOperations.OptionalText(input.Model.Value, "model", MissionsDbContext.NameLength);
        }

        if (input.IsActive.IsSet)
        {
            staff.IsActive = input.IsActive.Value;
        }
    }

    private static async Task ApplyAsync(MissionsDbContext db, Blueprint blueprint, BlueprintInput input, bool creating, CancellationToken ct)
    {
        if (creating || input.Name.IsSet)
        {
            blueprint.Name = MissionOperations.RequireText(input.Name.Value, "name", MissionsDbContext.NameLength);
        }

        if (input.Description.IsSet)
        {
            blueprint.Description = MissionOperations.OptionalText(input.Description.Value, "description", MissionOperations.MaxText) ?? "";
        }

        if (input.ObjectiveTemplate.IsSet)
        {
            blueprint.ObjectiveTemplate = MissionOperations.OptionalText(input.ObjectiveTemplate.Value, "objectiveTemplate", MissionOperations.MaxText) ?? "";
        }

        if (input.DefaultStaffId.IsSet)
        {
            if (input.DefaultStaffId.Value is { } staffId && !await db.Staff.AnyAsync(s => s.Id == staffId, ct))
            {
                throw DomainException.Invalid("defaultStaffId", $"There is no staff member {staffId}.");
            }

            blueprint.DefaultStaffId = input.DefaultStaffId.Value;
        }

        if (input.Tasks.IsSet)
        {
            blueprint.Tasks = CleanList(input.Tasks.Value, "tasks");
        }

        if (input.ContextChecklist.IsSet)
        {
            blueprint.ContextChecklist = CleanList(input.ContextChecklist.Value, "contextChecklist");
        }

        if (input.Keywords.IsSet)
        {
            blueprint.Keywords = CleanList(input.Keywords.Value, "keywords");
        }

        if (input.AutoRun.IsSet)
        {
            blueprint.AutoRun = input.AutoRun.Value;
        }
    }

    private static List<string> CleanList(List<string>? items, string field)
    {
        var list = (items ?? []).Select(i => i?.Trim() ?? "").ToList();
        if (list.Count > MaxListItems)
        {
            throw DomainException.Invalid(field, $"'{field}' has more than {MaxListItems} items.");
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Length == 0 || list[i].Length > MissionsDbContext.NameLength)
            {
                throw DomainException.Invalid($"{field}[{i}]", $"Each item of '{field}' must be 1 to {MissionsDbContext.NameLength} characters.");
            }
        }

        return list;
    }

    private static async Task<T> Find<T>(DbSet<T> set, Guid id, string what, CancellationToken ct) where T : class =>
        await set.AsNoTracking().SingleOrDefaultAsync(e => EF.Property<Guid>(e, "Id") == id, ct)
        ?? throw DomainException.NotFound($"There is no {what} {id}.");

    private static async Task<T> FindTracked<T>(DbSet<T> set, Guid id, string what, CancellationToken ct) where T : class =>
        await set.SingleOrDefaultAsync(e => EF.Property<Guid>(e, "Id") == id, ct)
        ?? throw DomainException.NotFound($"There is no {what} {id}.");

    /// <summary>Checks If-Match against the loaded version and bumps it; SaveChanges then updates only that version.</summary>
    private static void PrepareEdit(HttpContext http, long current, Action<long> setVersion)
    {
        var expected = ETags.RequireIfMatch(http);
        if (expected != current)
        {
            throw DomainException.StaleVersion(expected, current);
        }

        setVersion(current + 1);
    }

    private static async Task SaveUniqueAsync(MissionsDbContext db, Conversations.WorkspaceCache cache, string field, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            cache.Invalidate();
        }
        catch (DbUpdateConcurrencyException)
        {
            throw DomainException.Conflict("Someone else changed this while you were editing; reload it.", "stale-version");
        }
        catch (DbUpdateException)
        {
            throw DomainException.Conflict($"That {field} is already taken.", "duplicate");
        }
    }

    private static Ok<T> WithETag<T>(HttpContext http, T value, Func<T, long> version)
    {
        http.Response.Headers.ETag = ETags.Format(version(value));
        return TypedResults.Ok(value);
    }
}
