using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Missions.Discord;
using Missions.Host.Conversations;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;

namespace Missions.Host.Discord;

/// <summary>
/// Renders <see cref="ChatView"/>s as Discord messages: an embed (title, description, fields, footer) with buttons in
/// action rows, kept within Discord's limits (see <see cref="DiscordLimits.Fit"/>). Nothing in them pings anyone: what
/// people wrote is echoed under <c>allowed_mentions: {"parse": []}</c>, and only a review prompt names (and pings) its
/// requester. Buttons carry a <c>custom_id</c> that <see cref="DiscordButtons"/> reads back.
/// </summary>
public static class DiscordViews
{
    private const int Blurple = 0x5865F2;
    private const int Green = 0x57F287;
    private const int Yellow = 0xFEE75C;
    private const int Red = 0xED4245;
    private const int Grey = 0x99AAB5;

    public static MessagePayload Render(ChatView view, string? pingUserId = null) => DiscordLimits.Fit(view switch
    {
        NoticeView notice => new MessagePayload { Content = Icon(notice.Tone) + notice.Text },
        HelpView help => Help(help),
        ProposalView { Status: ProposalStatus.Pending } proposal => PendingProposal(proposal),
        ProposalView proposal => DecidedProposal(proposal),
        MissionView mission => MissionMessage(mission),
        MissionListView list => List(list),
        BoardView board => Board(board),
        RunProgressView run => RunProgress(run),
        ReviewView review => Review(review, pingUserId),
        _ => throw new ArgumentOutOfRangeException(nameof(view), view.GetType().Name, "No rendering for this view."),
    });

    private static string Icon(NoticeTone tone) => tone switch
    {
        NoticeTone.Success => "✅ ",
        NoticeTone.Warning => "⚠️ ",
        NoticeTone.Error => "⛔ ",
        _ => "",
    };

    private static MessagePayload Help(HelpView help)
    {
        var text = new StringBuilder("Use **/mission new** with a request, **Create mission** on any message, or mention me with any of these:\n\n");
        foreach (var line in help.Lines)
        {
            text.Append("• **").Append(line.Command).Append("**: ").Append(line.Meaning).Append('\n');
        }

        return Message(new Embed(Title: "What I can do", Description: text.ToString(), Color: Blurple));
    }

    private static MessagePayload PendingProposal(ProposalView p)
    {
        var description = new StringBuilder(p.Objective);
        if (p.DuplicateHint is not null)
        {
            description.Append("\n\n⚠️ ").Append(p.DuplicateHint);
        }

        if (p.Tasks is { Count: > 0 } tasks)
        {
            description.Append("\n\n**Tasks**\n").AppendJoin('\n', tasks.Take(12).Select((t, i) => $"{i + 1}. {DiscordLimits.Cut(t, 200)}"));
        }

        if (p.Files is { Count: > 0 } files)
        {
            description.Append("\n\n**Files sent with the request:** ").Append(DiscordLimits.Cut(string.Join(", ", files), 600));
        }

        if (p.Questions.Count > 0)
        {
            description.Append("\n\n**Before it starts** (press Answer)\n").AppendJoin('\n', p.Questions.Take(8).Select((q, i) =>
                "• " + DiscordLimits.Cut(q, 300) + (p.AnswerAt(i) is { Length: > 0 } answer ? " — " + DiscordLimits.Cut(answer, 300) : "")));
        }

        if (p.AutoRun)
        {
            description.Append("\n\n").Append(ViewText.StartsOnApproval(p));
        }

        var embed = new Embed(
            Title: "Mission proposal: " + p.Title,
            Description: description.ToString(),
            Color: Blurple,
            Fields: Fields(("Assignee", p.AssigneeName ?? "nobody yet"), ("Project", p.ProjectName), ("Due", ViewText.Day(p.DueDate)), ("Blueprint", p.BlueprintName), ("Follows up", p.FollowsUp)),
            Footer: new EmbedFooter($"Requested by {p.RequestedByName ?? "someone"}"));
        JsonObject[] buttons =
        [
            Components.Button(ButtonStyle.Success, "Approve", DiscordButtons.ApproveProposal(p.Id)),
            Components.Button(ButtonStyle.Secondary, "Edit", DiscordButtons.EditProposal(p.Id)),
            .. p.Questions.Count > 0 ? [Components.Button(ButtonStyle.Secondary, "Answer", DiscordButtons.Answer(p.Id))] : Array.Empty<JsonObject>(),
            Components.Button(ButtonStyle.Danger, "Reject", DiscordButtons.RejectProposal(p.Id)),
        ];
        if (p.BlueprintOptions is not { Count: > 0 } blueprints)
        {
            return Message(embed, Components.Row(buttons));
        }

        // Choosing a blueprint shapes the proposal at once (its objective, tasks and checklist).
        var choices = blueprints.Select(b => (Guid.Parse(b.Id).ToString("N"), "Blueprint: " + b.Title)).Prepend((DiscordButtons.NoChoice, "No blueprint")).Take(25);
        return Message(embed, Components.Row(buttons),
            Components.Row(Components.StringSelect(DiscordButtons.Blueprint(p.Id, p.Version), choices, p.BlueprintId?.ToString("N") ?? DiscordButtons.NoChoice, required: null, placeholder: "Shape it by a blueprint")));
    }

    /// <summary>After a decision: the outcome, who and when, the mission number; the next step instead of live decision buttons.</summary>
    private static MessagePayload DecidedProposal(ProposalView p)
    {
        var approved = p.Status == ProposalStatus.Approved;
        var outcome = p.Status switch
        {
            ProposalStatus.Approved => $"Approved as {p.MissionNumber}",
            ProposalStatus.Rejected => "Rejected",
            _ => "Expired",
        };
        var by = p.DecidedByName is null ? "No one decided in time." : $"by {p.DecidedByName}{When(p.DecidedAt)}";
        var embed = new Embed(
            Title: $"{outcome}: {p.Title}",
            Url: approved ? Link(p.MissionUrl) : null,
            Description: !approved ? null
                : p.Objective + (p.Waiting is { Count: > 0 } waiting ? "\n\n" + ViewText.WaitingForContext(p, waiting) : p.AutoRun ? "\n\n" + ViewText.StartedOnApproval(p) : ""),
            Color: approved ? Green : Red,
            Fields: Fields(("Decision", $"{outcome} {by}"), ("Assignee", p.AssigneeName), ("Project", p.ProjectName), ("Due", ViewText.Day(p.DueDate)), ("Reason", p.RejectionReason)),
            Footer: new EmbedFooter($"Requested by {p.RequestedByName ?? "someone"}"));
        var waits = p.Waiting is { Count: > 0 };
        return approved && (!p.AutoRun || waits) && p.MissionNumber is { } number && Missions.Mission.TryParseNumber(number, out var n)
            ? Message(embed, Components.Row(Components.Button(ButtonStyle.Primary, waits ? "Run anyway" : $"Run {number} now", DiscordButtons.RunMission(n))))
            : Message(embed);
    }

    private static MessagePayload MissionMessage(MissionView m)
    {
        var description = new StringBuilder(m.Objective);
        if (m.RecentActivity.Count > 0)
        {
            description.Append("\n\n**Recent activity**\n").AppendJoin('\n', m.RecentActivity.Select(a => "• " + a));
        }

        var embed = new Embed(
            Title: $"{m.Number}: {m.Title}",
            Url: Link(m.Url),
            Description: description.ToString(),
            Color: StatusColor(m.Status),
            Fields: Fields([.. ViewText.Facts(m), ("Artifacts", Artifacts(m.Artifacts))]));
        return Missions.Mission.TryParseNumber(m.Number, out var n) && m.Status is MissionStatus.Backlog or MissionStatus.InProgress
            ? Message(embed, Components.Row(
                Components.Button(ButtonStyle.Primary, "Run", DiscordButtons.RunMission(n)),
                Components.Button(ButtonStyle.Secondary, "Replay against the objective", DiscordButtons.ReplayMission(n))))
            : Message(embed);
    }

    private static MessagePayload List(MissionListView list) =>
        Message(new Embed(Title: list.Heading, Description: list.Missions.Count == 0 ? list.EmptyText : string.Join('\n', list.Missions.Select(Line)), Color: Blurple));

    private static MessagePayload Board(BoardView board) =>
        Message(new Embed(
            Title: "The board",
            Url: Link(board.Url),
            Color: Blurple,
            Fields: board.Columns.Select(c => new EmbedField(
                $"{c.Title} ({c.Total})",
                c.Missions.Count == 0 ? "Nothing here."
                : string.Join('\n', c.Missions.Select(Line)) + (c.Total > c.Missions.Count ? $"\n…and {c.Total - c.Missions.Count} more" : ""))).ToList()));

    /// <summary>One message per run, edited in place as it advances: where it has got to, and Cancel or Retry.</summary>
    private static MessagePayload RunProgress(RunProgressView r)
    {
        var headline = ViewText.Headline(r);
        var color = r.Status switch
        {
            RunStatus.Queued => Grey,
            RunStatus.Running => Blurple,
            RunStatus.Succeeded => Green,
            RunStatus.Failed => Red,
            _ => Yellow,
        };
        var description = new StringBuilder("**").Append(headline).Append("**");
        foreach (var step in r.StepsDone.TakeLast(20))
        {
            description.Append("\n✓ ").Append(DiscordLimits.Cut(step, 200));
        }

        if (r.Note is not null && r.Status is RunStatus.Running or RunStatus.Succeeded)
        {
            description.Append("\n\n").Append(r.Note);
        }

        var embed = new Embed(
            Title: $"{(r.Replay ? "Replay" : "Run")} of {r.MissionNumber}: {r.MissionTitle}",
            Description: description.ToString(),
            Color: color,
            Footer: new EmbedFooter($"{r.StaffName} · attempt {r.Attempt}" + (r.TaskTitle is null ? "" : $" · task: {r.TaskTitle}")));
        return r.Status switch
        {
            RunStatus.Queued or RunStatus.Running => Message(embed, Components.Row(Components.Button(ButtonStyle.Secondary, "Cancel run", DiscordButtons.CancelRun(r.RunId)))),
            RunStatus.Failed or RunStatus.Cancelled => Message(embed, Components.Row(Components.Button(ButtonStyle.Primary, "Retry", DiscordButtons.RetryRun(r.RunId)))),
            _ => Message(embed),
        };
    }

    /// <summary>
    /// The review prompt: the summary and the artifact links, then Approve, Request changes and Replay; after a
    /// decision, the decision. A new prompt pings its requester only (edits notify nobody).
    /// </summary>
    private static MessagePayload Review(ReviewView r, string? pingUserId)
    {
        var embed = new Embed(
            Title: r.Replay ? $"{r.MissionNumber} replayed against its objective: {r.MissionTitle}" : $"{r.MissionNumber} is ready for review: {r.MissionTitle}",
            Url: Link(r.MissionUrl),
            Description: r.Summary,
            Color: r.Replay ? Blurple : Yellow,
            Fields: Fields(
                ("Artifacts", Artifacts(r.Artifacts)),
                ("Decision", r.Outcome switch
                {
                    ReviewOutcome.Approved => $"Approved: {r.MissionNumber} is done, by {r.ReviewedByName}{When(r.ReviewedAt)}",
                    ReviewOutcome outcome => $"Changes requested by {r.ReviewedByName}{When(r.ReviewedAt)}: a new run has started",
                    null => null,
                }),
                ("Comment", r.Comment)),
            Footer: new EmbedFooter("by " + r.StaffName));
        var replay = Missions.Mission.TryParseNumber(r.MissionNumber, out var n) ? Components.Button(ButtonStyle.Secondary, "Replay against the objective", DiscordButtons.ReplayMission(n)) : null;
        var content = pingUserId is null || r.Outcome is not null || r.Replay ? null : $"<@{pingUserId}> {r.MissionNumber} is ready for your review.";
        var mentions = content is null ? AllowedMentions.None : AllowedMentions.OnlyUsers(pingUserId!);
        if (r.Replay || r.Outcome is not null)
        {
            var approvedOrReplay = r.Replay || r.Outcome == ReviewOutcome.Approved;
            return Message(embed, approvedOrReplay && replay is not null ? [Components.Row(replay)] : []) with { Content = content, AllowedMentions = mentions };
        }

        var buttons = new List<JsonObject>
        {
            Components.Button(ButtonStyle.Success, "Approve", DiscordButtons.ApproveReview(r.RunId)),
            Components.Button(ButtonStyle.Secondary, "Request changes", DiscordButtons.RequestChanges(r.RunId)),
        };
        if (replay is not null)
        {
            buttons.Add(replay);
        }

        return Message(embed, Components.Row([.. buttons])) with { Content = content, AllowedMentions = mentions };
    }

    private static MessagePayload Message(Embed embed, params JsonObject[] rows) => new()
    {
        Embeds = [embed],
        // An update must say the message has no buttons any more: an empty list, not an absent one.
        Components = [.. rows],
    };

    private static string Line(MissionLine line)
    {
        var details = new List<string> { MissionLifecycle.ColumnTitle(line.Status) };
        if (line.AssigneeName is not null)
        {
            details.Add(line.AssigneeName);
        }

        if (line.DueDate is { } due)
        {
            details.Add("due " + due.ToString("d MMM", CultureInfo.InvariantCulture));
        }

        return $"**{line.Number}** {DiscordLimits.Cut(line.Title, 120)} · {string.Join(" · ", details)}";
    }

    private static string? Artifacts(IReadOnlyList<ArtifactLink> artifacts) =>
        artifacts.Count == 0 ? null : string.Join('\n', artifacts.Take(10).Select(a => $"[{DiscordLimits.Cut(a.Name, 80)}]({a.Url}) ({OfflineStaffAgent.Size(a.Size)})"));

    private static List<EmbedField>? Fields(params (string Name, string? Value)[] fields)
    {
        var present = fields.Where(f => !string.IsNullOrWhiteSpace(f.Value)).Select(f => new EmbedField(f.Name, f.Value!, Inline: f.Value!.Length <= 40)).ToList();
        return present.Count == 0 ? null : present;
    }

    /// <summary>An address Discord accepts as a link (absolute http or https), else none.</summary>
    private static string? Link(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? url : null;

    /// <summary>A Discord timestamp, shown in each reader's own time zone.</summary>
    private static string When(DateTime? at) =>
        at is { } t ? $" · <t:{new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeSeconds()}:f>" : "";

    private static int StatusColor(MissionStatus status) => status switch
    {
        MissionStatus.InProgress => Blurple,
        MissionStatus.Review => Yellow,
        MissionStatus.Done => Green,
        MissionStatus.Cancelled => Grey,
        _ => Grey,
    };
}

/// <summary>
/// The <c>custom_id</c>s of the product's buttons and modals: a verb and an id, read back strictly. They say what was
/// pressed, never what may be done: everything is loaded and checked again server-side.
/// </summary>
public static class DiscordButtons
{
    public const string ApproveProposalVerb = "p.approve";
    public const string EditProposalVerb = "p.edit";
    public const string BlueprintVerb = "p.bp";
    public const string AnswerVerb = "p.answer";
    public const string RejectProposalVerb = "p.reject";
    public const string RunMissionVerb = "m.run";
    public const string ReplayMissionVerb = "m.replay";
    public const string ApproveReviewVerb = "r.approve";
    public const string RequestChangesVerb = "r.changes";
    public const string RetryRunVerb = "r.retry";
    public const string CancelRunVerb = "r.cancel";

    public static string ApproveProposal(Guid id) => $"{ApproveProposalVerb}:{id:N}";
    public static string EditProposal(Guid id) => $"{EditProposalVerb}:{id:N}";

    /// <summary>The blueprint select of a proposal at <paramref name="version"/> (a choice made on an older message is refused as stale).</summary>
    public static string Blueprint(Guid id, long version) => $"{BlueprintVerb}:{id:N}.{version.ToString(CultureInfo.InvariantCulture)}";

    public static string Answer(Guid id) => $"{AnswerVerb}:{id:N}";
    public static string RejectProposal(Guid id) => $"{RejectProposalVerb}:{id:N}";
    public static string RunMission(long number) => $"{RunMissionVerb}:{number.ToString(CultureInfo.InvariantCulture)}";
    public static string ReplayMission(long number) => $"{ReplayMissionVerb}:{number.ToString(CultureInfo.InvariantCulture)}";
    public static string ApproveReview(Guid runId) => $"{ApproveReviewVerb}:{runId:N}";
    public static string RequestChanges(Guid runId) => $"{RequestChangesVerb}:{runId:N}";
    public static string RetryRun(Guid runId) => $"{RetryRunVerb}:{runId:N}";
    public static string CancelRun(Guid runId) => $"{CancelRunVerb}:{runId:N}";

    /// <summary>The verb and id of a custom_id, or null when it is not one of ours.</summary>
    public static (string Verb, string Id)? Parse(string? customId) =>
        customId?.Split(':') is [var verb, var id] && verb.Length > 0 && id.Length is > 0 and <= 64 ? (verb, id) : null;

    /// <summary>The value of a select's "nobody", "no project" or "no blueprint" option.</summary>
    public const string NoChoice = "none";

    /// <summary>The id a select's value chose, or null for <see cref="NoChoice"/> (or a value that is not one of ours).</summary>
    public static Guid? ChoiceOf(string value) => value == NoChoice ? null : GuidOf(value);

    public static Guid? GuidOf(string id) => Guid.TryParseExact(id, "N", out var guid) ? guid : null;

    public static long? NumberOf(string id) => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}
