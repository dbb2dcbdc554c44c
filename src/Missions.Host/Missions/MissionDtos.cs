namespace Missions.Host.Missions;

public sealed record PersonDto(string Id, string Name);

public sealed record MissionDto(
    Guid Id,
    string Number,
    string Title,
    string Objective,
    string Description,
    MissionStatus Status,
    string Rank,
    Guid? ProjectId,
    string? ProjectName,
    Guid? AssigneeId,
    string? AssigneeName,
    Guid? BlueprintId,
    Guid? ProposalId,
    bool AutoRun,
    DateOnly? DueDate,
    PersonDto? RequestedBy,
    PersonDto? ApprovedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    long Version,
    string Workspace)
{
    public static MissionDto From(Mission m, string? projectName = null, string? assigneeName = null) => new(
        m.Id, Mission.FormatNumber(m.Number), m.Title, m.Objective, m.Description, m.Status, m.Rank,
        m.ProjectId, projectName, m.AssigneeId, assigneeName, m.BlueprintId, m.ProposalId, m.AutoRun, m.DueDate,
        Person(m.RequestedById, m.RequestedByName), Person(m.ApprovedById, m.ApprovedByName),
        m.CreatedAt, m.UpdatedAt, m.Version, m.Workspace);

    private static PersonDto? Person(string? id, string? name) => id is null ? null : new PersonDto(id, name ?? id);
}

public sealed record PageDto<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public sealed record CommentDto(Guid Id, string AuthorId, string AuthorName, ActorKind AuthorKind, string Text, DateTime CreatedAt)
{
    public static CommentDto From(Comment c) => new(c.Id, c.AuthorId, c.AuthorName, c.AuthorKind, c.Text, c.CreatedAt);
}

public sealed record AttachmentDto(Guid Id, string FileName, string ContentType, long Size, string Sha256, string? UploadedBy, DateTime CreatedAt, string DownloadUrl);

public sealed record ActivityDto(long Id, DateTime At, string ActorId, string ActorName, ActorKind ActorKind, string Action, MissionStatus? FromStatus, MissionStatus? ToStatus, long? MissionVersion, string? Detail)
{
    public static ActivityDto From(ActivityEntry a) => new(a.Id, a.At, a.ActorId, a.ActorName, a.ActorKind, a.Action, a.FromStatus, a.ToStatus, a.MissionVersion, a.Detail);
}

public sealed record CreateMissionRequest(
    string? Title,
    string? Objective,
    string? Description,
    Guid? ProjectId,
    Guid? AssigneeId,
    Guid? BlueprintId,
    bool? AutoRun,
    DateOnly? DueDate,
    string? Workspace = null);

public sealed record EditMissionRequest(
    Web.Patch<string> Title,
    Web.Patch<string> Objective,
    Web.Patch<string> Description,
    Web.Patch<Guid?> ProjectId,
    Web.Patch<Guid?> AssigneeId,
    Web.Patch<Guid?> BlueprintId,
    Web.Patch<bool> AutoRun,
    Web.Patch<DateOnly?> DueDate);

public sealed record TransitionRequest(MissionStatus? To, string? Note);

/// <summary>Place a mission: optionally in another column, after and/or before a neighbour ("M-3" or 3).</summary>
public sealed record MoveRequest(MissionStatus? Status, string? After, string? Before);

public sealed record CommentRequest(string? Text);

public sealed record BoardColumnDto(MissionStatus Status, string Title, IReadOnlyList<MissionDto> Missions);

public sealed record BoardDto(IReadOnlyList<BoardColumnDto> Columns);

public sealed record TaskRequest(string? Title, Guid? StaffId);

public sealed record TaskDto(Guid Id, string Title, int Position, MissionTaskStatus Status, Guid? StaffId)
{
    public static TaskDto From(MissionTask t) => new(t.Id, t.Title, t.Position, t.Status, t.StaffId);
}
