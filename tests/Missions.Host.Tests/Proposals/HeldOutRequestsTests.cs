using System.Globalization;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Missions.Host.Tests.Proposals;

/// <summary>
/// The offline proposer against loose requests written by others for this project: how often title, assignee and due
/// date are all right (<see cref="TitleMatches"/> says when a title is). The two tuning sets were held out once and then
/// read to find the classes of misses; <c>heldout-requests.tsv</c> was written later, by a writer who rewords more, and
/// only its first 30 lines were read (to see why it scored so low); <c>heldout-requests-2.tsv</c> was written last, by a
/// writer who saw neither the proposer nor the other sets, and was measured once and not read (51% on 2026-11-26). The
/// target is 90% on held-out requests; the floors only stop a change from making things worse, and the figures are printed.
/// </summary>
public sealed class HeldOutRequestsTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("tuning-requests-1.tsv", 0.9)]
    [InlineData("tuning-requests-2.tsv", 0.9)]
    [InlineData("heldout-requests.tsv", 0.4)]
    [InlineData("heldout-requests-2.tsv", 0.45)]
    public void Loose_requests_get_title_assignee_and_due_date_right(string file, double floor)
    {
        // The seeded workspace: its staff and blueprints, one project.
        var staff = new[]
        {
            new StaffInfo(Guid.NewGuid(), "Researcher", "Research", "Find, compare and summarise sources. Cite where every claim comes from and say how sure you are."),
            new StaffInfo(Guid.NewGuid(), "Writer", "Writing", "Draft clear documents, posts and announcements in the team's voice. Lead with the point; keep it short."),
            new StaffInfo(Guid.NewGuid(), "Analyst", "Analysis", "Work with numbers: pricing, metrics, spreadsheets, forecasts. Show the method and the assumptions."),
            new StaffInfo(Guid.NewGuid(), "Engineer", "Engineering", "Investigate bugs, review code and write technical plans. Name the risks and how to test the change."),
        };
        var blueprints = new[]
        {
            new BlueprintInfo(Guid.NewGuid(), "Competitor summary", ["competitor", "competitors", "competition", "compare", "comparison", "benchmark"], staff[0].Id, false, ""),
            new BlueprintInfo(Guid.NewGuid(), "Announcement draft", ["announcement", "announce", "release notes", "blog post", "newsletter", "press release"], staff[1].Id, true, ""),
        };
        ProjectInfo[] projects = [new(Guid.NewGuid(), "Launch")];

        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "tests", "Missions.Host.Tests", "Proposals", file))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.True(lines.Count >= 100, $"the held-out set has {lines.Count} requests");

        var right = 0;
        var exact = 0;
        foreach (var line in lines)
        {
            var columns = line.Split('\t');
            Assert.True(columns.Length == 4, $"not four columns: {line}");
            var (text, titles, assignee, due) = (columns[0], columns[1].Split(" || "), columns[2], columns[3]);
            var draft = OfflineProposer.Draft(new ProposalRequest(text, Now, null, null, staff, projects, blueprints, KnownOpenWork.None), []);

            var drafted = staff.FirstOrDefault(s => s.Id == draft.AssigneeId)?.Name ?? "";
            var draftedDue = draft.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
            var titleRight = titles.Any(t => TitleMatches(draft.Title, t));
            exact += titles.Any(t => t.Trim().Equals(draft.Title, StringComparison.OrdinalIgnoreCase)) && drafted == assignee && draftedDue == due ? 1 : 0;
            if (titleRight && drafted == assignee && draftedDue == due)
            {
                right++;
                continue;
            }

            output.WriteLine($"MISS  {text}");
            output.WriteLine($"      title {(titleRight ? "ok" : $"'{draft.Title}' (wanted '{titles[0]}')")}"
                + $"; assignee {(drafted == assignee ? "ok" : $"'{drafted}' (wanted '{assignee}')")}"
                + $"; due {(draftedDue == due ? "ok" : $"'{draftedDue}' (wanted '{due}')")}");
        }

        var share = (double)right / lines.Count;
        output.WriteLine($"All three right: {right} of {lines.Count} ({share:P0}); with the title word for word as written: {exact} ({(double)exact / lines.Count:P0}).");
        Assert.True(share >= floor, $"{file}: all three right for {right} of {lines.Count} ({share:P0}); the misses are in the test output");
    }

    /// <summary>
    /// A title is right when it says what an acceptable title says: the same leading verb, at least four in five of its
    /// words that carry meaning, and at most two such words it lacks ("Reimburse my Uber from the client dinner last
    /// night" for "Reimburse my Uber from the client dinner"). Articles, case and punctuation do not count. A title
    /// that leaves out what the work is about, or rewords it, is wrong.
    /// </summary>
    internal static bool TitleMatches(string drafted, string acceptable)
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
        System.Text.RegularExpressions.Regex.Matches(title.ToLowerInvariant(), @"[\p{L}\p{N}][\p{L}\p{N}'#$%.-]*")
            .Select(m => m.Value.TrimEnd('.').TrimEnd('s'))
            .Where(w => w.Length > 0 && w is not ("a" or "an" or "the" or "of" or "for" or "to" or "on" or "in" or "and" or "with" or "by"))
            .ToList();
}
