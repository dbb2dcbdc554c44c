namespace Missions.Host.Missions;

/// <summary>
/// The status rules: Backlog → InProgress → Review → Done; Review → InProgress (changes requested);
/// Done → Backlog (reopen); any open state → Cancelled. Everything else is refused with a reason.
/// </summary>
public static class MissionLifecycle
{
    public static bool IsOpen(MissionStatus status) => status is not (MissionStatus.Done or MissionStatus.Cancelled);

    /// <summary>Null when the transition is allowed, else the reason a person would want to read.</summary>
    public static string? Check(MissionStatus from, MissionStatus to) => (from, to) switch
    {
        _ when from == to => $"The mission is already {Describe(to)}.",
        (MissionStatus.Backlog, MissionStatus.InProgress) => null,
        (MissionStatus.InProgress, MissionStatus.Review) => null,
        (MissionStatus.Review, MissionStatus.Done) => null,
        (MissionStatus.Review, MissionStatus.InProgress) => null,
        (MissionStatus.Done, MissionStatus.Backlog) => null,
        (_, MissionStatus.Cancelled) when IsOpen(from) => null,
        (MissionStatus.Cancelled, _) => "A cancelled mission stays cancelled; create a new mission instead.",
        (MissionStatus.Done, _) => "A done mission can only be reopened to the backlog.",
        (MissionStatus.Backlog, _) => $"A mission in the backlog must be started (in progress) before it can be {Describe(to)}.",
        (MissionStatus.InProgress, _) => $"A mission in progress goes to review before it can be {Describe(to)}.",
        (MissionStatus.Review, _) => $"A mission in review is either approved (done) or sent back (in progress), not {Describe(to)}.",
        _ => $"A mission cannot go from {Describe(from)} to {Describe(to)}.",
    };

    public static bool CanTransition(MissionStatus from, MissionStatus to) => Check(from, to) is null;

    /// <summary>The board's columns, in order (a cancelled mission leaves the board).</summary>
    public static readonly IReadOnlyList<MissionStatus> Columns = [MissionStatus.Backlog, MissionStatus.InProgress, MissionStatus.Review, MissionStatus.Done];

    /// <summary>A status as the board's column heading says it.</summary>
    public static string ColumnTitle(MissionStatus status) => status switch
    {
        MissionStatus.Backlog => "Backlog",
        MissionStatus.InProgress => "In progress",
        MissionStatus.Review => "Review",
        MissionStatus.Done => "Done",
        _ => "Cancelled",
    };

    public static string Describe(MissionStatus status) => status switch
    {
        MissionStatus.Backlog => "in the backlog",
        MissionStatus.InProgress => "in progress",
        MissionStatus.Review => "in review",
        MissionStatus.Done => "done",
        MissionStatus.Cancelled => "cancelled",
        _ => status.ToString(),
    };

    /// <summary>Reads the words people use: "review", "in progress", "in-progress", "doing", "todo", "done", ….</summary>
    public static bool TryParseStatus(string? text, out MissionStatus status)
    {
        var key = new string((text ?? "").Where(char.IsLetter).ToArray()).ToLowerInvariant();
        (bool ok, status) = key switch
        {
            "backlog" or "todo" or "new" or "open" or "reopen" => (true, MissionStatus.Backlog),
            "inprogress" or "progress" or "doing" or "started" or "start" or "active" => (true, MissionStatus.InProgress),
            "review" or "inreview" or "reviewing" => (true, MissionStatus.Review),
            "done" or "complete" or "completed" or "finished" or "closed" => (true, MissionStatus.Done),
            "cancelled" or "canceled" or "cancel" => (true, MissionStatus.Cancelled),
            _ => (false, MissionStatus.Backlog),
        };
        return ok;
    }
}
