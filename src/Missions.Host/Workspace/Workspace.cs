namespace Missions.Host.Workspace;

/// <summary>Groups missions and holds the brief that runs read as context; usually bound to a channel.</summary>
public sealed class Project
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string Brief { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; } = 1;
}

/// <summary>An AI agent that missions are assigned to. Humans own and review; staff execute.</summary>
public sealed class Staff
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public string Instructions { get; set; } = "";

    /// <summary>The model deployment this agent uses; null means the configured default (or the offline agent).</summary>
    public string? Model { get; set; }

    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; } = 1;
}

/// <summary>A reusable mission pattern: objective template, default staff, tasks, context checklist, auto-run.</summary>
public sealed class Blueprint
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public string ObjectiveTemplate { get; set; } = "";
    public Guid? DefaultStaffId { get; set; }
    public List<string> Tasks { get; set; } = [];
    public List<string> ContextChecklist { get; set; } = [];

    /// <summary>Words that suggest this blueprint when they appear in a request.</summary>
    public List<string> Keywords { get; set; } = [];

    public bool AutoRun { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; } = 1;
}
