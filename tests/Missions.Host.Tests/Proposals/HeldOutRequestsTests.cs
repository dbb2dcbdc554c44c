using System.Globalization;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Missions.Host.Tests.Proposals;

/// <summary>
/// The offline proposer against loose requests written by someone else: how often title, assignee and due date are all
/// right. <c>tuning-requests.tsv</c> was held out once and then read to find the classes of misses (87% now);
/// <c>heldout-requests.tsv</c> has never been read while tuning (64% at the time of writing; the target is 90%). The
/// floors stop a change from making either worse; the figure is printed.
/// </summary>
public sealed class HeldOutRequestsTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("tuning-requests.tsv", 0.85)]
    [InlineData("heldout-requests.tsv", 0.62)]
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
        foreach (var line in lines)
        {
            var columns = line.Split('\t');
            Assert.True(columns.Length == 4, $"not four columns: {line}");
            var (text, titles, assignee, due) = (columns[0], columns[1].Split(" || "), columns[2], columns[3]);
            var draft = OfflineProposer.Draft(new ProposalRequest(text, Now, null, null, staff, projects, blueprints, KnownOpenWork.None), []);

            var drafted = staff.FirstOrDefault(s => s.Id == draft.AssigneeId)?.Name ?? "";
            var draftedDue = draft.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
            var titleRight = titles.Any(t => t.Trim().Equals(draft.Title, StringComparison.OrdinalIgnoreCase));
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
        output.WriteLine($"All three right: {right} of {lines.Count} ({share:P0}).");
        Assert.True(share >= floor, $"{file}: all three right for {right} of {lines.Count} ({share:P0}); the misses are in the test output");
    }
}
