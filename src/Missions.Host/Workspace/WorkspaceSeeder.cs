using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;

namespace Missions.Host.Workspace;

/// <summary>What a fresh database starts with; defaults in appsettings.json, overridable like any configuration.</summary>
public sealed class SeedOptions
{
    public const string Section = "Missions:Seed";

    public bool Enabled { get; set; } = true;
    public List<StaffSeed> Staff { get; set; } = [];
    public List<ProjectSeed> Projects { get; set; } = [];
    public List<BlueprintSeed> Blueprints { get; set; } = [];
}

public sealed class StaffSeed
{
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public string Instructions { get; set; } = "";
    public string? Model { get; set; }
}

public sealed class ProjectSeed
{
    public string Name { get; set; } = "";
    public string Brief { get; set; } = "";
}

public sealed class BlueprintSeed
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string ObjectiveTemplate { get; set; } = "";
    public string? DefaultStaff { get; set; }
    public List<string> Tasks { get; set; } = [];
    public List<string> ContextChecklist { get; set; } = [];
    public List<string> Keywords { get; set; } = [];
    public bool AutoRun { get; set; }
}

public static partial class WorkspaceSeeder
{
    /// <summary>Seeds only a database that has no staff, projects or blueprints yet: the first start.</summary>
    public static async Task SeedWorkspaceAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var seed = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<SeedOptions>>().Value;
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WorkspaceSeeder));
        if (!seed.Enabled
            || await db.Staff.AnyAsync(cancellationToken)
            || await db.Projects.AnyAsync(cancellationToken)
            || await db.Blueprints.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var staff = seed.Staff.Where(s => !string.IsNullOrWhiteSpace(s.Name)).Select(s => new Staff
        {
            Id = Guid.CreateVersion7(),
            Name = s.Name.Trim(),
            Role = string.IsNullOrWhiteSpace(s.Role) ? s.Name.Trim() : s.Role.Trim(),
            Instructions = s.Instructions,
            Model = s.Model,
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();
        db.Staff.AddRange(staff);
        db.Projects.AddRange(seed.Projects.Where(p => !string.IsNullOrWhiteSpace(p.Name)).Select(p => new Project
        {
            Id = Guid.CreateVersion7(),
            Name = p.Name.Trim(),
            Brief = p.Brief,
            CreatedAt = now,
            UpdatedAt = now,
        }));
        db.Blueprints.AddRange(seed.Blueprints.Where(b => !string.IsNullOrWhiteSpace(b.Name)).Select(b => new Blueprint
        {
            Id = Guid.CreateVersion7(),
            Name = b.Name.Trim(),
            Description = b.Description,
            ObjectiveTemplate = b.ObjectiveTemplate,
            DefaultStaffId = staff.FirstOrDefault(s => string.Equals(s.Name, b.DefaultStaff, StringComparison.OrdinalIgnoreCase))?.Id,
            Tasks = b.Tasks,
            ContextChecklist = b.ContextChecklist,
            Keywords = b.Keywords,
            AutoRun = b.AutoRun,
            CreatedAt = now,
            UpdatedAt = now,
        }));

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            LogSeeded(logger, staff.Count, seed.Projects.Count, seed.Blueprints.Count);
        }
        catch (DbUpdateException)
        {
            // Two hosts started on one empty database at once and the other one seeded it (the unique names said so).
            LogSeededElsewhere(logger);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Seeded the workspace: {Staff} staff, {Projects} project(s), {Blueprints} blueprint(s)")]
    private static partial void LogSeeded(ILogger logger, int staff, int projects, int blueprints);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Another host seeded the workspace first")]
    private static partial void LogSeededElsewhere(ILogger logger);
}
