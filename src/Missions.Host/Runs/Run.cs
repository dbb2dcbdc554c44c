using Missions.Host.Missions;

namespace Missions.Host.Runs;

/// <summary>One execution by a staff agent.</summary>
public sealed class Run
{
    public Guid Id { get; set; }
    public Guid MissionId { get; set; }
    public Guid? TaskId { get; set; }
    public Guid? StaffId { get; set; }
    public RunStatus Status { get; set; } = RunStatus.Queued;
    public int Attempt { get; set; } = 1;

    /// <summary>Why the run was queued: approval, a person's request, changes requested, a retry.</summary>
    public string Trigger { get; set; } = "";

    public string? Summary { get; set; }
    public string? Error { get; set; }
    public DateTime QueuedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>The host holding the run, and until when; an expired lease may be taken over.</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>For a queued run waiting to be retried: not before this time.</summary>
    public DateTime? NextAttemptAt { get; set; }

    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }

    /// <summary>The review of a successful run: the outcome, who decided, when, and the comment for changes.</summary>
    public ReviewOutcome? ReviewOutcome { get; set; }
    public string? ReviewedByName { get; set; }
    public DateTime? ReviewedAt { get; set; }
    public string? ReviewComment { get; set; }

    public long Version { get; set; } = 1;
}

public enum ReviewOutcome
{
    Approved,
    ChangesRequested,
}

public enum RunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

public sealed class RunLogEntry
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public DateTime At { get; set; }
    public RunLogLevel Level { get; set; }
    public required string Step { get; set; }
    public required string Text { get; set; }
}

public enum RunLogLevel
{
    Debug,
    Info,
    Warning,
    Error,
}

/// <summary>A durable output of a run, linked to its mission; the bytes live in the content store.</summary>
public sealed class Artifact
{
    public Guid Id { get; set; }
    public Guid MissionId { get; set; }
    public Guid? RunId { get; set; }
    public required string Name { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public required string StorageKey { get; set; }
    public DateTime CreatedAt { get; set; }
}
