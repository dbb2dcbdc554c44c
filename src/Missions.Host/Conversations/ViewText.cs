using System.Globalization;
using Missions.Host.Missions;
using Missions.Host.Runs;

namespace Missions.Host.Conversations;

/// <summary>
/// The words a view is shown with, whatever renders it (Adaptive Cards for Teams and web chat, embeds for Discord): one
/// place for the facts of a mission, a run's headline and how a day is written.
/// </summary>
public static class ViewText
{
    public static string? Day(DateOnly? date) => date?.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>A mission's facts, in the order they are shown; a fact with no value is left out by the renderers.</summary>
    public static IReadOnlyList<(string Name, string? Value)> Facts(MissionView m) =>
    [
        ("Status", MissionLifecycle.ColumnTitle(m.Status)),
        ("Assignee", m.AssigneeName ?? "nobody yet"),
        ("Project", m.ProjectName),
        ("Due", Day(m.DueDate)),
        ("Requested by", m.RequestedByName),
        ("Comments", m.CommentCount.ToString(CultureInfo.InvariantCulture)),
        ("Latest run", m.LatestRun),
    ];

    /// <summary>On a proposal whose approval starts its first run: what approving does.</summary>
    public static string StartsOnApproval(ProposalView p) => $"Approving starts {p.AssigneeName ?? "a staff agent"} on it at once.";

    /// <summary>On an approved proposal whose first run was queued with the approval: what happens next.</summary>
    public static string StartedOnApproval(ProposalView p) => $"{p.AssigneeName ?? "A staff agent"} is starting on it now; progress follows here.";

    /// <summary>On an approved auto-run mission whose blueprint's checklist is not all answered: why it has not started.</summary>
    public static string WaitingForContext(ProposalView p, IReadOnlyList<string> waiting) =>
        $"Not started by itself: its blueprint asks {string.Join(" ", waiting.Select(q => "“" + q + "”"))}, not answered yet. Add what you know as a comment on {p.MissionNumber} and run it, or run it anyway.";

    /// <summary>Where a run has got to, in a line.</summary>
    public static string Headline(RunProgressView r) => r.Status switch
    {
        RunStatus.Queued => r.Note ?? "Queued: waiting for a free staff agent.",
        RunStatus.Running when r.CurrentStep is not null => $"Step {r.StepsDone.Count + 1} of {r.TotalSteps}: {r.CurrentStep}…",
        RunStatus.Running => "Starting…",
        RunStatus.Succeeded => "Finished.",
        RunStatus.Failed => "Failed: " + (r.Error ?? "no reason was given."),
        _ => r.Note ?? "Cancelled.",
    };
}
