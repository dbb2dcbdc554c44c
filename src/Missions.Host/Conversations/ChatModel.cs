using System.Text.Json.Nodes;
using Missions.Host.Missions;
using Missions.Host.Proposals;

namespace Missions.Host.Conversations;

/// <summary>Who wrote, as the channel identifies them.</summary>
public sealed record ChatUser(string Id, string Name, string? AadObjectId = null)
{
    public Actor ToActor() => Actor.Human(Id, Name);
}

/// <summary>A card button press: the verb, and the action's data merged with the card's inputs.</summary>
public sealed record CardActionInput(string? Verb, JsonObject Data);

/// <summary>One thing a person did in a conversation, with no channel types in it.</summary>
public sealed record ChatTurn(
    string Channel,
    Guid ConversationReferenceId,
    ChatUser From,
    string? Text,
    CardActionInput? Action,
    string? ReplyToId,
    string? TimeZone);

/// <summary>What the bot shows. Plain records: each channel renders them its own way.</summary>
public abstract record ChatView;

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
    string Description,
    Guid? AssigneeId,
    string? AssigneeName,
    Guid? ProjectId,
    string? ProjectName,
    string? BlueprintName,
    DateOnly? DueDate,
    IReadOnlyList<string> Questions,
    string? DuplicateHint,
    string? RequestedByName,
    string? DecidedByName,
    DateTime? DecidedAt,
    string? RejectionReason,
    string? MissionNumber,
    IReadOnlyList<ChoiceOption> StaffOptions,
    IReadOnlyList<ChoiceOption> ProjectOptions) : ChatView;

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
    string? LatestRun = null,
    IReadOnlyList<ArtifactLink>? Artifacts = null) : ChatView;

public sealed record MissionListView(string Heading, IReadOnlyList<MissionLine> Missions, string EmptyText) : ChatView;

public sealed record BoardColumnView(MissionStatus Status, string Title, IReadOnlyList<MissionLine> Missions, int Total);

public sealed record BoardView(IReadOnlyList<BoardColumnView> Columns) : ChatView;

/// <summary>A link to an artifact: signed and expiring, never the storage path.</summary>
public sealed record ArtifactLink(string Name, string ContentType, long Size, string Url);

/// <summary>One run as its progress card shows it, updated in place as the run advances.</summary>
public sealed record RunProgressView(
    Guid RunId,
    string MissionNumber,
    string MissionTitle,
    string? TaskTitle,
    string StaffName,
    Runs.RunStatus Status,
    int Attempt,
    IReadOnlyList<string> StepsDone,
    string? CurrentStep,
    int TotalSteps,
    string? Error,
    string? Note,
    DateTime? StartedAt,
    DateTime? FinishedAt) : ChatView;

/// <summary>A finished run waiting for a person: the summary, the artifacts, and the decision once made.</summary>
public sealed record ReviewView(
    Guid RunId,
    string MissionNumber,
    string MissionTitle,
    string StaffName,
    string Summary,
    IReadOnlyList<ArtifactLink> Artifacts,
    Runs.ReviewOutcome? Outcome,
    string? ReviewedByName,
    DateTime? ReviewedAt,
    string? Comment) : ChatView;

/// <summary>A view that replaces what an earlier message shows (a card updated in place).</summary>
public sealed record ViewUpdate(string MessageId, ChatView View);

/// <summary>
/// The bot's answer to a turn: new messages to post, messages to update in place, and for a card action the card
/// to answer the action with (Teams returns it in the invoke response).
/// </summary>
public sealed record BotReply(IReadOnlyList<ChatView> Posts, IReadOnlyList<ViewUpdate> Updates, ChatView? ActionResult)
{
    public static BotReply Post(params ChatView[] views) => new(views, [], null);
}
