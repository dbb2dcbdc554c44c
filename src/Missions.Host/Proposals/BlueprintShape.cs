using System.Text.RegularExpressions;
using Missions.Host.Workspace;

namespace Missions.Host.Proposals;

/// <summary>
/// What a blueprint makes of a proposal, whoever picked it (the proposer, a person on the card, in chat): the objective
/// from its template, its tasks, its default staff member and auto-run, and its context checklist asked as the
/// proposal's questions. Changing the blueprint takes the old one's checklist questions (and their answers) away.
/// </summary>
public static partial class BlueprintShape
{
    /// <summary>
    /// Shapes the proposal by <paramref name="blueprint"/> (null: none), in place of <paramref name="previous"/>'s shape.
    /// <paramref name="objectiveFromTemplate"/> false keeps the objective (a model already wrote it from the template).
    /// </summary>
    public static void Apply(Proposal proposal, Blueprint? blueprint, Blueprint? previous, bool objectiveFromTemplate = true)
    {
        var kept = Enumerable.Range(0, proposal.Questions.Count)
            .Where(i => previous is null || !Checklist(previous).Contains(proposal.Questions[i], StringComparer.OrdinalIgnoreCase))
            .Select(i => (Question: proposal.Questions[i], Answer: AnswerAt(proposal, i)))
            .ToList();
        if (blueprint is not null)
        {
            kept.AddRange(Checklist(blueprint)
                .Where(q => !kept.Any(k => k.Question.Equals(q, StringComparison.OrdinalIgnoreCase)))
                .Select(q => (q, "")));
        }

        proposal.Questions = kept.Select(k => k.Question).ToList();
        proposal.Answers = kept.Select(k => k.Answer).ToList();
        proposal.BlueprintId = blueprint?.Id;
        proposal.Tasks = blueprint?.Tasks.ToList() ?? (previous is null ? proposal.Tasks : []);
        proposal.AutoRun = blueprint?.AutoRun ?? false;
        proposal.AssigneeId = blueprint?.DefaultStaffId ?? proposal.AssigneeId;
        if (objectiveFromTemplate && blueprint is { ObjectiveTemplate.Length: > 0 })
        {
            proposal.Objective = Objective(blueprint.ObjectiveTemplate, proposal.Title);
        }
    }

    /// <summary>
    /// The template's objective: <c>{topic}</c> is what the request is about (its title); any other placeholder is left
    /// for the person, in brackets, to fill in on the card.
    /// </summary>
    public static string Objective(string template, string title)
    {
        var topic = title.Length > 1 && char.IsUpper(title[0]) && !char.IsUpper(title[1]) ? char.ToLowerInvariant(title[0]) + title[1..] : title;
        return Placeholder().Replace(template, m => m.Groups["name"].Value.Equals("topic", StringComparison.OrdinalIgnoreCase) ? topic : $"[{m.Groups["name"].Value}]");
    }

    /// <summary>The blueprint's context checklist, each item as the question the card asks.</summary>
    public static IReadOnlyList<string> Checklist(Blueprint blueprint) =>
        blueprint.ContextChecklist.Select(c => c.Trim()).Where(c => c.Length > 0).Select(c => c.EndsWith('?') ? c : c + "?").ToList();

    /// <summary>The blueprint's checklist questions the proposal has no answer to yet.</summary>
    public static IReadOnlyList<string> Unanswered(Proposal proposal, Blueprint? blueprint) => blueprint is null ? [] :
        Checklist(blueprint).Where(q => proposal.Questions.FindIndex(x => x.Equals(q, StringComparison.OrdinalIgnoreCase)) is var i
            && (i < 0 || AnswerAt(proposal, i).Length == 0)).ToList();

    /// <summary>The answered questions, as the mission keeps them ("question — answer").</summary>
    public static List<string> Context(Proposal proposal) =>
        Enumerable.Range(0, proposal.Questions.Count).Where(i => AnswerAt(proposal, i).Length > 0)
            .Select(i => $"{proposal.Questions[i]} — {AnswerAt(proposal, i)}").ToList();

    /// <summary>The questions still without an answer (<paramref name="answers"/> in the questions' order).</summary>
    public static List<string> Open(IReadOnlyList<string> questions, IReadOnlyList<string> answers) =>
        Enumerable.Range(0, questions.Count).Where(i => AnswerAt(answers, i).Length == 0).Select(i => questions[i]).ToList();

    public static string AnswerAt(Proposal proposal, int index) => AnswerAt(proposal.Answers, index);

    /// <summary>The answer to question <paramref name="index"/>, or "" (answers are kept in the questions' order).</summary>
    public static string AnswerAt(IReadOnlyList<string>? answers, int index) => answers is not null && index < answers.Count ? answers[index].Trim() : "";

    [GeneratedRegex(@"\{(?<name>[A-Za-z][A-Za-z ]{0,30})\}")]
    private static partial Regex Placeholder();
}
