namespace Missions.Host.Missions;

/// <summary>The durable objective: an outcome, not a to-do title. Owns tasks, runs, comments, attachments, artifacts.</summary>
public sealed class Mission
{
    public Guid Id { get; set; }

    /// <summary>The human-friendly number shown as <c>M-42</c>; taken from a counter and never reused.</summary>
    public long Number { get; set; }

    public required string Title { get; set; }
    public required string Objective { get; set; }
    public string Description { get; set; } = "";
    public MissionStatus Status { get; set; } = MissionStatus.Backlog;

    /// <summary>Lexical position within its column (see <see cref="BoardRank"/>); ties are broken by number.</summary>
    public required string Rank { get; set; }

    public Guid? ProjectId { get; set; }
    public Guid? AssigneeId { get; set; }
    public Guid? BlueprintId { get; set; }
    public Guid? ProposalId { get; set; }

    /// <summary>The mission this one follows up, when it was asked for as a follow-up.</summary>
    public Guid? FollowsMissionId { get; set; }

    public bool AutoRun { get; set; }
    public DateOnly? DueDate { get; set; }

    /// <summary>
    /// What people told before execution, as "question: answer" lines (the proposal's questions answered on its card):
    /// shown on the mission's page and given to every run.
    /// </summary>
    public List<string> Context { get; set; } = [];

    public string? RequestedById { get; set; }
    public string? RequestedByName { get; set; }
    public string? ApprovedById { get; set; }
    public string? ApprovedByName { get; set; }

    /// <summary>The conversation the request came from, so that later messages reach the same thread.</summary>
    public Guid? ConversationReferenceId { get; set; }

    /// <summary>The workspace it was asked in (<see cref="Workspace.Workspaces"/>): outside it, it does not exist.</summary>
    public string Workspace { get; set; } = Host.Workspace.Workspaces.Local;

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>App-managed optimistic concurrency version; every state change is conditional on it and bumps it.</summary>
    public long Version { get; set; } = 1;

    public static string FormatNumber(long number) => $"M-{number}";

    /// <summary>Accepts "M-42", "m-42", "M42" and "42".</summary>
    public static bool TryParseNumber(string? text, out long number)
    {
        number = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span.Length > 0 && (span[0] == 'M' || span[0] == 'm'))
        {
            span = span[1..];
            if (span.Length > 0 && span[0] == '-')
            {
                span = span[1..];
            }
        }

        return long.TryParse(span, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number)
            && number > 0;
    }
}

public enum MissionStatus
{
    Backlog,
    InProgress,
    Review,
    Done,
    Cancelled,
}

/// <summary>One lane of work inside a mission, when one run is not enough.</summary>
public sealed class MissionTask
{
    public Guid Id { get; set; }
    public Guid MissionId { get; set; }
    public required string Title { get; set; }
    public int Position { get; set; }
    public MissionTaskStatus Status { get; set; } = MissionTaskStatus.Pending;
    public Guid? StaffId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; } = 1;
}

public enum MissionTaskStatus
{
    Pending,
    Running,
    Done,
    Failed,
    Skipped,
}

public sealed class Comment
{
    public Guid Id { get; set; }
    public Guid MissionId { get; set; }
    public required string AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public ActorKind AuthorKind { get; set; }
    public required string Text { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A file a person attached to a mission; the bytes live in the content store under <see cref="StorageKey"/>.</summary>
/// <summary>
/// A file kept with a mission — or, sent with a request, with its proposal until the proposal is decided (approved, it
/// becomes the mission's; rejected or expired, it is deleted).
/// </summary>
public sealed class Attachment
{
    public Guid Id { get; set; }
    public Guid? MissionId { get; set; }
    public Guid? ProposalId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public required string StorageKey { get; set; }
    public string? UploadedById { get; set; }
    public string? UploadedByName { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// The audit trail. Every change to a mission writes one, in the same transaction as the change. An entry that
/// records a state change carries the mission version it produced, so a complete trail has no gaps in versions.
/// </summary>
public sealed class ActivityEntry
{
    public long Id { get; set; }
    public Guid? MissionId { get; set; }
    public Guid? ProposalId { get; set; }
    public DateTime At { get; set; }
    public required string ActorId { get; set; }
    public required string ActorName { get; set; }
    public ActorKind ActorKind { get; set; }
    public required string Action { get; set; }
    public MissionStatus? FromStatus { get; set; }
    public MissionStatus? ToStatus { get; set; }
    public long? MissionVersion { get; set; }
    public string? Detail { get; set; }
}

/// <summary>Who did something. Agents are never recorded as the human who asked.</summary>
public enum ActorKind
{
    Human,
    Staff,
    System,
}

/// <summary>
/// Who did something, as verified by the channel or the API key: an id, a name to show, for people in Teams their
/// Entra object id (<see cref="DirectoryId"/>), which approver policies may name instead of the channel id, the
/// conversation they acted from, if any (that conversation already sees what they did), and on Discord their standing
/// in the server they wrote in (<see cref="Server"/>).
/// </summary>
public sealed record Actor(string Id, string Name, ActorKind Kind, string? DirectoryId = null, Guid? FromConversation = null, ServerMembership? Server = null)
{
    public static readonly Actor System = new("system", "Missions", ActorKind.System);

    public static Actor Human(string id, string name, string? directoryId = null) => new(id, name, ActorKind.Human, directoryId);
}

/// <summary>
/// A person's standing in a chat server, as the channel vouches for it with every interaction (Discord: the member's
/// role ids, and whether they may manage the server). Outside any server (a direct message): no roles.
/// </summary>
public sealed record ServerMembership(IReadOnlyList<string> RoleIds, bool ManagesServer)
{
    public static readonly ServerMembership None = new([], false);
}
