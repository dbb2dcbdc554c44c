using System.Globalization;
using System.Text.RegularExpressions;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Proposals;

/// <summary>
/// The sets of loose requests written for the project (<c>tests/Missions.Host.Tests/Proposals/*.tsv</c>: the request,
/// acceptable titles separated by " || ", the assignee, the due date), the seeded workspace they are drafted in, and how
/// a draft is scored: title (<see cref="TitleMatches"/>), assignee and due date all right. Shared by the held-out tests
/// (the offline proposer) and the benchmark that measures whichever proposer the host is configured with.
/// </summary>
internal static class RequestSets
{
    /// <summary>The sets, in the order they were written: two read while tuning the rules, then two held out.</summary>
    public static readonly string[] Files = ["tuning-requests-1.tsv", "tuning-requests-2.tsv", "heldout-requests.tsv", "heldout-requests-2.tsv"];

    /// <summary>When the requests are said to be made (their due dates are relative to it).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);

    public static readonly StaffInfo[] Staff =
    [
        new(Guid.NewGuid(), "Researcher", "Research", "Find, compare and summarise sources. Cite where every claim comes from and say how sure you are."),
        new(Guid.NewGuid(), "Writer", "Writing", "Draft clear documents, posts and announcements in the team's voice. Lead with the point; keep it short."),
        new(Guid.NewGuid(), "Analyst", "Analysis", "Work with numbers: pricing, metrics, spreadsheets, forecasts. Show the method and the assumptions."),
        new(Guid.NewGuid(), "Engineer", "Engineering", "Investigate bugs, review code and write technical plans. Name the risks and how to test the change."),
    ];

    public static readonly BlueprintInfo[] Blueprints =
    [
        new(Guid.NewGuid(), "Competitor summary", ["competitor", "competitors", "competition", "compare", "comparison", "benchmark"], Staff[0].Id, false, ""),
        new(Guid.NewGuid(), "Announcement draft", ["announcement", "announce", "release notes", "blog post", "newsletter", "press release"], Staff[1].Id, true, ""),
    ];

    public static readonly ProjectInfo[] Projects = [new(Guid.NewGuid(), "Launch")];

    /// <summary>One request of a set and what a right draft of it has.</summary>
    public sealed record Case(string Text, string[] Titles, string Assignee, string Due)
    {
        public ProposalRequest Request => new(Text, Now, null, null, Staff, Projects, Blueprints, KnownOpenWork.None);
    }

    /// <summary>How a draft of a case was scored.</summary>
    public sealed record Score(bool Title, bool Assignee, bool Due, bool TitleWordForWord, string DraftedTitle, string DraftedAssignee, string DraftedDue)
    {
        public bool AllRight => Title && Assignee && Due;
    }

    /// <summary>The cases of a set, each line checked to have its four columns.</summary>
    public static IReadOnlyList<Case> Load(string file) =>
        File.ReadAllLines(Path.Combine(Repository.Root, "tests", "Missions.Host.Tests", "Proposals", file))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(line => line.Split('\t') is [var text, var titles, var assignee, var due]
                ? new Case(text, titles.Split(" || "), assignee, due)
                : throw new FormatException($"{file}: not four columns: {line}"))
            .ToList();

    public static Score ScoreOf(Case expected, ProposalDraft draft)
    {
        var assignee = Staff.FirstOrDefault(s => s.Id == draft.AssigneeId)?.Name ?? "";
        var due = draft.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        return new Score(
            expected.Titles.Any(t => TitleMatches(draft.Title, t)), assignee == expected.Assignee, due == expected.Due,
            expected.Titles.Any(t => t.Trim().Equals(draft.Title, StringComparison.OrdinalIgnoreCase)), draft.Title, assignee, due);
    }

    /// <summary>
    /// A title is right when it says what an acceptable title says: the same leading verb, at least four in five of its
    /// words that carry meaning, and at most two such words it lacks ("Reimburse my Uber from the client dinner last
    /// night" for "Reimburse my Uber from the client dinner"). Articles, case and punctuation do not count. A title
    /// that leaves out what the work is about, or rewords it, is wrong.
    /// </summary>
    public static bool TitleMatches(string drafted, string acceptable)
    {
        var mine = Meaningful(drafted);
        var theirs = Meaningful(acceptable);
        if (mine.Count == 0 || theirs.Count == 0 || mine[0] != theirs[0])
        {
            return false;
        }

        var found = theirs.Count(mine.Contains);
        var extra = mine.Count(w => !theirs.Contains(w));
        return found >= 0.8 * theirs.Count && extra <= 2;
    }

    private static List<string> Meaningful(string title) =>
        Regex.Matches(title.ToLowerInvariant(), @"[\p{L}\p{N}][\p{L}\p{N}'#$%.-]*")
            .Select(m => m.Value.TrimEnd('.').TrimEnd('s'))
            .Where(w => w.Length > 0 && w is not ("a" or "an" or "the" or "of" or "for" or "to" or "on" or "in" or "and" or "with" or "by"))
            .ToList();
}
