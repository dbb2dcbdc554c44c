using System.Text.RegularExpressions;
using Missions.Host.Missions;

namespace Missions.Host.Conversations;

/// <summary>What a line of chat asks for: one of the commands in plain words, or a request for new work.</summary>
public abstract record ChatCommand;

public sealed record HelpCommand : ChatCommand;

public sealed record BoardCommand : ChatCommand;

/// <summary>Missions in one column (or every open one), all of them or only the person's own.</summary>
public sealed record ListCommand(MissionStatus? Status, bool Mine) : ChatCommand;

/// <summary>The proposals of this workspace still waiting for a decision.</summary>
public sealed record ProposalsCommand : ChatCommand;

public sealed record ShowCommand(long Number) : ChatCommand;

/// <summary>Move a mission to a column, named in the words people use ("in progress", "review", "done").</summary>
public sealed record MoveCommand(long Number, string Column) : ChatCommand;

public sealed record CommentCommand(long Number, string Text) : ChatCommand;

/// <summary>Attach the files sent with the message to a mission.</summary>
public sealed record AttachCommand(long Number) : ChatCommand;

public sealed record CancelCommand(long Number) : ChatCommand;

public sealed record RunCommand(long Number) : ChatCommand;

public sealed record ReplayCommand(long Number) : ChatCommand;

public sealed record StopCommand(long Number) : ChatCommand;

/// <summary>A request for new work that follows up a mission: its proposal (and mission) link back to it.</summary>
public sealed record FollowUpCommand(long Number, string Text) : ChatCommand;

/// <summary>A mission's tasks, in order, with their state and staff member.</summary>
public sealed record TasksCommand(long Number) : ChatCommand;

/// <summary>Add a task at the end of a mission's list.</summary>
public sealed record AddTaskCommand(long Number, string Title) : ChatCommand;

/// <summary>Remove a mission's task by its place in the list (1-based).</summary>
public sealed record RemoveTaskCommand(long Number, int Index) : ChatCommand;

/// <summary>What can be changed on an approved mission from chat.</summary>
public enum MissionField
{
    Assignee,
    DueDate,
    Title,
    AutoRun,
    Project,
    Blueprint,
}

/// <summary>
/// Change one thing about a mission after approval: <see cref="Value"/> as the person wrote it (a staff member's,
/// project's or blueprint's name, a day, a title, on/off); null clears it ("unassign M-12", "due M-12 none").
/// </summary>
public sealed record EditCommand(long Number, MissionField Field, string? Value) : ChatCommand;

/// <summary>A greeting, thanks or an "ok" on its own: answered in kind, never a proposal.</summary>
public sealed record SmallTalkCommand(bool Greeting) : ChatCommand;

/// <summary>Anything that is not a command: a request, which becomes a proposal.</summary>
public sealed record RequestCommand(string Text) : ChatCommand;

/// <summary>Reads chat text as a command. Anything else addressed to the bot is a request.</summary>
public static partial class ChatCommands
{
    public static readonly IReadOnlyList<HelpLine> Help =
    [
        new("a request, in plain words", "I draft a mission proposal for you to approve"),
        new("board", "the board, column by column"),
        new("my missions", "the open missions you asked for"),
        new("list review [mine]", "the missions in a column (backlog, in progress, review, done), or only yours"),
        new("list proposals", "the proposals waiting for a decision, and when each expires"),
        new("show M-12", "one mission"),
        new("move M-12 to review", "move a mission (backlog, in progress, review, done)"),
        new("comment M-12 your words", "add a comment to a mission"),
        new("attach M-12", "attach the files sent with the message to a mission"),
        new("run M-12", "have the assigned staff agent work on a mission now"),
        new("stop M-12", "stop a mission's run"),
        new("replay M-12", "check a mission's latest result against its objective: what is missing or wrong"),
        new("assign M-12 to Writer", "give a mission to another staff member (“unassign M-12” for nobody)"),
        new("due M-12 friday", "change a mission's due date (“due M-12 none” to clear it)"),
        new("rename M-12 a better title", "change a mission's title"),
        new("autorun M-12 on", "have a mission start by itself (off: it waits for “run M-12”)"),
        new("project M-12 Launch", "move a mission to a project (“project M-12 none” to take it out)"),
        new("blueprint M-12 Competitor summary", "say which blueprint a mission follows"),
        new("tasks M-12", "a mission's tasks, with where each one is"),
        new("task M-12 add check the pricing page", "add a task to a mission (“task M-12 remove 2” takes one out)"),
        new("follow-up M-12 your request", "propose new work that follows up a mission, linked to it"),
        new("cancel M-12", "cancel a mission"),
        new("help", "this list"),
    ];

    /// <summary>The command the text asks for; empty text is a request for help.</summary>
    public static ChatCommand Parse(string? text)
    {
        var line = (text ?? "").Trim();
        if (line.Length == 0 || HelpPattern().IsMatch(line))
        {
            return new HelpCommand();
        }

        var greeting = GreetingPattern().IsMatch(line);
        if (greeting || ThanksPattern().IsMatch(line))
        {
            return new SmallTalkCommand(greeting);
        }

        if (BoardPattern().IsMatch(line))
        {
            return new BoardCommand();
        }

        if (MyMissionsPattern().IsMatch(line))
        {
            return new ListCommand(null, Mine: true);
        }

        if (ListPattern().Match(line) is { Success: true } list)
        {
            // "list open" is every open mission; any other word must name a column, or the line is a request ("list our competitors").
            var column = list.Groups["col"].Value.Trim();
            if (column.Equals("proposals", StringComparison.OrdinalIgnoreCase) && !list.Groups["mine"].Success)
            {
                return new ProposalsCommand();
            }

            if (column is "" or "open")
            {
                return new ListCommand(null, list.Groups["mine"].Success);
            }

            if (MissionLifecycle.TryParseStatus(column, out var status))
            {
                return new ListCommand(status, list.Groups["mine"].Success);
            }
        }

        if (ShowPattern().Match(line) is { Success: true } show)
        {
            return new ShowCommand(Number(show));
        }

        if (MovePattern().Match(line) is { Success: true } move)
        {
            return new MoveCommand(Number(move), move.Groups["to"].Value.Trim());
        }

        if (CommentPattern().Match(line) is { Success: true } comment)
        {
            return new CommentCommand(Number(comment), comment.Groups["text"].Value);
        }

        if (AttachPattern().Match(line) is { Success: true } attach)
        {
            return new AttachCommand(Number(attach));
        }

        if (CancelPattern().Match(line) is { Success: true } cancel)
        {
            return new CancelCommand(Number(cancel));
        }

        if (RunPattern().Match(line) is { Success: true } run)
        {
            return new RunCommand(Number(run));
        }

        if (ReplayPattern().Match(line) is { Success: true } replay)
        {
            return new ReplayCommand(Number(replay));
        }

        if (StopPattern().Match(line) is { Success: true } stop)
        {
            return new StopCommand(Number(stop));
        }

        if (FollowUpPattern().Match(line) is { Success: true } followUp)
        {
            return new FollowUpCommand(Number(followUp), followUp.Groups["text"].Value.Trim());
        }

        if (TasksPattern().Match(line) is { Success: true } tasks)
        {
            return new TasksCommand(Number(tasks));
        }

        if (TaskPattern().Match(line) is { Success: true } task)
        {
            return task.Groups["add"].Success
                ? new AddTaskCommand(Number(task), task.Groups["add"].Value.Trim())
                : new RemoveTaskCommand(Number(task), int.Parse(task.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (EditPattern().Match(line) is { Success: true } edit)
        {
            return Edit(edit);
        }

        if (UnassignPattern().Match(line) is { Success: true } unassign)
        {
            return new EditCommand(Number(unassign), MissionField.Assignee, null);
        }

        return new RequestCommand(line);
    }

    /// <summary>An edit as its words say it; "none", "nobody" and "off" clear what can be cleared.</summary>
    private static EditCommand Edit(Match match)
    {
        var value = match.Groups["v"].Value.Trim().TrimEnd('.', '!');
        var field = match.Groups["f"].Value.ToLowerInvariant() switch
        {
            "assign" or "reassign" or "give" => MissionField.Assignee,
            "due" => MissionField.DueDate,
            "rename" or "retitle" => MissionField.Title,
            "autorun" or "auto-run" or "auto run" => MissionField.AutoRun,
            "project" => MissionField.Project,
            _ => MissionField.Blueprint,
        };
        var clears = field != MissionField.Title && ClearWords().IsMatch(value);
        return new EditCommand(Number(match), field, clears ? null : value);
    }

    /// <summary>How to ask for work, as a greeting (and the local chat page's welcome) says it.</summary>
    public const string HowToAsk =
        "Tell me what you need, for example “pull together a competitor pricing summary for the Q3 deck by Friday”, and " +
        "I will draft a proposal for you to approve. Say **help** for commands.";

    /// <summary>The answer to a greeting: what to say to get work done.</summary>
    public const string Greeting = "Hi! " + HowToAsk;

    /// <summary>The answer to thanks or an "ok".</summary>
    public const string Acknowledged = "You're welcome. Tell me whenever you need something else.";

    private static long Number(Match match) =>
        Mission.TryParseNumber(match.Groups["n"].Value, out var n) ? n
        : throw DomainException.Invalid("number", $"“{match.Groups["n"].Value}” is not a mission number.");

    [GeneratedRegex(@"^\s*(?:help|\?|commands|what can you do\??)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex HelpPattern();

    [GeneratedRegex(@"^\s*(?:hi|hello|hey|hiya|howdy|yo|greetings|good\s+(?:morning|afternoon|evening|day)|morning)(?:\s+(?:there|all|everyone|team|folks|missions|bot))?[\s!.,?:)👋]*$", RegexOptions.IgnoreCase)]
    private static partial Regex GreetingPattern();

    [GeneratedRegex(@"^\s*(?:(?:ok|okay|great|perfect|cool|nice|awesome|super|brilliant|lovely|got\s+it)[\s,!.]+)?(?:thanks|thank\s+you|thx|ty|cheers|ta|many\s+thanks|much\s+appreciated|appreciate\s+it|ok|okay|k|kk|cool|great|nice|perfect|awesome|got\s+it|noted|sounds\s+good|lgtm|👍|🙏)(?:\s+(?:so\s+much|a\s+lot|very\s+much|a\s+bunch|again|all|everyone|team|missions|bot))?[\s!.,:)👍🙏]*$", RegexOptions.IgnoreCase)]
    private static partial Regex ThanksPattern();

    [GeneratedRegex(@"^\s*(?:show\s+(?:me\s+)?(?:the\s+)?)?board\s*[.!?]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex BoardPattern();

    [GeneratedRegex(@"^\s*(?:show\s+(?:me\s+)?)?(?:my missions|my work|mine)\s*[.!?]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex MyMissionsPattern();

    [GeneratedRegex(@"^\s*list(?:\s+(?<col>[a-z][a-z -]*?))??(?:\s+(?<mine>mine))?\s*[.!?]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ListPattern();

    [GeneratedRegex(@"^\s*(?:(?:show|status(?:\s+of)?|open|details(?:\s+for)?)\s+)?(?<n>m-?\d+)\s*[.!?]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ShowPattern();

    [GeneratedRegex(@"^\s*move\s+(?<n>m-?\d+)\s+(?:to|into|in)\s+(?<to>[\w\s-]+?)\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex MovePattern();

    [GeneratedRegex(@"^\s*comment\s+(?:on\s+)?(?<n>m-?\d+)\s*[:\-]?\s*(?<text>.+)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex CommentPattern();

    [GeneratedRegex(@"^\s*(?:attach|add)\s+(?:(?:it|this|these|them|the\s+files?|this\s+file|these\s+files)\s+)?(?:to\s+)?(?<n>m-?\d+)\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex AttachPattern();

    [GeneratedRegex(@"^\s*cancel\s+(?<n>m-?\d+)\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CancelPattern();

    [GeneratedRegex(@"^\s*(?:run|start|rerun|re-run)\s+(?<n>m-?\d+)\s*(?:now)?\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex RunPattern();

    [GeneratedRegex(@"^\s*(?:replay|re-play|check)\s+(?<n>m-?\d+)(?:\s+against\s+(?:the\s+|its\s+)?objective)?\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ReplayPattern();

    [GeneratedRegex(@"^\s*(?<f>assign|reassign|give|due|rename|retitle|auto-?run|auto run|project|blueprint)\s+(?<n>m-?\d+)\s*(?:(?:to|as|on|:|=)\s*)?(?<v>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex EditPattern();

    [GeneratedRegex(@"^\s*follow[- ]?up\s+(?:(?:on|to)\s+)?(?<n>m-?\d+)\s*[:,\-–]?\s*(?<text>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex FollowUpPattern();

    [GeneratedRegex(@"^\s*(?:tasks|list tasks(?:\s+of)?|show tasks(?:\s+of)?)\s+(?<n>m-?\d+)\s*[.!?]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TasksPattern();

    [GeneratedRegex(@"^\s*task\s+(?<n>m-?\d+)\s+(?:add\s*:?\s*(?<add>\S.*)|(?:remove|delete|drop)\s+(?:task\s+)?#?(?<i>\d{1,3}))\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TaskPattern();

    [GeneratedRegex(@"^\s*unassign\s+(?<n>m-?\d+)\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex UnassignPattern();

    [GeneratedRegex(@"^(?:none|nobody|no one|noone|nothing|no date|no project|no blueprint|never|clear|-)$", RegexOptions.IgnoreCase)]
    private static partial Regex ClearWords();

    [GeneratedRegex(@"^\s*(?:stop|halt|cancel\s+(?:the\s+)?run(?:\s+of)?)\s+(?<n>m-?\d+)\s*[.!]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex StopPattern();
}
