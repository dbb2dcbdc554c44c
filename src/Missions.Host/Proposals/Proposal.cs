namespace Missions.Host.Proposals;

/// <summary>A draft mission made from chat, waiting for a human. Approving one creates exactly one mission.</summary>
public sealed class Proposal
{
    public Guid Id { get; set; }
    public ProposalStatus Status { get; set; } = ProposalStatus.Pending;
    public required string Title { get; set; }
    public required string Objective { get; set; }

    /// <summary>The request as it was written.</summary>
    public string Description { get; set; } = "";

    public Guid? ProjectId { get; set; }
    public Guid? AssigneeId { get; set; }
    public Guid? BlueprintId { get; set; }
    public DateOnly? DueDate { get; set; }
    public bool AutoRun { get; set; }

    /// <summary>Open questions for the human, in order (the proposer's, then the blueprint's context checklist).</summary>
    public List<string> Questions { get; set; } = [];

    /// <summary>The answers given on the card, one per question in the same order ("" for one not answered yet).</summary>
    public List<string> Answers { get; set; } = [];

    /// <summary>The tasks the mission will have (its blueprint's, or drafted from the request), in order.</summary>
    public List<string> Tasks { get; set; } = [];

    /// <summary>The mission this one follows up (<c>follow-up M-12 …</c>); the mission it becomes links back to it.</summary>
    public Guid? FollowsMissionId { get; set; }

    /// <summary>A pending proposal or open mission this one looks like, as a hint to the approver.</summary>
    public string? DuplicateHint { get; set; }

    /// <summary>Which path drafted it (<see cref="DraftPaths"/>): the model, the offline proposer, or both.</summary>
    public string DraftedBy { get; set; } = DraftPaths.Offline;

    public string? RequestedById { get; set; }
    public string? RequestedByName { get; set; }
    public Guid? ConversationReferenceId { get; set; }

    /// <summary>The workspace it was asked in; the mission it becomes belongs there too.</summary>
    public string Workspace { get; set; } = Host.Workspace.Workspaces.Local;

    public string? DecidedById { get; set; }
    public string? DecidedByName { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? RejectionReason { get; set; }
    public Guid? MissionId { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public long Version { get; set; } = 1;
}

public enum ProposalStatus
{
    Pending,
    Approved,
    Rejected,
    Expired,
}
