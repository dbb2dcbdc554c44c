using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Missions.Discord;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Web;
using Missions.Host.Workspace;

namespace Missions.Host.Discord;

/// <summary>
/// Discord's adapter: signed interactions in (checked before they get here), turns through the <see cref="TurnPipeline"/>.
/// A command (<c>/mission …</c>, the "Create mission" message command) is stored and answered at once with a deferral
/// (type 5, "thinking…"); its turn runs after the answer and its reply becomes the response message (see
/// <see cref="DiscordOutboxTransport"/>). A button is answered with the message it sits on, updated (type 7), or a
/// modal (Edit, Reject, Request changes) whose submission updates it. Who may decide is asked of the
/// <see cref="AccessPolicy"/> per click, before a modal opens.
/// </summary>
public sealed partial class DiscordAdapter(
    MissionsDbContext db,
    TurnPipeline pipeline,
    WorkspaceCache workspaces,
    AccessPolicy access,
    IOptions<DiscordOptions> options,
    TimeProvider clock) : IChannelAdapter
{
    public const string Name = "discord";
    public const string CommandName = "mission";
    public const string MessageCommandName = "Create mission";

    /// <summary>How a queued turn's replies find the interaction they answer: its token, for the response and follow-ups.</summary>
    internal const string InteractionReplyPrefix = "interaction:";

    public string Channel => Name;

    /// <summary>The answer to an interaction (an interaction response, as JSON).</summary>
    public async Task<string> HandleAsync(Interaction interaction, string json, CancellationToken cancellationToken)
    {
        if (interaction.Type == InteractionType.Ping)
        {
            return InteractionResponse.Pong.ToJson();
        }

        if (interaction.ChannelId is not { Length: > 0 } || interaction.Invoker is null || interaction.Id.Length == 0)
        {
            return InteractionResponse.Ephemeral("I can't tell where this came from, so I did nothing.").ToJson();
        }

        return interaction.Type switch
        {
            InteractionType.ApplicationCommand => await CommandAsync(interaction, json, cancellationToken),
            InteractionType.MessageComponent => await ComponentAsync(interaction, cancellationToken),
            InteractionType.ModalSubmit => await ModalSubmitAsync(interaction, cancellationToken),
            _ => InteractionResponse.Ephemeral("That kind of interaction is not handled by Missions.").ToJson(),
        };
    }

    // ---- commands: stored, deferred, handled after the answer ---------------------------------------------------------

    private async Task<string> CommandAsync(Interaction interaction, string json, CancellationToken cancellationToken)
    {
        if (ReadCommand(interaction) is not { } command)
        {
            return InteractionResponse.Ephemeral("I don't know that command. Try /mission new, /mission board, /mission show or /mission list.").ToJson();
        }

        if (command.Error is { } error)
        {
            return InteractionResponse.Ephemeral(error).ToJson();
        }

        var reference = await ReferenceAsync(interaction, cancellationToken);
        return await pipeline.QueueAsync(Name, interaction.Id, reference.Id, json, InteractionResponse.Defer.ToJson(), null, cancellationToken);
    }

    /// <summary>
    /// The turn of a queued command (the words it stands for, answered into the interaction's response) or of a mention
    /// heard on the Gateway (its words without the mention, answered with a reply to it).
    /// </summary>
    public ChatTurn? ReadQueued(InboxClaim claim)
    {
        if (claim.EventId.StartsWith(MentionEvent, StringComparison.Ordinal))
        {
            var stored = JsonNode.Parse(claim.PayloadJson)!;
            var message = stored["message"].Deserialize<DiscordMessage>(DiscordJson.Options) ?? throw new JsonException($"Queued event '{claim.EventId}' has no message.");
            return new ChatTurn(Name, claim.ConversationReferenceId, Workspaces.OfDiscord(message.GuildId, message.ChannelId ?? ""), UserOf(message.Author!, message.Member),
                (string?)stored["text"], null, MessageReplyPrefix + message.Id, null, Links: FilesOf(message.Attachments));
        }

        var interaction = JsonSerializer.Deserialize<Interaction>(claim.PayloadJson, DiscordJson.Options)
            ?? throw new JsonException($"Queued event '{claim.EventId}' has no interaction.");
        return ReadCommand(interaction) is { Error: null } command
            ? TurnOf(interaction, claim.ConversationReferenceId, command.Text, null, InteractionReplyPrefix + interaction.Token) with
            {
                IsRequest = command.IsRequest,
                Links = FilesOf(command.Files),
            }
            : null;
    }

    /// <summary>Files on a message or given to a command, as Discord describes them: fetched from its CDN when attached.</summary>
    private static List<LinkedFile>? FilesOf(IEnumerable<DiscordAttachment>? attachments) =>
        attachments?.Select(a => Uri.TryCreate(a.Url, UriKind.Absolute, out var url) ? new LinkedFile(a.Filename, a.ContentType, a.Size, url) : null)
            .OfType<LinkedFile>().ToList();

    /// <summary>What a command asks for, as the words chat uses (<c>show M-12</c>), or why it cannot be done.</summary>
    internal static QueuedCommand? ReadCommand(Interaction interaction)
    {
        var data = interaction.Data;
        if (data?.Type == CommandType.Message)
        {
            var target = data.TargetId is { } id && data.Resolved?.Messages?.TryGetValue(id, out var message) == true ? message : null;
            return target?.Content?.Trim() is { Length: > 0 } content
                ? new QueuedCommand(content, IsRequest: true)
                : new QueuedCommand("", false, "That message has no text I can read, so there is nothing to turn into a mission.");
        }

        if (data?.Name != CommandName || data.Options is not [{ Type: CommandOption.SubCommand } sub])
        {
            return null;
        }

        string? Option(string name) => sub.Options?.FirstOrDefault(o => o.Name == name)?.StringValue?.Trim();
        switch (sub.Name)
        {
            case "new":
                var text = Option("text");
                return text is { Length: > 0 } ? new QueuedCommand(text, IsRequest: true)
                    : new QueuedCommand("", false, "Say what you need, for example: /mission new text: summarise competitor pricing by Friday.");
            case "board":
                return new QueuedCommand("board", false);
            case "show":
                var number = sub.Options?.FirstOrDefault(o => o.Name == "number")?.IntegerValue;
                return number is > 0 ? new QueuedCommand($"show M-{number.Value.ToString(CultureInfo.InvariantCulture)}", false)
                    : new QueuedCommand("", false, "Give a mission number, for example /mission show number: 12.");
            case "list":
                var status = Option("status");
                var mine = sub.Options?.FirstOrDefault(o => o.Name == "mine")?.BooleanValue == true;
                if (status is { Length: > 0 } && !MissionLifecycle.TryParseStatus(status, out _))
                {
                    return new QueuedCommand("", false, $"“{status}” is not a column; use backlog, in progress, review or done.");
                }

                return new QueuedCommand($"list {status} {(mine ? "mine" : "")}".Trim(), false);
            case "attach":
                var to = sub.Options?.FirstOrDefault(o => o.Name == "number")?.IntegerValue;
                var files = sub.Options?.Where(o => o.Type == CommandOption.Attachment).Select(o => data.Resolved?.Attachments?.GetValueOrDefault(o.StringValue ?? ""))
                    .OfType<DiscordAttachment>().ToList();
                return to is > 0 && files is { Count: > 0 }
                    ? new QueuedCommand($"attach M-{to.Value.ToString(CultureInfo.InvariantCulture)}", false, Files: files)
                    : new QueuedCommand("", false, "Give a mission number and a file, for example /mission attach number: 12 file: (pick one).");
            default:
                return null;
        }
    }

    internal sealed record QueuedCommand(string Text, bool IsRequest, string? Error = null, IReadOnlyList<DiscordAttachment>? Files = null);

    // ---- mentions heard on the Gateway -------------------------------------------------------------------------------

    /// <summary>How a mention's replies find the message they answer.</summary>
    internal const string MessageReplyPrefix = "message:";

    private const string MentionEvent = "mention:";

    /// <summary>
    /// A message in a channel: when it mentions the bot (its user, or its managed role, which Discord's picker often
    /// inserts instead), its words without the mention are stored and handled like a chat message. The bot's own
    /// messages, other bots' and webhooks' are ignored; a message heard twice (a resumed session) is handled once.
    /// </summary>
    public async Task MentionAsync(JsonElement data, string botUserId, IReadOnlyList<string> botRoleIds, CancellationToken cancellationToken)
    {
        var message = data.Deserialize<DiscordMessage>(DiscordJson.Options);
        if (message?.Author is not { } author || author.Bot == true || message.WebhookId is not null || author.Id == botUserId || message.ChannelId is null)
        {
            return;
        }

        var mentioned = message.Mentions?.Any(u => u.Id == botUserId) == true || message.MentionRoles?.Any(botRoleIds.Contains) == true;
        if (!mentioned)
        {
            return;
        }

        var text = MentionPattern().Replace(message.Content ?? "", m => m.Groups["id"].Value == botUserId || botRoleIds.Contains(m.Groups["id"].Value) ? " " : m.Value).Trim();
        var reference = await ReferenceAsync(message.ChannelId, message.GuildId, options.Value.ApplicationId, appPermissions: null, cancellationToken);
        var stored = new JsonObject { ["message"] = JsonNode.Parse(data.GetRawText()), ["text"] = text };
        await pipeline.QueueAsync(Name, MentionEvent + message.Id, reference.Id, stored.ToJsonString(), "", null, cancellationToken);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"<@[!&]?(?<id>\d+)>")]
    private static partial System.Text.RegularExpressions.Regex MentionPattern();

    // ---- buttons and modals: handled now, answered with the updated message --------------------------------------------

    private async Task<string> ComponentAsync(Interaction interaction, CancellationToken cancellationToken)
    {
        if (DiscordButtons.Parse(interaction.Data?.CustomId) is not var (verb, id))
        {
            return InteractionResponse.Ephemeral("That button belongs to an older version of Missions and does nothing now.").ToJson();
        }

        if (Refused(interaction, verb) is { } refusal)
        {
            return refusal.ToJson();
        }

        // The buttons that ask for more first open a modal; nothing is changed until it is submitted.
        switch (verb)
        {
            case DiscordButtons.RejectProposalVerb when DiscordButtons.GuidOf(id) is { } proposal:
                return await OpenUnlessDecidedAsync(interaction, proposal, _ => Task.FromResult(InteractionResponse.Modal(
                    DiscordButtons.RejectProposal(proposal), "Reject the proposal",
                    Components.Label("Why? (optional)", Components.TextInput(ReasonInput, paragraph: true, null, required: false, maxLength: 2000)))), cancellationToken);
            case DiscordButtons.EditProposalVerb when DiscordButtons.GuidOf(id) is { } proposal:
                return await OpenUnlessDecidedAsync(interaction, proposal, p => EditModalAsync(p, cancellationToken), cancellationToken);
            case DiscordButtons.AnswerVerb when DiscordButtons.GuidOf(id) is { } proposal:
                return await OpenUnlessDecidedAsync(interaction, proposal, p => Task.FromResult(AnswerModal(p)), cancellationToken);
            case DiscordButtons.RequestChangesVerb when DiscordButtons.GuidOf(id) is { } run:
                return InteractionResponse.Modal(DiscordButtons.RequestChanges(run), "Request changes",
                    Components.Label("What should change?", Components.TextInput(ChangesInput, paragraph: true, null, required: true, maxLength: 4000))).ToJson();
        }

        ChatAction? action = verb switch
        {
            DiscordButtons.ApproveProposalVerb when DiscordButtons.GuidOf(id) is { } p => new ApproveProposal(p, new ProposalEdits()),
            DiscordButtons.BlueprintVerb when EditTarget(id) is var (p, version) && interaction.Data?.Values is [var chosen] =>
                new EditProposal(p, version, new ProposalEdits(BlueprintId: Patch.Of(DiscordButtons.ChoiceOf(chosen)))),
            DiscordButtons.RunMissionVerb when DiscordButtons.NumberOf(id) is { } n => new RunMission(n),
            DiscordButtons.ReplayMissionVerb when DiscordButtons.NumberOf(id) is { } n => new ReplayMission(n),
            DiscordButtons.ApproveReviewVerb when DiscordButtons.GuidOf(id) is { } r => new ApproveReview(r),
            DiscordButtons.RetryRunVerb when DiscordButtons.GuidOf(id) is { } r => new RetryRun(r),
            DiscordButtons.CancelRunVerb when DiscordButtons.GuidOf(id) is { } r => new CancelRun(r),
            _ => null,
        };
        return action is null
            ? InteractionResponse.Ephemeral("That button belongs to an older version of Missions and does nothing now.").ToJson()
            : await ActAsync(interaction, action, cancellationToken);
    }

    private async Task<string> ModalSubmitAsync(Interaction interaction, CancellationToken cancellationToken)
    {
        if (DiscordButtons.Parse(interaction.Data?.CustomId) is not var (verb, id))
        {
            return InteractionResponse.Ephemeral("That form belongs to an older version of Missions and does nothing now.").ToJson();
        }

        if (Refused(interaction, verb) is { } refusal)
        {
            return refusal.ToJson();
        }

        var values = interaction.Data!.ModalValues();
        string? Value(string input) => values.TryGetValue(input, out var v) && v.Count > 0 && v[0].Trim() is { Length: > 0 } text ? text : null;
        ChatAction? action = verb switch
        {
            DiscordButtons.RejectProposalVerb when DiscordButtons.GuidOf(id) is { } p => new RejectProposal(p, Value(ReasonInput)),
            DiscordButtons.RequestChangesVerb when DiscordButtons.GuidOf(id) is { } r => new RequestChanges(r, Value(ChangesInput)),
            EditVerb when EditTarget(id) is var (p, version) => EditOf(p, version, Value, out var problem) ?? (ChatAction)new UnknownAction(problem!),
            DiscordButtons.AnswerVerb when EditTarget(id) is var (p, version) => new EditProposal(p, version, new ProposalEdits(Answers:
                Enumerable.Range(0, MaxAnswers).TakeWhile(i => values.ContainsKey(AnswerInput(i))).Select(i => Value(AnswerInput(i)) ?? "").ToList())),
            _ => null,
        };
        return action switch
        {
            null => InteractionResponse.Ephemeral("That form belongs to an older version of Missions and does nothing now.").ToJson(),
            UnknownAction invalid => InteractionResponse.Ephemeral(invalid.Why).ToJson(),
            _ => await ActAsync(interaction, action, cancellationToken),
        };
    }

    private async Task<string> ActAsync(Interaction interaction, ChatAction action, CancellationToken cancellationToken)
    {
        var reference = await ReferenceAsync(interaction, cancellationToken);
        var turn = TurnOf(interaction, reference.Id, null, action, null);
        // A modal opened from a slash command has no message to update: its answer is a message of its own.
        var onMessage = interaction.Message is not null;
        return await pipeline.HandleNowAsync(this, interaction.Id, turn, reply => Answer(reply, onMessage).ToJson(), answerShowsResult: true, null, cancellationToken);
    }

    /// <summary>
    /// The view that answers a click replaces the message clicked (type 7); a few words (a refusal, "queued") are said
    /// to the person who clicked only; with nothing to show, the click is acknowledged and the posts follow.
    /// </summary>
    private static InteractionResponse Answer(BotReply reply, bool onMessage) => reply.ActionResult switch
    {
        NoticeView notice => InteractionResponse.Ephemeral(notice.Text),
        { Key: not null } view when onMessage => InteractionResponse.Update(DiscordViews.Render(view)),
        { } view => InteractionResponse.Message(DiscordViews.Render(view)),
        null => InteractionResponse.DeferUpdate,
    };

    // ---- the edit modal -------------------------------------------------------------------------------------------------

    private const string EditVerb = DiscordButtons.EditProposalVerb;
    private const string ReasonInput = "reason";
    private const string ChangesInput = "changes";
    private const string TitleInput = "title";
    private const string ObjectiveInput = "objective";
    private const string AssigneeInput = "assignee";
    private const string ProjectInput = "project";
    private const string DueInput = "due";

    /// <summary>
    /// The proposal's fields in a modal, as they are now (its version in the modal's id guards the edit): title, objective,
    /// assignee and project as selects, due date.
    /// </summary>
    private async Task<InteractionResponse> EditModalAsync(Proposal proposal, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(db, cancellationToken);
        var staff = workspace.Staff.Where(s => s.IsActive).Select(s => (s.Id.ToString("N"), $"{s.Name} ({s.Role})")).Prepend((DiscordButtons.NoChoice, "Nobody yet"));
        var projects = workspace.Projects.Select(p => (p.Id.ToString("N"), p.Name)).Prepend((DiscordButtons.NoChoice, "No project"));
        return InteractionResponse.Modal($"{EditVerb}:{proposal.Id:N}.{proposal.Version.ToString(CultureInfo.InvariantCulture)}", "Edit the proposal",
            Components.Label("Title", Components.TextInput(TitleInput, paragraph: false, proposal.Title, required: true, maxLength: MissionOperations.MaxTitle)),
            Components.Label("Objective (the outcome)", Components.TextInput(ObjectiveInput, paragraph: true, proposal.Objective, required: true, maxLength: 4000)),
            Components.Label("Assignee", Components.StringSelect(AssigneeInput, staff, proposal.AssigneeId?.ToString("N") ?? DiscordButtons.NoChoice, required: true)),
            Components.Label("Project", Components.StringSelect(ProjectInput, projects, proposal.ProjectId?.ToString("N") ?? DiscordButtons.NoChoice, required: true)),
            Components.Label("Due date", Components.TextInput(DueInput, paragraph: false, proposal.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), required: false, maxLength: 10, placeholder: "YYYY-MM-DD, or leave empty")));
    }

    /// <summary>The most questions the Answer modal holds (a modal holds five fields).</summary>
    private const int MaxAnswers = 5;

    private static string AnswerInput(int index) => "a" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The proposal's questions, each with a box holding the answer given so far (the first five questions).</summary>
    private static InteractionResponse AnswerModal(Proposal proposal) =>
        InteractionResponse.Modal($"{DiscordButtons.AnswerVerb}:{proposal.Id:N}.{proposal.Version.ToString(CultureInfo.InvariantCulture)}", "Before it starts",
            [.. proposal.Questions.Take(MaxAnswers).Select((q, i) => Components.Label(
                DiscordLimits.Cut(q, 45), Components.TextInput(AnswerInput(i), paragraph: true, BlueprintShape.AnswerAt(proposal, i), required: false, maxLength: 2000),
                q.Length > 45 ? DiscordLimits.Cut(q, 100) : null))]);

    private static (Guid Proposal, long Version)? EditTarget(string id) =>
        id.Split('.') is [var guid, var version] && DiscordButtons.GuidOf(guid) is { } proposal
        && long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? (proposal, v) : null;

    private static EditProposal? EditOf(Guid proposal, long version, Func<string, string?> value, out string? problem)
    {
        problem = null;
        DateOnly? due = null;
        if (value(DueInput) is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                problem = $"“{text}” is not a date; write it as YYYY-MM-DD (for example 2026-12-04), or leave it empty.";
                return null;
            }

            due = parsed;
        }

        Guid? Chosen(string input) => value(input) is { } v ? DiscordButtons.ChoiceOf(v) : null;
        return new EditProposal(proposal, version, new ProposalEdits(
            Title: value(TitleInput) is { } title ? Patch.Of(title) : default,
            Objective: value(ObjectiveInput) is { } objective ? Patch.Of(objective) : default,
            ProjectId: Patch.Of(Chosen(ProjectInput)),
            AssigneeId: Patch.Of(Chosen(AssigneeInput)),
            DueDate: Patch.Of(due)));
    }

    /// <summary>A modal for a pending proposal; for one decided meanwhile, the decision in place of its message.</summary>
    private async Task<string> OpenUnlessDecidedAsync(Interaction interaction, Guid proposalId, Func<Proposal, Task<InteractionResponse>> modal, CancellationToken cancellationToken)
    {
        var proposal = await TurnQueries.For(db).Proposal(db, proposalId);
        return proposal is { Status: ProposalStatus.Pending }
            ? (await modal(proposal)).ToJson()
            // Deciding again shows the decision made before and changes nothing.
            : await ActAsync(interaction, proposal is null ? new UnknownAction("That proposal no longer exists.") : new RejectProposal(proposalId, null), cancellationToken);
    }

    // ---- who may decide ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// The refusal for a button or form the clicker may not use, before any modal opens (the decision itself asks the
    /// policy again); null when they may.
    /// </summary>
    private InteractionResponse? Refused(Interaction interaction, string verb)
    {
        Privilege? needed = verb switch
        {
            DiscordButtons.ApproveProposalVerb or DiscordButtons.EditProposalVerb or DiscordButtons.RejectProposalVerb
                or DiscordButtons.BlueprintVerb or DiscordButtons.AnswerVerb => Privilege.Approve,
            DiscordButtons.ApproveReviewVerb or DiscordButtons.RequestChangesVerb => Privilege.Review,
            _ => null,
        };
        var actor = UserOf(interaction.Invoker!, interaction.Member).AsActor();
        return needed is { } privilege && !access.May(actor, privilege) ? InteractionResponse.Ephemeral(access.Refusal(actor, privilege)) : null;
    }

    // ---- references and turns ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The conversation an interaction belongs to: its channel, or for a mission's thread the channel the thread
    /// started in, where the mission was proposed (so its buttons work in the thread).
    /// </summary>
    private Task<ConversationReference> ReferenceAsync(Interaction interaction, CancellationToken cancellationToken) =>
        ReferenceAsync(ConversationOf(interaction), interaction.GuildId, interaction.ApplicationId, interaction.AppPermissions, cancellationToken);

    /// <summary>
    /// A channel's conversation, brought up to date. The bot's permissions there come with interactions only; a mention
    /// (no permissions said) keeps what the last interaction said.
    /// </summary>
    private Task<ConversationReference> ReferenceAsync(string channel, string? guild, string? application, string? appPermissions, CancellationToken cancellationToken) =>
        ConversationStore.EnsureAsync(db, new ConversationInfo(
            Name, channel, TenantId: guild, BotId: application, ConversationType: guild is null ? "private" : "guild",
            ReferenceJson: appPermissions is null ? null : new JsonObject { ["guildId"] = guild, ["appPermissions"] = appPermissions }.ToJsonString()),
            clock.GetUtcNow().UtcDateTime, cancellationToken);

    /// <summary>Threads are channels of types 10, 11 and 12 with a parent.</summary>
    internal static string ConversationOf(Interaction interaction) =>
        (int?)interaction.Channel?["type"] is 10 or 11 or 12 && (interaction.Channel?["parent_id"] as JsonValue)?.ToString() is { Length: > 0 } parent
            ? parent
            : interaction.ChannelId!;

    private static ChatTurn TurnOf(Interaction interaction, Guid referenceId, string? text, ChatAction? action, string? replyTo) =>
        new(Name, referenceId, Workspaces.OfDiscord(interaction.GuildId, ConversationOf(interaction)), UserOf(interaction.Invoker!, interaction.Member), text, action, replyTo, null);

    /// <summary>
    /// Who wrote or clicked: their server nickname, else their display name, made safe to show; and their standing in
    /// the server as Discord says it (roles; Manage Server or Administrator, which only an interaction tells), which
    /// <see cref="AccessPolicy"/> decides by. Outside a server (a direct message) they have none.
    /// </summary>
    private static ChatUser UserOf(DiscordUser user, GuildMember? member)
    {
        var name = member?.Nick is { Length: > 0 } nick ? nick : user.DisplayName;
        var server = member is null ? ServerMembership.None
            : new ServerMembership(member.Roles ?? [], Permissions.Parse(member.Permissions).Has(Permissions.ManageGuild));
        return new ChatUser(user.Id, CleanText.Line(name) is { Length: > 0 and <= 100 } clean ? clean : "Discord user", Server: server);
    }
}
