namespace Missions.Host.Proposals;

/// <summary>Turns a loose request into a proposal draft. The COO role.</summary>
public interface IProposer
{
    Task<ProposalDraft> DraftAsync(ProposalRequest request, CancellationToken cancellationToken);
}

public sealed record StaffInfo(Guid Id, string Name, string Role, string Instructions);

public sealed record ProjectInfo(Guid Id, string Name);

public sealed record BlueprintInfo(Guid Id, string Name, IReadOnlyList<string> Keywords, Guid? DefaultStaffId, bool AutoRun, string ObjectiveTemplate);

/// <summary>Open work a new request might duplicate: a pending proposal or an open mission.</summary>
public sealed record ExistingWork(string Label, string Title, Guid? ProjectId);

public sealed record ProposalRequest(
    string Text,
    DateTimeOffset Now,
    string? TimeZone,
    Guid? BoundProjectId,
    IReadOnlyList<StaffInfo> Staff,
    IReadOnlyList<ProjectInfo> Projects,
    IReadOnlyList<BlueprintInfo> Blueprints,
    IReadOnlyList<ExistingWork> OpenWork);

public sealed record ProposalDraft(
    string Title,
    string Objective,
    string Description,
    Guid? AssigneeId,
    Guid? ProjectId,
    Guid? BlueprintId,
    DateOnly? DueDate,
    bool AutoRun,
    IReadOnlyList<string> Questions,
    string? DuplicateHint);
