namespace Missions.Host.Runs;

/// <summary>What an agent is given: the mission and everything around it that fitted in the context budget.</summary>
public sealed record RunContext(
    string MissionNumber,
    string Title,
    string Objective,
    string Description,
    DateOnly? DueDate,
    string? RequestedByName,
    string StaffName,
    string StaffRole,
    string StaffInstructions,
    string? StaffModel,
    string? ProjectName,
    string? ProjectBrief,
    string? TaskTitle,
    int TaskNumber,
    int TaskCount,
    IReadOnlyList<ContextComment> Comments,
    IReadOnlyList<ContextDocument> Attachments,
    IReadOnlyList<ContextDocument> EarlierArtifacts,
    IReadOnlyList<string> OpenQuestions,
    string? ChangesRequested,
    int Attempt,
    DateTimeOffset Now,
    bool IsReplay = false,
    IReadOnlyList<string>? TaskTitles = null,
    IReadOnlyList<string>? Context = null);

public sealed record ContextComment(string Author, string Text, DateTime At);

/// <summary>
/// A file in the context: its text when it is text-like (or a document) and fitted, else only its name and size; an
/// image's bytes (<see cref="Image"/>) when it is one an agent with a model can look at.
/// </summary>
public sealed record ContextDocument(string Name, string ContentType, long Size, string? Text, bool Truncated, byte[]? Image = null);

public sealed record AgentArtifact(string Name, string ContentType, byte[] Content);

public sealed record AgentResult(string Summary, IReadOnlyList<AgentArtifact> Artifacts, int? InputTokens = null, int? OutputTokens = null);

/// <summary>How an agent reports as it works: each step goes into the run's log and its progress card.</summary>
public interface IRunProgress
{
    Task StepAsync(string name, int index, int total, CancellationToken cancellationToken);

    Task LogAsync(RunLogLevel level, string name, string text, CancellationToken cancellationToken);
}

/// <summary>A staff member at work: turns the context into a summary and artifacts.</summary>
public interface IStaffAgent
{
    Task<AgentResult> ExecuteAsync(RunContext context, IRunProgress progress, CancellationToken cancellationToken);
}

/// <summary>A failure that may pass if the run is tried again (a timeout, a dropped connection, a rate limit).</summary>
public sealed class TransientRunException(string message, Exception? inner = null) : Exception(message, inner);
