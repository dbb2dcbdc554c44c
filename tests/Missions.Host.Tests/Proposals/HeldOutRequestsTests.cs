using Missions.Host.Proposals;
using Xunit.Abstractions;

namespace Missions.Host.Tests.Proposals;

/// <summary>
/// The offline proposer against loose requests written by others for this project: how often title, assignee and due
/// date are all right (<see cref="RequestSets"/>: the sets, and when a title is right). The two tuning sets were held out once and then
/// read to find the classes of misses; <c>heldout-requests.tsv</c> was written later, by a writer who rewords more, and
/// only its first 30 lines were read (to see why it scored so low); <c>heldout-requests-2.tsv</c> was written last, by a
/// writer who saw neither the proposer nor the other sets, and was measured once and not read (51% on 2026-11-26). The
/// target is 90% on held-out requests; the floors only stop a change from making things worse, and the figures are printed.
/// A model-backed proposer is measured on the same sets by the benchmark (<c>… Missions.Benchmarks -- proposals</c>).
/// </summary>
public sealed class HeldOutRequestsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("tuning-requests-1.tsv", 0.9)]
    [InlineData("tuning-requests-2.tsv", 0.9)]
    [InlineData("heldout-requests.tsv", 0.4)]
    [InlineData("heldout-requests-2.tsv", 0.45)]
    public void Loose_requests_get_title_assignee_and_due_date_right(string file, double floor)
    {
        var cases = RequestSets.Load(file);
        Assert.True(cases.Count >= 100, $"the held-out set has {cases.Count} requests");

        var right = 0;
        var exact = 0;
        foreach (var expected in cases)
        {
            var score = RequestSets.ScoreOf(expected, OfflineProposer.Draft(expected.Request, []));
            exact += score.AllRight && score.TitleWordForWord ? 1 : 0;
            if (score.AllRight)
            {
                right++;
                continue;
            }

            output.WriteLine($"MISS  {expected.Text}");
            output.WriteLine($"      title {(score.Title ? "ok" : $"'{score.DraftedTitle}' (wanted '{expected.Titles[0]}')")}"
                + $"; assignee {(score.Assignee ? "ok" : $"'{score.DraftedAssignee}' (wanted '{expected.Assignee}')")}"
                + $"; due {(score.Due ? "ok" : $"'{score.DraftedDue}' (wanted '{expected.Due}')")}");
        }

        var share = (double)right / cases.Count;
        output.WriteLine($"All three right: {right} of {cases.Count} ({share:P0}); with the title word for word as written: {exact} ({(double)exact / cases.Count:P0}).");
        Assert.True(share >= floor, $"{file}: all three right for {right} of {cases.Count} ({share:P0}); the misses are in the test output");
    }

    [Fact]
    public void A_title_is_right_when_it_says_what_an_acceptable_title_says()
    {
        Assert.True(RequestSets.TitleMatches("Reimburse my Uber from the client dinner last night", "Reimburse my Uber from the client dinner"));
        Assert.True(RequestSets.TitleMatches("Summarise the competitors pricing", "Summarise competitor pricing")); // plurals and articles do not count
        Assert.False(RequestSets.TitleMatches("Get the login page is broken", "Fix the login page")); // another verb
        Assert.False(RequestSets.TitleMatches("Fix it", "Fix the login page")); // what the work is about left out
        Assert.False(RequestSets.TitleMatches("Fix the login page, the signup form and the footer links", "Fix the login page")); // more than two words more
    }
}
