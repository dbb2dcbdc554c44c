using System.Text.Json.Serialization;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;

namespace Missions.Host.Conversations;

/// <summary>
/// Who wrote, as the channel verified them: the channel's user id, the name the channel vouches for, the Entra
/// object id where the channel has one (Teams), and their standing in the server where the channel has one (Discord).
/// Never what a client merely claims about itself.
/// </summary>
public sealed record ChatUser(string Id, string Name, string? DirectoryId = null, ServerMembership? Server = null)
{
    /// <summary>The person as the actor of what they do, acting from <paramref name="conversation"/> if given.</summary>
    public Actor AsActor(Guid? conversation = null) => new(Id, Name, ActorKind.Human, DirectoryId, conversation, Server);
}

/// <summary>
/// One thing a person did in a conversation, with no channel types in it: words (<see cref="Text"/>) or a button
/// (<see cref="Action"/>). <see cref="ReplyToId"/> is the channel's id of the message the bot's replies answer.
/// <see cref="IsRequest"/>: the words are a request whatever they say (a "new mission" command, a message turned into
/// a mission), never read as a command. <see cref="Workspace"/>: where it was said (<see cref="Host.Workspace.Workspaces"/>),
/// as the channel verified it; the turn sees the missions of that workspace only.
/// </summary>
public sealed record ChatTurn(
    string Channel,
    Guid ConversationReferenceId,
    string Workspace,
    ChatUser From,
    string? Text,
    ChatAction? Action,
    string? ReplyToId,
    string? TimeZone,
    bool IsRequest = false,
    IReadOnlyList<ChatFile>? Files = null,
    IReadOnlyList<LinkedFile>? Links = null)
{
    /// <summary>The person, as the actor of what the turn changes, acting from this conversation.</summary>
    public Actor Actor => From.AsActor(ConversationReferenceId);
}

/// <summary>A file sent with a message, stored on arrival under <see cref="Key"/> until the turn attaches or discards it.</summary>
public sealed record ChatFile(string Name, string ContentType, long Size, string Key);

/// <summary>
/// A file a channel sends only a link to (Teams: the sender's OneDrive, through a short-lived download link; Discord:
/// its CDN), with the name, type and size the channel says it has, when it says: fetched only when a turn attaches it.
/// <see cref="KeptBy"/>: the channel's service that keeps it behind the channel's own credentials (an image pasted into
/// a Teams message, on the conversation's Bot Connector), so it is fetched through the channel's
/// <see cref="IChannelFiles"/>, from that service only.
/// </summary>
public sealed record LinkedFile(string? Name, string? ContentType, long? Size, Uri Url, string? KeptBy = null);

/// <summary>How a channel fetches the files it keeps behind its own credentials; registered under the channel's name.</summary>
public interface IChannelFiles
{
    /// <summary>
    /// The answer for <paramref name="url"/>, to be read and disposed by the caller; the channel's credentials go to
    /// <paramref name="keptBy"/> (the conversation's own service) and nowhere else.
    /// </summary>
    Task<HttpResponseMessage> GetAsync(Uri url, string keptBy, CancellationToken cancellationToken);
}

/// <summary>A button pressed on a view, as each channel parses it from its own wire format.</summary>
public abstract record ChatAction;

/// <summary>Approve a proposal, with the edits the person made on it first.</summary>
public sealed record ApproveProposal(Guid ProposalId, ProposalEdits Edits) : ChatAction;

public sealed record RejectProposal(Guid ProposalId, string? Reason) : ChatAction;

/// <summary>Change a pending proposal (the version it was read at guards it) without deciding it yet.</summary>
public sealed record EditProposal(Guid ProposalId, long Version, ProposalEdits Edits) : ChatAction;

/// <summary>Have the assigned staff agent work on a mission now (the mission card's Run).</summary>
public sealed record RunMission(long Number) : ChatAction;

/// <summary>Check the mission's latest result against its objective (the review prompt's Replay).</summary>
public sealed record ReplayMission(long Number) : ChatAction;

public sealed record RetryRun(Guid RunId) : ChatAction;

public sealed record CancelRun(Guid RunId) : ChatAction;

/// <summary>Accept a finished run's result: the mission is done.</summary>
public sealed record ApproveReview(Guid RunId) : ChatAction;

/// <summary>Send a run's result back with what should change: a new run starts.</summary>
public sealed record RequestChanges(Guid RunId, string? Changes) : ChatAction;

/// <summary>A button this version does not know (an old card), or one whose data does not say what it is for.</summary>
public sealed record UnknownAction(string Why) : ChatAction;

/// <summary>What the bot shows. Plain records: each channel renders them its own way, when they are delivered.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "view")]
[JsonDerivedType(typeof(NoticeView), "notice")]
[JsonDerivedType(typeof(HelpView), "help")]
[JsonDerivedType(typeof(ProposalView), "proposal")]
[JsonDerivedType(typeof(MissionView), "mission")]
[JsonDerivedType(typeof(MissionListView), "list")]
[JsonDerivedType(typeof(BoardView), "board")]
[JsonDerivedType(typeof(RunProgressView), "run")]
[JsonDerivedType(typeof(ReviewView), "review")]
public abstract record ChatView
{
    /// <summary>
    /// The message a view lives in, when it has one: a later view with the same key replaces that message in place
    /// (a proposal's decision replaces its card; one progress card per run). Null: every view is a new message.
    /// </summary>
    [JsonIgnore]
    public virtual string? Key => null;
}

public enum NoticeTone
{
    Info,
    Success,
    Warning,
    Error,
}

public sealed record NoticeView(string Text, NoticeTone Tone = NoticeTone.Info) : ChatView;

public sealed record HelpView(IReadOnlyList<HelpLine> Lines) : ChatView;

public sealed record HelpLine(string Command, string Meaning);

public sealed record ChoiceOption(string Id, string Title);

public sealed record ProposalView(
    Guid Id,
    long Version,
    ProposalStatus Status,
    string Title,
    string Objective,
    Guid? AssigneeId,
    string? AssigneeName,
    Guid? ProjectId,
    string? ProjectName,
    string? BlueprintName,
    bool AutoRun,
    DateOnly? DueDate,
    IReadOnlyList<string> Questions,
    string? DuplicateHint,
    string? RequestedByName,
    string? DecidedByName,
    DateTime? DecidedAt,
    string? RejectionReason,
    string? MissionNumber,
    string? MissionUrl,
    IReadOnlyList<ChoiceOption> StaffOptions,
    IReadOnlyList<ChoiceOption> ProjectOptions,
    Guid? BlueprintId = null,
    IReadOnlyList<ChoiceOption>? BlueprintOptions = null,
    IReadOnlyList<string>? Answers = null,
    IReadOnlyList<string>? Tasks = null,
    IReadOnlyList<string>? Waiting = null,
    IReadOnlyList<string>? Files = null,
    string? FollowsUp = null) : ChatView
{
    public override string Key => KeyOf(Id);

    /// <summary>The answer given to question <paramref name="index"/>, or "".</summary>
    public string AnswerAt(int index) => BlueprintShape.AnswerAt(Answers, index);

    public static string KeyOf(Guid proposalId) => $"proposal:{proposalId:N}";
}

public sealed record MissionLine(string Number, string Title, MissionStatus Status, string? AssigneeName, DateOnly? DueDate);

public sealed record MissionView(
    string Number,
    string Title,
    string Objective,
    MissionStatus Status,
    string? AssigneeName,
    string? ProjectName,
    DateOnly? DueDate,
    string? RequestedByName,
    IReadOnlyList<string> RecentActivity,
    int CommentCount,
    string? LatestRun,
    IReadOnlyList<ArtifactLink> Artifacts,
    string Url) : ChatView;

public sealed record MissionListView(string Heading, IReadOnlyList<MissionLine> Missions, string EmptyText) : ChatView;

public sealed record BoardColumnView(MissionStatus Status, string Title, IReadOnlyList<MissionLine> Missions, int Total);

public sealed record BoardView(IReadOnlyList<BoardColumnView> Columns, string Url) : ChatView;

/// <summary>A link to an artifact: signed and expiring, never the storage path.</summary>
public sealed record ArtifactLink(string Name, string ContentType, long Size, string Url);

/// <summary>One run as its progress card shows it, updated in place as the run advances.</summary>
public sealed record RunProgressView(
    Guid RunId,
    string MissionNumber,
    string MissionTitle,
    string? TaskTitle,
    string StaffName,
    RunStatus Status,
    int Attempt,
    IReadOnlyList<string> StepsDone,
    string? CurrentStep,
    int TotalSteps,
    string? Error,
    string? Note,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    bool Replay = false) : ChatView
{
    public override string Key => $"run:{RunId:N}";
}

/// <summary>A finished run waiting for a person: the summary, the artifacts, and the decision once made.</summary>
public sealed record ReviewView(
    Guid RunId,
    string MissionNumber,
    string MissionTitle,
    string StaffName,
    string Summary,
    IReadOnlyList<ArtifactLink> Artifacts,
    ReviewOutcome? Outcome,
    string? ReviewedByName,
    DateTime? ReviewedAt,
    string? Comment,
    string MissionUrl,
    bool Replay = false) : ChatView
{
    public override string Key => $"review:{RunId:N}";
}

/// <summary>
/// The bot's answer to a turn: the views to show in the conversation (a view with a <see cref="ChatView.Key"/>
/// already shown there replaces it in place), and for a button the view that answers it, for channels whose answer
/// to a button shows one (a Teams invoke response, a Discord interaction callback).
/// </summary>
public sealed record BotReply(IReadOnlyList<ChatView> Posts, ChatView? ActionResult = null)
{
    public static BotReply Post(params ChatView[] views) => new(views);
}
