using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Web;
using Missions.Host.Workspace;

namespace Missions.Host.Conversations;

/// <summary>
/// The channel-neutral heart: a turn in, views out. Commands in plain words list and move missions; a card action
/// approves or rejects a proposal; anything else addressed to the bot is a request and becomes a proposal. Every
/// state change goes through <see cref="MissionOperations"/> and <see cref="ProposalOperations"/>, inside the
/// caller's write transaction.
/// </summary>
public sealed partial class MissionBot(
    MissionsDbContext db,
    MissionOperations missions,
    ProposalOperations proposals,
    Runs.RunOperations runs,
    IProposer proposer,
    WorkspaceCache workspaces,
    TimeProvider clock)
{
    public const string ApproveVerb = "proposal.approve";
    public const string RejectVerb = "proposal.reject";
    public const int MaxRequestLength = 4000;

    public static readonly IReadOnlyList<HelpLine> Commands =
    [
        new("<a request in plain words>", "I draft a mission proposal for you to approve"),
        new("board", "the board, column by column"),
        new("my missions", "the open missions you asked for"),
        new("show M-12", "one mission"),
        new("move M-12 to review", "move a mission (backlog, in progress, review, done)"),
        new("comment M-12 <text>", "add a comment to a mission"),
        new("run M-12", "have the assigned staff agent work on a mission now"),
        new("stop M-12", "stop a mission's run"),
        new("cancel M-12", "cancel a mission"),
        new("help", "this list"),
    ];

    /// <summary>Prepares and handles a turn in one go (for callers with no write transaction to keep short).</summary>
    public async Task<BotReply> HandleAsync(ChatTurn turn, CancellationToken cancellationToken) =>
        await HandleAsync(turn, await PrepareAsync(turn, cancellationToken), cancellationToken);

    /// <summary>
    /// The read-only part of a turn: the workspace, and for a request the proposer's draft. Channels call it before
    /// opening the turn's write transaction, so the writer (one at a time on SQLite) holds the database only for
    /// the writes. What it read may be a moment old; every write re-checks what it depends on.
    /// </summary>
    public async Task<PreparedTurn> PrepareAsync(ChatTurn turn, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(db, cancellationToken);
        if (turn.Action is { } action)
        {
            return new PreparedTurn(workspace, null, ProposalIdOf(action) is { } proposalId
                ? await TurnQueries.For(db).Proposal(db, proposalId)
                : null);
        }

        var text = (turn.Text ?? "").Trim();
        if (!IsRequest(text) || text.Length > MaxRequestLength)
        {
            return new PreparedTurn(workspace, null);
        }

        var conversation = await TurnQueries.For(db).Conversation(db, turn.ConversationReferenceId);
        var draft = await proposer.DraftAsync(new ProposalRequest(
            text, clock.GetUtcNow(), turn.TimeZone ?? conversation?.TimeZone, conversation?.ProjectId,
            workspace.Staff.Where(s => s.IsActive).Select(s => new StaffInfo(s.Id, s.Name, s.Role, s.Instructions)).ToList(),
            workspace.Projects.Select(p => new ProjectInfo(p.Id, p.Name)).ToList(),
            workspace.Blueprints.Select(b => new BlueprintInfo(b.Id, b.Name, b.Keywords, b.DefaultStaffId, b.AutoRun, b.ObjectiveTemplate)).ToList(),
            []), cancellationToken);
        var candidates = await DuplicateCandidatesAsync(draft, cancellationToken);
        if (draft.DuplicateHint is null && candidates.Count > 0)
        {
            draft = draft with { DuplicateHint = OfflineProposer.DuplicateHint(draft.Title, draft.ProjectId, candidates) };
        }

        return new PreparedTurn(workspace, draft);
    }

    /// <summary>Handles a prepared turn; the writes join the caller's transaction.</summary>
    public async Task<BotReply> HandleAsync(ChatTurn turn, PreparedTurn prepared, CancellationToken cancellationToken)
    {
        if (turn.Action is not null)
        {
            return await HandleActionAsync(turn, turn.Action, prepared, cancellationToken);
        }

        var text = (turn.Text ?? "").Trim();
        if (text.Length == 0 || HelpCommand().IsMatch(text))
        {
            return BotReply.Post(new HelpView(Commands));
        }

        if (BoardCommand().IsMatch(text))
        {
            return BotReply.Post(await BoardAsync(cancellationToken));
        }

        if (MyMissionsCommand().IsMatch(text))
        {
            return BotReply.Post(await MyMissionsAsync(turn.From, cancellationToken));
        }

        if (ShowCommand().Match(text) is { Success: true } show)
        {
            return BotReply.Post(await MissionAsync(Number(show), cancellationToken));
        }

        if (MoveCommand().Match(text) is { Success: true } move)
        {
            if (!MissionLifecycle.TryParseStatus(move.Groups["to"].Value, out var to))
            {
                return BotReply.Post(new NoticeView($"I don't know the column “{move.Groups["to"].Value.Trim()}”. Use backlog, in progress, review or done.", NoticeTone.Warning));
            }

            var moved = await missions.TransitionAsync(Number(move), to, null, turn.From.ToActor(), null, cancellationToken);
            return BotReply.Post(
                new NoticeView($"Moved {Mission.FormatNumber(moved.Number)} to {MissionsApi.ColumnTitle(moved.Status).ToLowerInvariant()}.", NoticeTone.Success),
                await MissionAsync(moved.Number, cancellationToken));
        }

        if (CommentCommand().Match(text) is { Success: true } comment)
        {
            var number = Number(comment);
            await missions.AddCommentAsync(number, comment.Groups["text"].Value, turn.From.ToActor(), cancellationToken);
            return BotReply.Post(new NoticeView($"Added your comment to {Mission.FormatNumber(number)}.", NoticeTone.Success));
        }

        if (CancelCommand().Match(text) is { Success: true } cancel)
        {
            var number = Number(cancel);
            var actor = turn.From.ToActor();
            await using var scope = await db.BeginWriteAsync(cancellationToken);
            await runs.StopActiveAsync(number, actor, cancellationToken); // a run under way stops with its mission
            var cancelled = await missions.TransitionAsync(number, MissionStatus.Cancelled, null, actor, "Cancelled from chat.", cancellationToken);
            await scope.CommitAsync(cancellationToken);
            return BotReply.Post(new NoticeView($"Cancelled {Mission.FormatNumber(cancelled.Number)} “{cancelled.Title}”.", NoticeTone.Success));
        }

        if (RunCommand().Match(text) is { Success: true } run)
        {
            return BotReply.Post(await QueueRunAsync(Number(run), turn.From, cancellationToken));
        }

        if (StopCommand().Match(text) is { Success: true } stop)
        {
            var stopped = await runs.CancelAsync(Number(stop), turn.From.ToActor(), cancellationToken);
            return BotReply.Post(new NoticeView(stopped.Status == Runs.RunStatus.Cancelled ? "Stopped the run." : "The run had already finished.", NoticeTone.Success));
        }

        return BotReply.Post(await ProposeAsync(turn, text, prepared, cancellationToken));
    }

    /// <summary>Anything that is not a command is a request.</summary>
    private static bool IsRequest(string text) =>
        text.Length > 0 && !HelpCommand().IsMatch(text) && !BoardCommand().IsMatch(text) && !MyMissionsCommand().IsMatch(text)
        && !ShowCommand().IsMatch(text) && !MoveCommand().IsMatch(text) && !CommentCommand().IsMatch(text) && !CancelCommand().IsMatch(text)
        && !RunCommand().IsMatch(text) && !StopCommand().IsMatch(text);

    private async Task<NoticeView> QueueRunAsync(long number, ChatUser from, CancellationToken cancellationToken)
    {
        var (run, created) = await runs.QueueAsync(number, Runs.RunTriggers.Requested, from.ToActor(), cancellationToken);
        var label = Mission.FormatNumber(number);
        return created
            ? new NoticeView($"Queued a run of {label}; its progress card follows.", NoticeTone.Success)
            : new NoticeView($"{label} already has a run {(run.Status == Runs.RunStatus.Running ? "under way" : "queued")}.", NoticeTone.Info);
    }

    // ---- proposals ------------------------------------------------------------------------------------------------

    private async Task<ProposalView> ProposeAsync(ChatTurn turn, string text, PreparedTurn prepared, CancellationToken cancellationToken)
    {
        if (text.Length > MaxRequestLength)
        {
            throw ProblemException.Invalid("text", $"That request is longer than {MaxRequestLength:N0} characters; please shorten it or attach a document to a mission.");
        }

        var draft = prepared.Draft ?? (await PrepareAsync(turn, cancellationToken)).Draft!;
        var now = clock.GetUtcNow().UtcDateTime;
        var proposal = new Proposal
        {
            Id = Guid.CreateVersion7(),
            Title = OfflineProposer.Shorten(draft.Title, MissionsDbContext.NameLength),
            Objective = draft.Objective,
            Description = draft.Description,
            AssigneeId = draft.AssigneeId,
            ProjectId = draft.ProjectId,
            BlueprintId = draft.BlueprintId,
            DueDate = draft.DueDate,
            AutoRun = draft.AutoRun,
            Questions = draft.Questions.ToList(),
            DuplicateHint = draft.DuplicateHint,
            RequestedById = turn.From.Id,
            RequestedByName = turn.From.Name,
            ConversationReferenceId = turn.ConversationReferenceId,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now.AddDays(14),
        };
        db.Proposals.Add(proposal);
        db.ActivityEntries.Add(new ActivityEntry
        {
            ProposalId = proposal.Id,
            At = now,
            ActorId = turn.From.Id,
            ActorName = turn.From.Name,
            ActorKind = ActorKind.Human,
            Action = "proposal-created",
            Detail = proposal.Title,
        });
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await transaction.SaveAndCommitAsync(db, cancellationToken);
        return ViewOf(proposal, prepared.Workspace, missionNumber: null);
    }

    /// <summary>How far back the duplicate check looks: the newest open missions and pending proposals of a project.</summary>
    internal const int DuplicateWindow = 200;

    /// <summary>
    /// Open work in the same project whose title shares the draft's most distinctive word: the few candidates worth
    /// comparing. Every request runs this, so it reads a bounded window, the project's newest open missions (an index
    /// walk on project and number) and the newest pending proposals, never every open title.
    /// </summary>
    private async Task<List<ExistingWork>> DuplicateCandidatesAsync(ProposalDraft draft, CancellationToken cancellationToken)
    {
        if (OfflineProposer.DistinctiveWord(draft.Title) is not { } word)
        {
            return [];
        }

        var queries = TurnQueries.For(db);
        var missions = await queries.OpenMissionsLike(db, draft.ProjectId, word, DuplicateWindow).ToListAsync(cancellationToken);
        var pending = await queries.PendingProposalsLike(db, draft.ProjectId, word, DuplicateWindow).ToListAsync(cancellationToken);
        return missions.Select(m => new ExistingWork($"{Mission.FormatNumber(m.Number)} ({MissionLifecycle.Describe(m.Status)})", m.Title, m.ProjectId))
            .Concat(pending).ToList();
    }

    /// <summary>The proposal an Approve or Reject button is about, when it says.</summary>
    private static Guid? ProposalIdOf(CardActionInput action) =>
        VerbOf(action) is ApproveVerb or RejectVerb && Guid.TryParse(Read(action.Data, "proposalId"), out var id) ? id : null;

    // Teams may leave the verb out (seen in a real capture); the data then carries it.
    private static string? VerbOf(CardActionInput action) => action.Verb ?? (action.Data["verb"] as JsonValue)?.ToString();

    private async Task<BotReply> HandleActionAsync(ChatTurn turn, CardActionInput action, PreparedTurn prepared, CancellationToken cancellationToken)
    {
        var verb = VerbOf(action);
        var workspace = prepared.Workspace;
        if (verb is Runs.RunOperations.RunVerb or Runs.RunOperations.RetryVerb or Runs.RunOperations.CancelVerb or Runs.RunOperations.ApproveVerb or Runs.RunOperations.ChangesVerb)
        {
            return await HandleRunActionAsync(turn, verb, action.Data, cancellationToken);
        }

        if (verb is not (ApproveVerb or RejectVerb))
        {
            return new BotReply([new NoticeView("That button is not one I know; it may be from an older card.", NoticeTone.Warning)], [], null);
        }

        if (ProposalIdOf(action) is not { } proposalId)
        {
            return new BotReply([new NoticeView("That card does not say which proposal it is for.", NoticeTone.Warning)], [], null);
        }

        // Read before the write transaction (PrepareAsync); the decision re-checks the version.
        var existing = prepared.Proposal?.Id == proposalId
            ? prepared.Proposal
            : await TurnQueries.For(db).Proposal(db, proposalId);
        if (existing is null)
        {
            return new BotReply([new NoticeView("That proposal no longer exists.", NoticeTone.Warning)], [], null);
        }

        var messageId = turn.ReplyToId ?? existing.CardMessageId;
        async Task<BotReply> AlreadyDecidedAsync(Proposal decidedProposal)
        {
            // A second click, a retry, or someone else was quicker: show the decision, change nothing.
            var number = decidedProposal.MissionId is null ? null
                : await db.Missions.AsNoTracking().Where(m => m.Id == decidedProposal.MissionId).Select(m => (long?)m.Number).SingleOrDefaultAsync(cancellationToken);
            var decided = ViewOf(decidedProposal, workspace, number);
            return new BotReply([], messageId is null ? [] : [new ViewUpdate(messageId, decided)], decided);
        }

        if (existing.Status != ProposalStatus.Pending)
        {
            return await AlreadyDecidedAsync(existing);
        }

        ProposalView view;
        try
        {
            if (verb == ApproveVerb)
            {
                var decision = await proposals.ApproveAsync(existing, EditsFrom(action.Data), null, turn.From.ToActor(), cancellationToken);
                view = ViewOf(decision.Proposal, workspace, decision.Mission?.Number);
            }
            else
            {
                view = ViewOf(await proposals.RejectAsync(existing, Read(action.Data, "rejectReason"), null, turn.From.ToActor(), cancellationToken), workspace, null);
            }
        }
        catch (ProblemException problem) when (problem.Status == 403)
        {
            return new BotReply([new NoticeView(problem.Message, NoticeTone.Warning)], [], ViewOf(existing, workspace, null));
        }
        catch (ProblemException problem) when (problem.Status == 409)
        {
            // Decided between our read and our write (two clicks at once): the same answer as a later click.
            if (await TurnQueries.For(db).Proposal(db, proposalId) is { Status: not ProposalStatus.Pending } decidedMeanwhile)
            {
                return await AlreadyDecidedAsync(decidedMeanwhile);
            }

            throw;
        }

        return new BotReply([], messageId is null ? [] : [new ViewUpdate(messageId, view)], view);
    }

    /// <summary>The buttons on mission, progress and review cards.</summary>
    private async Task<BotReply> HandleRunActionAsync(ChatTurn turn, string verb, JsonObject data, CancellationToken cancellationToken)
    {
        var actor = turn.From.ToActor();
        if (verb == Runs.RunOperations.RunVerb)
        {
            var number = Mission.TryParseNumber(Read(data, "missionNumber"), out var n) ? n : throw ProblemException.Invalid("missionNumber", "That card does not say which mission to run.");
            return BotReply.Post(await QueueRunAsync(number, turn.From, cancellationToken));
        }

        if (!Guid.TryParse(Read(data, "runId"), out var runId))
        {
            return BotReply.Post(new NoticeView("That card does not say which run it is for.", NoticeTone.Warning));
        }

        switch (verb)
        {
            case Runs.RunOperations.CancelVerb:
            {
                var run = await runs.CancelAsync(runId, actor, cancellationToken);
                var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == run.MissionId, cancellationToken);
                var view = await runs.ProgressViewAsync(run, mission, await runs.StepsOfAsync(run.Id, cancellationToken), run.Error, cancellationToken);
                var progressMessage = turn.ReplyToId ?? await SentMessageIdAsync(Outbox.OutboxWriter.ViewKeyOf(view)!, cancellationToken);
                return new BotReply([], progressMessage is null ? [] : [new ViewUpdate(progressMessage, view)], view);
            }

            case Runs.RunOperations.RetryVerb:
            {
                var run = await runs.RetryAsync(runId, actor, cancellationToken);
                var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == run.MissionId, cancellationToken);
                return BotReply.Post(new NoticeView($"Retrying {Mission.FormatNumber(mission.Number)} (attempt {run.Attempt}); a new progress card follows.", NoticeTone.Success));
            }

            default:
            {
                try
                {
                    var review = verb == Runs.RunOperations.ApproveVerb
                        ? await runs.ApproveAsync(runId, actor, cancellationToken)
                        : await runs.RequestChangesAsync(runId, Read(data, "changes"), actor, cancellationToken);
                    var reviewMessage = turn.ReplyToId ?? await SentMessageIdAsync(Outbox.OutboxWriter.ViewKeyOf(review)!, cancellationToken);
                    return new BotReply([], reviewMessage is null ? [] : [new ViewUpdate(reviewMessage, review)], review);
                }
                catch (ProblemException problem) when (problem.Status == 403)
                {
                    return new BotReply([new NoticeView(problem.Message, NoticeTone.Warning)], [], null);
                }
            }
        }
    }

    /// <summary>The channel's id of the message a view was sent in (its card is updated there).</summary>
    private Task<string?> SentMessageIdAsync(string viewKey, CancellationToken cancellationToken) =>
        db.OutboxMessages.AsNoTracking().Where(o => o.ViewKey == viewKey && o.SentMessageId != null)
            .OrderByDescending(o => o.Id).Select(o => o.SentMessageId).FirstOrDefaultAsync(cancellationToken);

    private static ProposalEdits EditsFrom(JsonObject data)
    {
        return new ProposalEdits(
            Title: Text("title"),
            Objective: Text("objective"),
            ProjectId: IdOrNone("projectId"),
            AssigneeId: IdOrNone("assigneeId"),
            DueDate: DateOrNone("dueDate"));

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
                : throw ProblemException.Invalid(name, $"'{value}' is not one of the choices.");
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
                : throw ProblemException.Invalid(name, $"'{value}' is not a date (YYYY-MM-DD).");
        }
    }

    private static string? Read(JsonObject data, string name) =>
        data.TryGetPropertyValue(name, out var node) && node is JsonValue value ? value.ToString() : null;

    /// <summary>A proposal as the card shows it; names and choices come from the workspace snapshot.</summary>
    public static ProposalView ViewOf(Proposal p, WorkspaceSnapshot workspace, long? missionNumber)
    {
        // Ids are formatted here, in C#: the card's selected value must match its choices exactly.
        var staff = workspace.Staff.Where(s => s.IsActive || s.Id == p.AssigneeId)
            .Select(s => new ChoiceOption(s.Id.ToString(), $"{s.Name} ({s.Role})")).ToList();
        var projects = workspace.Projects.Select(x => new ChoiceOption(x.Id.ToString(), x.Name)).ToList();
        return new ProposalView(
            p.Id, p.Version, p.Status, p.Title, p.Objective, p.Description,
            p.AssigneeId, workspace.Staff.FirstOrDefault(s => s.Id == p.AssigneeId)?.Name,
            p.ProjectId, workspace.Projects.FirstOrDefault(x => x.Id == p.ProjectId)?.Name,
            workspace.Blueprints.FirstOrDefault(b => b.Id == p.BlueprintId)?.Name,
            p.DueDate, p.Questions, p.DuplicateHint, p.RequestedByName, p.DecidedByName, p.DecidedAt, p.RejectionReason,
            missionNumber is null ? null : Mission.FormatNumber(missionNumber.Value), staff, projects);
    }

    // ---- board and missions ---------------------------------------------------------------------------------------

    private const int LinesPerColumn = 8;

    private async Task<BoardView> BoardAsync(CancellationToken cancellationToken)
    {
        MissionStatus[] columns = [MissionStatus.Backlog, MissionStatus.InProgress, MissionStatus.Review, MissionStatus.Done];
        var result = new List<BoardColumnView>();
        foreach (var status in columns)
        {
            var query = db.Missions.AsNoTracking().Where(m => m.Status == status);
            var total = await query.CountAsync(cancellationToken);
            var lines = await Lines(query.OrderBy(m => m.Rank).ThenBy(m => m.Number).Take(LinesPerColumn), cancellationToken);
            result.Add(new BoardColumnView(status, MissionsApi.ColumnTitle(status), lines, total));
        }

        return new BoardView(result);
    }

    private async Task<MissionListView> MyMissionsAsync(ChatUser user, CancellationToken cancellationToken)
    {
        var lines = await Lines(db.Missions.AsNoTracking()
            .Where(m => (m.RequestedById == user.Id || m.ApprovedById == user.Id) && m.Status != MissionStatus.Done && m.Status != MissionStatus.Cancelled)
            .OrderBy(m => m.Number).Take(25), cancellationToken);
        return new MissionListView("Your open missions", lines, "You have no open missions. Ask me for something and approve the proposal.");
    }

    private async Task<List<MissionLine>> Lines(IQueryable<Mission> query, CancellationToken cancellationToken)
    {
        var rows = await query
            .Select(m => new { m.Number, m.Title, m.Status, m.DueDate, Assignee = db.Staff.Where(s => s.Id == m.AssigneeId).Select(s => s.Name).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new MissionLine(Mission.FormatNumber(r.Number), r.Title, r.Status, r.Assignee, r.DueDate)).ToList();
    }

    private async Task<MissionView> MissionAsync(long number, CancellationToken cancellationToken)
    {
        var m = await missions.GetAsync(number, cancellationToken);
        var assignee = m.AssigneeId is null ? null : await db.Staff.AsNoTracking().Where(s => s.Id == m.AssigneeId).Select(s => s.Name).SingleOrDefaultAsync(cancellationToken);
        var project = m.ProjectId is null ? null : await db.Projects.AsNoTracking().Where(p => p.Id == m.ProjectId).Select(p => p.Name).SingleOrDefaultAsync(cancellationToken);
        var activity = await db.ActivityEntries.AsNoTracking().Where(a => a.MissionId == m.Id).OrderByDescending(a => a.Id).Take(3)
            .Select(a => new { a.At, a.ActorName, a.Action, a.ToStatus }).ToListAsync(cancellationToken);
        var comments = await db.Comments.CountAsync(c => c.MissionId == m.Id, cancellationToken);
        var (latestRun, artifacts) = await runs.LatestAsync(m.Id, cancellationToken);
        return new MissionView(
            Mission.FormatNumber(m.Number), m.Title, m.Objective, m.Status, assignee, project, m.DueDate, m.RequestedByName,
            activity.Select(a => $"{a.At:d MMM HH:mm} · {a.ActorName} {Describe(a.Action, a.ToStatus)}").ToList(), comments, latestRun, artifacts);
    }

    private static string Describe(string action, MissionStatus? to) => action switch
    {
        "created" => "created it",
        "transitioned" or "moved" when to is { } s => "moved it " + MissionLifecycle.Describe(s),
        "edited" => "edited it",
        "commented" => "commented",
        "attached" => "attached a file",
        _ => action,
    };

    private static long Number(Match match) =>
        Mission.TryParseNumber(match.Groups["n"].Value, out var n) ? n : throw ProblemException.Invalid("number", $"“{match.Groups["n"].Value}” is not a mission number.");

    [GeneratedRegex(@"^\s*(?:help|\?|commands|what can you do\??)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex HelpCommand();

    [GeneratedRegex(@"^\s*(?:show\s+(?:me\s+)?(?:the\s+)?)?board\s*[.!?]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex BoardCommand();

    [GeneratedRegex(@"^\s*(?:show\s+(?:me\s+)?)?(?:my missions|my work|mine)\s*[.!?]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex MyMissionsCommand();

    [GeneratedRegex(@"^\s*(?:(?:show|status(?:\s+of)?|open|details(?:\s+for)?)\s+)?(?<n>m-?\d+)\s*[.!?]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ShowCommand();

    [GeneratedRegex(@"^\s*move\s+(?<n>m-?\d+)\s+(?:to|into|in)\s+(?<to>[\w\s-]+?)\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex MoveCommand();

    [GeneratedRegex(@"^\s*comment\s+(?:on\s+)?(?<n>m-?\d+)\s*[:\-]?\s*(?<text>.+)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex CommentCommand();

    [GeneratedRegex(@"^\s*cancel\s+(?<n>m-?\d+)\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CancelCommand();

    [GeneratedRegex(@"^\s*(?:run|start|rerun|re-run)\s+(?<n>m-?\d+)\s*(?:now)?\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex RunCommand();

    [GeneratedRegex(@"^\s*(?:stop|halt|cancel\s+(?:the\s+)?run(?:\s+of)?)\s+(?<n>m-?\d+)\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex StopCommand();
}
