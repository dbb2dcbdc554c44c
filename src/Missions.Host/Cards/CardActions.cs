using System.Globalization;
using System.Text.Json.Nodes;
using Missions.Host.Conversations;
using Missions.Host.Proposals;
using Missions.Host.Web;

namespace Missions.Host.Cards;

/// <summary>
/// The buttons and inputs of the cards <see cref="ViewCards"/> renders, and their reading back: a button press
/// (an <c>Action.Execute</c> verb, or <c>Action.Submit</c> data, with the card's inputs merged in) becomes a typed
/// <see cref="ChatAction"/>. Teams and web chat both use Adaptive Cards, so both read their presses here.
/// </summary>
public static class CardActions
{
    public const string ApproveProposalVerb = "proposal.approve";
    public const string RejectProposalVerb = "proposal.reject";
    public const string EditProposalVerb = "proposal.edit";
    public const string RunMissionVerb = "mission.run";
    public const string ReplayMissionVerb = "mission.replay";
    public const string RetryRunVerb = "run.retry";
    public const string CancelRunVerb = "run.cancel";
    public const string ApproveReviewVerb = "review.approve";
    public const string RequestChangesVerb = "review.changes";

    // The card's input ids, which come back as fields of the action's data.
    internal const string TitleInput = "title";
    internal const string ObjectiveInput = "objective";
    internal const string AssigneeInput = "assigneeId";
    internal const string ProjectInput = "projectId";
    internal const string DueDateInput = "dueDate";
    internal const string BlueprintInput = "blueprintId";

    /// <summary>The answer box of question <paramref name="index"/> (0-based) on the proposal card.</summary>
    internal static string AnswerInput(int index) => "answer." + index.ToString(CultureInfo.InvariantCulture);
    internal const string RejectReasonInput = "rejectReason";
    internal const string ChangesInput = "changes";

    // What the buttons' data say they are about.
    internal const string ProposalField = "proposalId";
    internal const string VersionField = "proposalVersion";
    internal const string AnswerCountField = "answerBoxes";
    internal const string RunField = "runId";
    internal const string MissionField = "missionNumber";
    internal const string VerbField = "verb";

    /// <summary>
    /// Reads a button press. Teams may leave the verb out (seen in a real capture), and <c>Action.Submit</c> has none:
    /// the data then carries it, as the cards put it there. A press that cannot be read — an unknown verb, a malformed
    /// date or choice — is an <see cref="UnknownAction"/> saying why, which the bot shows instead of acting.
    /// </summary>
    public static ChatAction Parse(string? verb, JsonObject data)
    {
        try
        {
            return Read(verb ?? Read(data, VerbField), data);
        }
        catch (DomainException unreadable)
        {
            return new UnknownAction(unreadable.Message);
        }
    }

    private static ChatAction Read(string? verb, JsonObject data)
    {
        return verb switch
        {
            ApproveProposalVerb => Guid.TryParse(Read(data, ProposalField), out var approve) ? new ApproveProposal(approve, EditsFrom(data)) : NoProposal,
            EditProposalVerb => Guid.TryParse(Read(data, ProposalField), out var edit)
                && long.TryParse(Read(data, VersionField), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? new EditProposal(edit, version, EditsFrom(data)) : NoProposal,
            RejectProposalVerb => Guid.TryParse(Read(data, ProposalField), out var reject) ? new RejectProposal(reject, Read(data, RejectReasonInput)) : NoProposal,
            RunMissionVerb => Missions.Mission.TryParseNumber(Read(data, MissionField), out var number) ? new RunMission(number)
                : new UnknownAction("That card does not say which mission to run."),
            ReplayMissionVerb => Missions.Mission.TryParseNumber(Read(data, MissionField), out var replay) ? new ReplayMission(replay)
                : new UnknownAction("That card does not say which mission to replay."),
            RetryRunVerb => Run(data, id => new RetryRun(id)),
            CancelRunVerb => Run(data, id => new CancelRun(id)),
            ApproveReviewVerb => Run(data, id => new ApproveReview(id)),
            RequestChangesVerb => Run(data, id => new RequestChanges(id, Read(data, ChangesInput))),
            _ => new UnknownAction("That button is not one I know; it may be from an older card."),
        };
    }

    /// <summary>True when a message's value is a card's submitted data rather than something else a client sent.</summary>
    public static bool IsCardData(JsonObject value) =>
        value.ContainsKey(VerbField) || value.ContainsKey(ProposalField) || value.ContainsKey(RunField) || value.ContainsKey(MissionField);

    /// <summary>The button data of a card: what it is about, and the verb again for clients that drop it.</summary>
    internal static JsonObject Data(string verb, string field, string value) => new() { [field] = value, [VerbField] = verb };

    private static readonly UnknownAction NoProposal = new("That card does not say which proposal it is for.");

    private static ChatAction Run(JsonObject data, Func<Guid, ChatAction> action) =>
        Guid.TryParse(Read(data, RunField), out var id) ? action(id) : new UnknownAction("That card does not say which run it is for.");

    private static ProposalEdits EditsFrom(JsonObject data)
    {
        return new ProposalEdits(
            Title: Text(TitleInput),
            Objective: Text(ObjectiveInput),
            ProjectId: IdOrNone(ProjectInput),
            AssigneeId: IdOrNone(AssigneeInput),
            DueDate: DateOrNone(DueDateInput),
            BlueprintId: IdOrNone(BlueprintInput),
            Answers: Answers());

        // The answer boxes the card had, in order (none: it asked nothing). A renderer leaves an empty box out of the data,
        // so the card says how many boxes it had, and a box not sent is an empty one.
        IReadOnlyList<string>? Answers() =>
            int.TryParse(Read(data, AnswerCountField), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 50
                ? Enumerable.Range(0, count).Select(i => Read(data, AnswerInput(i)) ?? "").ToList()
                : null;

        Patch<string> Text(string name) =>
            Read(data, name) is { } value && value.Trim().Length > 0 ? Patch.Of<string>(value) : default;

        Patch<Guid?> IdOrNone(string name)
        {
            if (!data.ContainsKey(name))
            {
                return default;
            }

            var value = Read(data, name);
            return string.IsNullOrWhiteSpace(value) ? Patch.Of<Guid?>(null)
                : Guid.TryParse(value, out var id) ? Patch.Of<Guid?>(id)
                : throw DomainException.Invalid(name, $"'{value}' is not one of the choices.");
        }

        Patch<DateOnly?> DateOrNone(string name)
        {
            if (!data.ContainsKey(name))
            {
                return default;
            }

            var value = Read(data, name);
            return string.IsNullOrWhiteSpace(value) ? Patch.Of<DateOnly?>(null)
                : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? Patch.Of<DateOnly?>(date)
                : throw DomainException.Invalid(name, $"'{value}' is not a date (YYYY-MM-DD).");
        }
    }

    private static string? Read(JsonObject data, string name) =>
        data.TryGetPropertyValue(name, out var node) && node is JsonValue value ? value.ToString() : null;
}
