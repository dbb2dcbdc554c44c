namespace Missions.Host.Proposals;

/// <summary>
/// Turns a loose request into a proposal draft, the duplicate hint included: the COO role. The bot reaches the
/// proposer only through this, so a model-backed proposer replaces the offline one whole.
/// </summary>
public interface IProposer
{
    Task<ProposalDraft> DraftAsync(ProposalRequest request, CancellationToken cancellationToken);
}

/// <summary>Finds open work (missions not done, pending proposals) a drafted title may repeat.</summary>
public interface IOpenWork
{
    /// <summary>The few open items in the project worth comparing with the title (a bounded, indexed read).</summary>
    Task<IReadOnlyList<ExistingWork>> FindAsync(string title, Guid? projectId, CancellationToken cancellationToken);
}

/// <summary>Open work known up front (tests, tools); <see cref="None"/> when there is none to compare with.</summary>
public sealed class KnownOpenWork(IReadOnlyList<ExistingWork> work) : IOpenWork
{
    public static readonly KnownOpenWork None = new([]);

    public Task<IReadOnlyList<ExistingWork>> FindAsync(string title, Guid? projectId, CancellationToken cancellationToken) => Task.FromResult(work);
}

public sealed record StaffInfo(Guid Id, string Name, string Role, string Instructions);

public sealed record ProjectInfo(Guid Id, string Name, string Brief = "");

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
    IOpenWork OpenWork);

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
    string? DuplicateHint,
    string DraftedBy = DraftPaths.Offline);

/// <summary>Which path drafted a proposal: recorded on it, so a reviewer (and the metrics) can tell.</summary>
public static class DraftPaths
{
    public const string Offline = "offline";
    public const string Model = "model";

    /// <summary>The model drafted it, and fields it got wrong were filled by the offline proposer.</summary>
    public const string ModelCompleted = "model+offline";
}
