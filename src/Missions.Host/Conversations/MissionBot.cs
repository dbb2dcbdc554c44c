using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Web;

namespace Missions.Host.Conversations;

/// <summary>
/// The channel-neutral heart: it decides, and nothing else. A turn comes in with words or a typed button; commands
/// (<see cref="ChatCommands"/>) list, show and move missions; a request goes to the proposer (<see cref="IProposer"/>)
/// and becomes a proposal; a button approves, rejects, runs or reviews. Every change goes through the operations of
/// its feature (missions, proposals, runs), inside the caller's write transaction, and the answer is views
/// (<see cref="BotReply"/>) that each channel renders its own way. A refusal is a <see cref="DomainException"/>,
/// which the turn pipeline shows as a notice. A turn sees the missions and proposals of the workspace it was said in
/// (and those joined to it) and no others: any other number answers as if there were no such mission.
/// </summary>
public sealed class MissionBot(
    MissionsDbContext db,
    MissionOperations missions,
    MissionEditor editor,
    ProposalOperations proposals,
    RunOperations runs,
    ChatViews views,
    IProposer proposer,
    IOpenWork openWork,
    WorkspaceCache workspaces,
    AttachmentService attachments,
    LinkedFiles linkedFiles,
    PublicAddress address,
    Workspace.Workspaces spaces,
    TimeProvider clock)
{
    public const int MaxRequestLength = 4000;

    /// <summary>
    /// The read-only part of a turn: the workspace, and for a request the proposer's draft; for a button, the proposal
    /// it is about; for "attach", the files the channel only linked to, fetched. Channels call it before opening the
    /// turn's write transaction, so the writer (one at a time on SQLite) holds the database only for the writes. What
    /// it read may be a moment old; every write re-checks what it depends on.
    /// </summary>
    public async Task<PreparedTurn> PrepareAsync(ChatTurn turn, CancellationToken cancellationToken)
    {
        SeeFrom(turn);
        var workspace = await workspaces.GetAsync(db, cancellationToken);
        if (turn.Action is { } action)
        {
            var proposalId = action switch
            {
                ApproveProposal a => a.ProposalId,
                RejectProposal r => r.ProposalId,
                EditProposal e => e.ProposalId,
                _ => (Guid?)null,
            };
            return new PreparedTurn(workspace, null, null, proposalId is { } id ? await TurnQueries.For(db).Proposal(db, id) : null);
        }

        var command = turn.IsRequest ? new RequestCommand((turn.Text ?? "").Trim()) : ChatCommands.Parse(turn.Text);
        if (command is AttachCommand)
        {
            return new PreparedTurn(workspace, command, null, Fetched: await linkedFiles.FetchAsync(turn, cancellationToken));
        }

        var asked = command switch
        {
            RequestCommand r => r.Text,
            FollowUpCommand f => f.Text,
            _ => null,
        };
        if (asked is not { Length: <= MaxRequestLength })
        {
            return new PreparedTurn(workspace, command, null);
        }

        // Files linked with a request are kept with its proposal: fetched now, before the write transaction.
        var linked = turn.Links is { Count: > 0 } ? await linkedFiles.FetchAsync(turn, cancellationToken) : null;

        var conversation = await TurnQueries.For(db).Conversation(db, turn.ConversationReferenceId);
        var draft = await proposer.DraftAsync(new ProposalRequest(
            asked, clock.GetUtcNow(), turn.TimeZone ?? conversation?.TimeZone, conversation?.ProjectId,
            workspace.Staff.Where(s => s.IsActive).Select(s => new StaffInfo(s.Id, s.Name, s.Role, s.Instructions)).ToList(),
            workspace.Projects.Select(p => new ProjectInfo(p.Id, p.Name, p.Brief)).ToList(),
            workspace.Blueprints.Select(b => new BlueprintInfo(b.Id, b.Name, b.Keywords, b.DefaultStaffId, b.AutoRun, b.ObjectiveTemplate)).ToList(),
            openWork), cancellationToken);
        return new PreparedTurn(workspace, command, draft, Fetched: linked);
    }

    /// <summary>From here on, the turn's context sees the missions and proposals of the turn's workspace only.</summary>
    private void SeeFrom(ChatTurn turn) => db.SeeOnly(spaces.SeenFrom(turn.Workspace));

    /// <summary>Prepares and handles a turn in one go (for callers with no write transaction to keep short).</summary>
    public async Task<BotReply> HandleAsync(ChatTurn turn, CancellationToken cancellationToken) =>
        await HandleAsync(turn, await PrepareAsync(turn, cancellationToken), cancellationToken);

    /// <summary>Handles a prepared turn; the writes join the caller's transaction.</summary>
    public async Task<BotReply> HandleAsync(ChatTurn turn, PreparedTurn prepared, CancellationToken cancellationToken)
    {
        SeeFrom(turn);
        if (turn.Action is { } action)
        {
            return await ActAsync(turn, action, prepared, cancellationToken);
        }

        var command = prepared.Command ?? ChatCommands.Parse(turn.Text);
        string[] sent = [.. (turn.Files ?? []).Select(f => f.Name), .. (turn.Links ?? []).Select(l => l.Name ?? "the pasted image")];
        if (sent.Length > 0 && command is not (AttachCommand or RequestCommand { Text.Length: > 0 } or FollowUpCommand))
        {
            // Files are kept with a request's proposal, or attached when asked to: with any other command the rest of
            // the message is handled (a file sent alone asks for nothing else), and the files are not kept.
            await attachments.DiscardAsync(turn.Files ?? []);
            var notKept = new NoticeView(
                $"I did not keep {string.Join(", ", sent.Select(AttachmentService.SafeFileName))}: to attach files to a mission, send them with “attach M-12”.", NoticeTone.Warning);
            if (string.IsNullOrWhiteSpace(turn.Text))
            {
                return BotReply.Post(notKept);
            }

            var reply = await HandleCommandAsync(turn, command, prepared, cancellationToken);
            return reply with { Posts = [.. reply.Posts, notKept] };
        }

        return await HandleCommandAsync(turn, command, prepared, cancellationToken);
    }

    private async Task<BotReply> HandleCommandAsync(ChatTurn turn, ChatCommand command, PreparedTurn prepared, CancellationToken cancellationToken)
    {
        var actor = turn.Actor;
        switch (command)
        {
            case HelpCommand:
                return BotReply.Post(new HelpView(ChatCommands.Help));
            case SmallTalkCommand talk:
                return BotReply.Post(new NoticeView(talk.Greeting ? ChatCommands.Greeting : ChatCommands.Acknowledged));
            case BoardCommand:
                return BotReply.Post(await views.BoardAsync(cancellationToken));
            case ProposalsCommand:
                return BotReply.Post(await views.PendingProposalsAsync(cancellationToken));
            case ListCommand list:
                return BotReply.Post(await views.ListAsync(list.Status, list.Mine ? turn.From : null, cancellationToken));
            case ShowCommand show:
                return BotReply.Post(await views.MissionAsync(show.Number, cancellationToken));
            case MoveCommand move:
                if (!MissionLifecycle.TryParseStatus(move.Column, out var to))
                {
                    return BotReply.Post(new NoticeView($"I don't know the column “{move.Column}”. Use backlog, in progress, review or done.", NoticeTone.Warning));
                }

                var moved = await missions.TransitionAsync(move.Number, to, null, actor, null, cancellationToken);
                return BotReply.Post(
                    new NoticeView($"Moved {Mission.FormatNumber(moved.Number)} to {MissionLifecycle.ColumnTitle(moved.Status).ToLowerInvariant()}.", NoticeTone.Success),
                    await views.MissionAsync(moved.Number, cancellationToken));
            case CommentCommand comment:
                await missions.AddCommentAsync(comment.Number, comment.Text, actor, cancellationToken);
                return BotReply.Post(new NoticeView($"Added your comment to {Mission.FormatNumber(comment.Number)}.", NoticeTone.Success));
            case AttachCommand attach:
                var fetched = prepared.Fetched ?? FetchedFiles.None;
                return BotReply.Post(await AttachAsync(attach.Number, [.. turn.Files ?? [], .. fetched.Files], fetched.Problems, actor, cancellationToken));
            case TasksCommand list:
                return BotReply.Post(await views.TasksAsync(list.Number, cancellationToken));
            case AddTaskCommand add:
                var added = await missions.AddTaskAsync(add.Number, add.Title, null, actor, cancellationToken);
                return BotReply.Post(new NoticeView($"Added the task “{added.Title}” to {Mission.FormatNumber(add.Number)}.", NoticeTone.Success),
                    await views.TasksAsync(add.Number, cancellationToken));
            case RemoveTaskCommand remove:
                var gone = await missions.RemoveTaskAsync(remove.Number, remove.Index, actor, cancellationToken);
                return BotReply.Post(new NoticeView($"Removed the task “{gone.Title}” from {Mission.FormatNumber(remove.Number)}.", NoticeTone.Success),
                    await views.TasksAsync(remove.Number, cancellationToken));
            case EditCommand edit:
                return BotReply.Post(await EditAsync(turn, edit, prepared.Workspace, cancellationToken));
            case CancelCommand cancel:
                var cancelled = await missions.TransitionAsync(cancel.Number, MissionStatus.Cancelled, null, actor, "Cancelled from chat.", cancellationToken);
                return BotReply.Post(new NoticeView($"Cancelled {Mission.FormatNumber(cancelled.Number)} “{cancelled.Title}”.", NoticeTone.Success));
            case RunCommand run:
                return BotReply.Post(await QueueRunAsync(run.Number, actor, cancellationToken));
            case ReplayCommand replay:
                return BotReply.Post(await QueueReplayAsync(replay.Number, actor, cancellationToken));
            case StopCommand stop:
                var stopped = await runs.CancelAsync(stop.Number, actor, cancellationToken);
                return BotReply.Post(new NoticeView(stopped.Status == RunStatus.Cancelled ? "Stopped the run." : "The run had already finished.", NoticeTone.Success));
            case RequestCommand request:
                return await ProposeAsync(turn, request.Text, prepared, null, cancellationToken);
            case FollowUpCommand followUp:
                var followed = await missions.GetAsync(followUp.Number, cancellationToken);
                return await ProposeAsync(turn, followUp.Text, prepared, followed.Id, cancellationToken);
            default:
                throw new InvalidOperationException("A command with no handling.");
        }
    }

    /// <summary>
    /// Each file sent with the message attached to the mission, or the reason it could not be (<paramref name="unfetched"/>:
    /// linked files that could not be had, each with its reason).
    /// </summary>
    private async Task<NoticeView> AttachAsync(long number, IReadOnlyList<ChatFile> files, IReadOnlyList<string> unfetched, Actor actor, CancellationToken cancellationToken)
    {
        var label = Mission.FormatNumber(number);
        if (files.Count == 0 && unfetched.Count == 0)
        {
            return new NoticeView(
                $"No file came with that message. Send files with “attach {label}” (with the paperclip in the web chat, in a one-to-one chat " +
                $"with me in Teams, or on the message in Discord), or add them on {label}'s page: {address.Mission(number)}", NoticeTone.Info);
        }

        if (!await db.Missions.AnyAsync(m => m.Number == number, cancellationToken))
        {
            await attachments.DiscardAsync(files);
            throw DomainException.NotFound($"There is no mission {label}.");
        }

        var attached = new List<string>();
        var refused = new List<string>(unfetched);
        foreach (var file in files)
        {
            try
            {
                var attachment = await attachments.AddUploadAsync(number, file, actor, cancellationToken);
                attached.Add($"{attachment.FileName} ({attachment.Size:N0} bytes)");
            }
            catch (DomainException e)
            {
                refused.Add($"{AttachmentService.SafeFileName(file.Name)}: {e.Message}");
            }
        }

        var text = (attached.Count > 0 ? $"Attached {string.Join(", ", attached)} to {label}." : $"Nothing was attached to {label}.")
            + (refused.Count > 0 ? " Not attached: " + string.Join(" ", refused.Select(r => r.EndsWith('.') ? r : r + ".")) : ""); // each reason is a sentence
        return new NoticeView(text, refused.Count == 0 ? NoticeTone.Success : NoticeTone.Warning);
    }

    /// <summary>One change to an approved mission, from chat: names and days read as the person wrote them.</summary>
    private async Task<NoticeView> EditAsync(ChatTurn turn, EditCommand command, WorkspaceSnapshot workspace, CancellationToken cancellationToken)
    {
        // A mission that is not there (or not this workspace's) is said before anything about the words.
        var label = Mission.FormatNumber((await missions.GetAsync(command.Number, cancellationToken)).Number);
        var value = command.Value;
        MissionEdit edit;
        string now;
        switch (command.Field)
        {
            case MissionField.Assignee:
                var staff = value is null ? null : workspace.StaffNamed(value);
                (edit, now) = (new MissionEdit(AssigneeId: Patch.Of(staff?.Id)), staff is null ? "assigned to nobody" : $"assigned to {staff.Name}");
                break;
            case MissionField.Project:
                var project = value is null ? null : workspace.ProjectNamed(value);
                (edit, now) = (new MissionEdit(ProjectId: Patch.Of(project?.Id)), project is null ? "in no project" : $"in the project {project.Name}");
                break;
            case MissionField.Blueprint:
                var blueprint = value is null ? null : workspace.BlueprintNamed(value);
                (edit, now) = (new MissionEdit(BlueprintId: Patch.Of(blueprint?.Id)), blueprint is null ? "following no blueprint" : $"following the blueprint {blueprint.Name}");
                break;
            case MissionField.Title:
                (edit, now) = (new MissionEdit(Title: Patch.Of(value)), $"called “{value}”");
                break;
            case MissionField.AutoRun:
                var on = Switch(value);
                (edit, now) = (new MissionEdit(AutoRun: Patch.Of(on)), on ? "set to run by itself" : "set to run only when asked");
                break;
            default:
                var due = value is null ? (DateOnly?)null : await DueAsync(turn, value, cancellationToken);
                (edit, now) = (new MissionEdit(DueDate: Patch.Of(due)), due is null ? "due whenever" : $"due {ViewText.Day(due)}");
                break;
        }

        // Chat shows no version: the edit is to the mission as it is now.
        var edited = await editor.EditAsync(command.Number, null, edit, turn.Actor, cancellationToken);
        if (edited.Changed.Count == 0)
        {
            return new NoticeView($"{label} is already {now}.");
        }

        var started = edited.Started is { Created: true } ? " It had not run yet, so it starts now; progress follows here." : "";
        return new NoticeView($"{label} is now {now}.{started}", NoticeTone.Success);
    }

    /// <summary>on/off as people say it.</summary>
    private static bool Switch(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "on" or "yes" or "true" or "enable" or "enabled" => true,
        null or "off" or "no" or "false" or "disable" or "disabled" => false,
        _ => throw DomainException.Invalid("autorun", $"Say “on” or “off”, not “{value}”."),
    };

    /// <summary>The day a person named, in their time zone (or the conversation's).</summary>
    private async Task<DateOnly> DueAsync(ChatTurn turn, string words, CancellationToken cancellationToken)
    {
        var zone = turn.TimeZone ?? (await TurnQueries.For(db).Conversation(db, turn.ConversationReferenceId))?.TimeZone;
        return DueDateReader.Find(words, DueDateReader.LocalToday(clock.GetUtcNow(), zone))?.Date
            ?? throw DomainException.Invalid("due", $"I could not read a day in “{words}”. Try “friday”, “next week”, “12 March” or 2027-03-12.");
    }

    private async Task<NoticeView> QueueRunAsync(long number, Actor actor, CancellationToken cancellationToken)
    {
        var (run, created) = await runs.QueueAsync(number, RunTriggers.Requested, actor, cancellationToken);
        var label = Mission.FormatNumber(number);
        return created
            ? new NoticeView($"Queued a run of {label}.", NoticeTone.Success)
            : new NoticeView($"{label} already has a run {(run.Status == RunStatus.Running ? "under way" : "queued")}.", NoticeTone.Info);
    }

    private async Task<NoticeView> QueueReplayAsync(long number, Actor actor, CancellationToken cancellationToken)
    {
        var (run, created) = await runs.ReplayAsync(number, actor, cancellationToken);
        var label = Mission.FormatNumber(number);
        return created
            ? new NoticeView($"Replaying {label} against its objective; the gap report follows.", NoticeTone.Success)
            : new NoticeView($"{label} already has a run {(run.Status == RunStatus.Running ? "under way" : "queued")}; replay it when that one is done.", NoticeTone.Info);
    }

    /// <summary>
    /// The request as a proposal, with the files sent with it kept with the proposal (they become the mission's when it
    /// is approved); a file that cannot be kept is named with why.
    /// </summary>
    private async Task<BotReply> ProposeAsync(ChatTurn turn, string text, PreparedTurn prepared, Guid? follows, CancellationToken cancellationToken)
    {
        var fetched = prepared.Fetched ?? FetchedFiles.None;
        IReadOnlyList<ChatFile> files = [.. turn.Files ?? [], .. fetched.Files];
        if (text.Length > MaxRequestLength)
        {
            await attachments.DiscardAsync(files);
            throw DomainException.Invalid("text", $"That request is longer than {MaxRequestLength:N0} characters; please shorten it or attach a document to a mission.");
        }

        var draft = prepared.Draft ?? (await PrepareAsync(turn, cancellationToken)).Draft!;
        var proposal = await proposals.CreateAsync(draft, turn.Actor, turn.ConversationReferenceId, turn.Workspace, cancellationToken, follows);
        var refused = new List<string>(fetched.Problems);
        foreach (var file in files)
        {
            try
            {
                await attachments.KeepWithProposalAsync(proposal.Id, file, turn.Actor, cancellationToken);
            }
            catch (DomainException e)
            {
                refused.Add($"{AttachmentService.SafeFileName(file.Name)}: {e.Message}");
            }
        }

        var view = await views.ProposalAsync(proposal, prepared.Workspace, cancellationToken);
        return refused.Count == 0 ? BotReply.Post(view)
            : BotReply.Post(view, new NoticeView("Not kept with the proposal: " + string.Join(" ", refused.Select(r => r.EndsWith('.') ? r : r + ".")), NoticeTone.Warning));
    }

    // ---- buttons ----------------------------------------------------------------------------------------------------

    private async Task<BotReply> ActAsync(ChatTurn turn, ChatAction action, PreparedTurn prepared, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case ApproveProposal or RejectProposal or EditProposal:
                return await DecideAsync(turn, action, prepared, cancellationToken);
            case RunMission run:
                // The mission card's Run does what "run M-12" does, wherever the card was shown.
                return BotReply.Post(await QueueRunAsync(run.Number, turn.Actor, cancellationToken));
            case ReplayMission replay:
                return BotReply.Post(await QueueReplayAsync(replay.Number, turn.Actor, cancellationToken));
            case RetryRun retry:
            {
                var run = await RunOfThisConversationAsync(turn, retry.RunId, cancellationToken);
                var again = await runs.RetryAsync(run.Id, turn.Actor, cancellationToken);
                var number = await db.Missions.AsNoTracking().Where(m => m.Id == again.MissionId).Select(m => m.Number).SingleAsync(cancellationToken);
                return BotReply.Post(new NoticeView($"Retrying {Mission.FormatNumber(number)} (attempt {again.Attempt}); a new progress card follows.", NoticeTone.Success));
            }

            case CancelRun cancel:
            {
                var run = await RunOfThisConversationAsync(turn, cancel.RunId, cancellationToken);
                var (ended, stopped) = await runs.CancelAsync(run.Id, turn.Actor, cancellationToken);
                var progress = await views.RunProgressAsync(ended, cancellationToken);
                // Stopping it updated its card; a run that had already ended shows how it ended.
                return new BotReply(stopped ? [] : [progress], progress);
            }

            case ApproveReview or RequestChanges:
            {
                var runId = action is ApproveReview a ? a.RunId : ((RequestChanges)action).RunId;
                await RunOfThisConversationAsync(turn, runId, cancellationToken);
                try
                {
                    var review = action is RequestChanges changes
                        ? await runs.RequestChangesAsync(runId, changes.Changes, turn.Actor, cancellationToken)
                        : await runs.ApproveAsync(runId, turn.Actor, cancellationToken);
                    // A decision replaced the prompt already; a second click shows the decision made before.
                    return new BotReply(review.Decided ? [] : [review.View], review.View);
                }
                catch (DomainException refused) when (refused.Kind == Refusal.NotPermitted)
                {
                    return BotReply.Post(new NoticeView(refused.Message, NoticeTone.Warning));
                }
            }

            case UnknownAction unknown:
                return BotReply.Post(new NoticeView(unknown.Why, NoticeTone.Warning));
            default:
                throw new InvalidOperationException($"A button with no handling: {action.GetType().Name}.");
        }
    }

    /// <summary>
    /// The run a button is about, if its card was shown in this conversation (a run's cards go to its mission's
    /// conversation): a button's data can be forged, so a run id from elsewhere changes nothing.
    /// </summary>
    private async Task<Run> RunOfThisConversationAsync(ChatTurn turn, Guid runId, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(runId, cancellationToken);
        var conversation = await db.Missions.AsNoTracking().Where(m => m.Id == run.MissionId).Select(m => m.ConversationReferenceId).SingleOrDefaultAsync(cancellationToken);
        return conversation == turn.ConversationReferenceId ? run : throw ElsewhereCard();
    }

    private static DomainException ElsewhereCard() =>
        DomainException.NotPermitted("That card belongs to another conversation; use it where it was posted.");

    /// <summary>
    /// Approve, Reject or Edit on a proposal card: one mission however often it is clicked; a click after the decision
    /// shows the decision.
    /// </summary>
    private async Task<BotReply> DecideAsync(ChatTurn turn, ChatAction action, PreparedTurn prepared, CancellationToken cancellationToken)
    {
        var proposalId = action switch
        {
            ApproveProposal approve => approve.ProposalId,
            EditProposal edit => edit.ProposalId,
            _ => ((RejectProposal)action).ProposalId,
        };

        // Read before the write transaction (PrepareAsync); the decision re-checks the version.
        var existing = prepared.Proposal?.Id == proposalId ? prepared.Proposal : await TurnQueries.For(db).Proposal(db, proposalId);
        if (existing is null)
        {
            return BotReply.Post(new NoticeView("That proposal no longer exists.", NoticeTone.Warning));
        }

        if (existing.ConversationReferenceId != turn.ConversationReferenceId)
        {
            throw ElsewhereCard();
        }

        if (proposals.IsDue(existing))
        {
            // Its time ran out before the sweep came by: it expires now, and its card says so in place.
            if (await proposals.ExpireAsync(existing, cancellationToken))
            {
                return new BotReply([], await views.ProposalAsync(existing, prepared.Workspace, cancellationToken));
            }

            existing = await TurnQueries.For(db).Proposal(db, proposalId) ?? existing;
        }

        if (existing.Status != ProposalStatus.Pending)
        {
            return await AlreadyDecidedAsync(existing, prepared, cancellationToken);
        }

        try
        {
            if (action is ApproveProposal approval)
            {
                var decision = await proposals.ApproveAsync(existing, approval.Edits, null, turn.Actor, cancellationToken);
                return new BotReply([], decision.Card);
            }

            if (action is EditProposal change)
            {
                var edited = await proposals.EditAsync(existing, change.Edits, change.Version, turn.Actor, cancellationToken);
                return new BotReply([], await views.ProposalAsync(edited, prepared.Workspace, cancellationToken));
            }

            var rejected = await proposals.RejectAsync(existing, ((RejectProposal)action).Reason, null, turn.Actor, cancellationToken);
            return new BotReply([], await views.ProposalAsync(rejected, prepared.Workspace, cancellationToken));
        }
        catch (DomainException refused) when (refused.Kind == Refusal.NotPermitted)
        {
            // The card stays as it is for everyone; the person is told why.
            return new BotReply([new NoticeView(refused.Message, NoticeTone.Warning)], await views.ProposalAsync(existing, prepared.Workspace, cancellationToken));
        }
        catch (DomainException lost) when (lost.Code is ProposalOperations.AlreadyDecided or ProposalOperations.ConcurrentChange)
        {
            // Decided between our read and our write (two clicks at once): the same answer as a later click.
            if (await TurnQueries.For(db).Proposal(db, proposalId) is { Status: not ProposalStatus.Pending } decided)
            {
                return await AlreadyDecidedAsync(decided, prepared, cancellationToken);
            }

            throw;
        }
    }

    /// <summary>A second click, a retry, or someone else was quicker: show the decision in place, change nothing.</summary>
    private async Task<BotReply> AlreadyDecidedAsync(Proposal decided, PreparedTurn prepared, CancellationToken cancellationToken)
    {
        var mission = decided.MissionId is null ? null
            : await db.Missions.AsNoTracking().SingleOrDefaultAsync(m => m.Id == decided.MissionId, cancellationToken);
        var view = mission is null ? await views.ProposalAsync(decided, prepared.Workspace, cancellationToken) : await views.ApprovedCardAsync(decided, mission, cancellationToken);
        return new BotReply([view], view);
    }
}

/// <summary>
/// What a turn read before its write transaction: the workspace, the command its text asks for, the proposer's draft
/// for a request, the proposal a button is about. Writes re-check what they depend on, so it may be a moment old.
/// </summary>
public sealed record PreparedTurn(WorkspaceSnapshot Workspace, ChatCommand? Command, ProposalDraft? Draft, Proposal? Proposal = null, FetchedFiles? Fetched = null);
