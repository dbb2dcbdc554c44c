using System.Text;
using Microsoft.Extensions.Options;
using Missions.Host.Runs;

namespace Missions.Host.Tests.Runs;

/// <summary>The offline staff agent on its own: what its brief says for different kinds of work and context.</summary>
public sealed class OfflineStaffAgentTests
{
    private sealed class Recorder : IRunProgress
    {
        public List<string> Steps { get; } = [];
        public List<(RunLogLevel Level, string Text)> Notes { get; } = [];

        public Task StepAsync(string name, int index, int total, CancellationToken cancellationToken)
        {
            Steps.Add($"{index + 1}/{total} {name}");
            return Task.CompletedTask;
        }

        public Task LogAsync(RunLogLevel level, string name, string text, CancellationToken cancellationToken)
        {
            Notes.Add((level, text));
            return Task.CompletedTask;
        }
    }

    private static RunContext Context(string title, string objective, DateOnly? due = null, string? project = "Launch", string? changes = null,
        IReadOnlyList<ContextDocument>? attachments = null, IReadOnlyList<ContextComment>? comments = null, string? task = null) => new(
        "M-7", title, objective, "can someone " + title.ToLowerInvariant() + "?", due, "Alice", "Researcher", "Research", "Cite every source.", null,
        project, project is null ? null : "The Q3 launch. Audience: customers and sales. Tone: concrete.", task, task is null ? 0 : 2, task is null ? 0 : 3,
        comments ?? [], attachments ?? [], [], ["Which competitors matter?"], changes, 1, new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));

    private static async Task<(string Brief, AgentResult Result, Recorder Progress)> RunAsync(RunContext context)
    {
        var options = Options.Create(new RunOptions());
        var agent = new OfflineStaffAgent(options, new PdfBrief(options));
        var progress = new Recorder();
        var result = await agent.ExecuteAsync(context, progress, CancellationToken.None);
        return (Encoding.UTF8.GetString(result.Artifacts[0].Content), result, progress);
    }

    [Fact]
    public async Task Research_gets_a_research_plan_with_owners_the_digest_and_the_open_questions()
    {
        var (brief, result, progress) = await RunAsync(Context("Compare competitor pricing", "A one-page comparison of competitor pricing for the Q3 deck.",
            comments: [new ContextComment("Bob", "Only the three biggest competitors, please.", DateTime.UtcNow)]));

        Assert.Equal(OfflineStaffAgent.Steps.Select((s, i) => $"{i + 1}/{OfflineStaffAgent.Steps.Count} {s}"), progress.Steps);
        Assert.StartsWith("# M-7: Compare competitor pricing", brief, StringComparison.Ordinal);
        Assert.Contains("No AI model was used", brief, StringComparison.Ordinal);
        Assert.Contains("Done means: a one-page comparison of competitor pricing for the Q3 deck for Launch, reviewed and accepted by Alice.", brief, StringComparison.Ordinal);
        Assert.Contains("Extract the facts that answer the objective into one table — *Researcher*", brief, StringComparison.Ordinal);
        Assert.Contains("Review the result against the objective and decide: approve or request changes — *Alice*", brief, StringComparison.Ordinal);
        Assert.Contains("**Comment by Bob**", brief, StringComparison.Ordinal);
        Assert.Contains("- Which competitors matter?", brief, StringComparison.Ordinal);       // from the proposal
        Assert.Contains("- When is this needed?", brief, StringComparison.Ordinal);           // no due date
        Assert.Contains("- Are there sources, data or earlier work to start from?", brief, StringComparison.Ordinal);
        Assert.Contains("- [ ] Check every figure against its source", brief, StringComparison.Ordinal);
        Assert.StartsWith("Drafted offline (no AI model)", result.Summary, StringComparison.Ordinal);
        Assert.Null(result.InputTokens);
    }

    [Fact]
    public async Task Writing_with_a_date_and_changes_requested_puts_the_changes_first_and_asks_for_the_audience()
    {
        var (brief, result, _) = await RunAsync(Context("Draft the launch post", "A launch blog post ready to publish.", due: new DateOnly(2026, 11, 27),
            changes: "Shorter, and lead with the price.", project: null));

        Assert.Contains("by Friday 27 November 2026", brief, StringComparison.Ordinal);
        Assert.Contains("1. Work through the changes requested in review, point by point — *Researcher*", brief, StringComparison.Ordinal);
        Assert.Contains("Outline the piece", brief, StringComparison.Ordinal);
        Assert.Contains("**Changes requested in review:** “Shorter, and lead with the price.”", brief, StringComparison.Ordinal);
        Assert.Contains("- Who is the audience, and where will it be published?", brief, StringComparison.Ordinal);
        Assert.Contains("- Which project does this belong to?", brief, StringComparison.Ordinal);
        Assert.DoesNotContain("When is this needed?", brief, StringComparison.Ordinal);
        Assert.Contains("- [ ] Delivered by 27 Nov 2026", brief, StringComparison.Ordinal);
        Assert.Contains("It takes in the changes requested", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attachments_are_digested_by_their_text_or_named_when_not_text_and_a_task_names_its_files()
    {
        var (brief, result, _) = await RunAsync(Context("Fix the login bug", "Users can log in again on Safari.", task: "Reproduce it",
            attachments: [new ContextDocument("steps.txt", "text/plain", 120, "Open Safari. Click log in. Nothing happens. More text.", false), new ContextDocument("screen.png", "image/png", 2048, null, false)]));

        Assert.Contains("Reproduce or pin down exactly what must change", brief, StringComparison.Ordinal);
        Assert.Contains("**Task 2 of 3:** Reproduce it", brief, StringComparison.Ordinal);
        Assert.Contains("**Attachment steps.txt** (120 B, 9 words): Open Safari. Click log in.", brief, StringComparison.Ordinal);
        Assert.Contains("**Image screen.png** (2 KB, image/png): an image; the offline agent names it but does not look at it (a staff member with a model does).", brief, StringComparison.Ordinal);
        Assert.Equal(["M-7-task-2-brief.md", "M-7-task-2-brief.pdf"], result.Artifacts.Select(a => a.Name));
        Assert.Equal("%PDF", Encoding.ASCII.GetString(result.Artifacts[1].Content, 0, 4));
    }

    [Fact]
    public async Task The_same_context_gives_the_same_brief()
    {
        var context = Context("Compare competitor pricing", "A one-page comparison.");
        Assert.Equal((await RunAsync(context)).Brief, (await RunAsync(context)).Brief);
    }

    [Fact]
    public async Task A_replay_reports_the_parts_of_the_objective_the_result_misses()
    {
        var result = new ContextDocument("M-7-brief.md", "text/markdown", 900,
            "# Competitor pricing\n\nAcme charges $20 per seat and Globex $25; we compared both on price per seat.", false);
        var context = Context("Compare competitor pricing", "A one-page comparison of competitor pricing per seat, with what it means for our position.")
            with { IsReplay = true, EarlierArtifacts = [result], TaskTitles = ["List the competitors and sources", "Compare them on price per seat"] };

        var (report, outcome, progress) = await RunAsync(context);

        Assert.StartsWith("Verdict: partly meets the objective", outcome.Summary, StringComparison.Ordinal);
        Assert.Contains("**Verdict: partly meets the objective**", report, StringComparison.Ordinal);
        // What it lacks: what the result means for our position, and the sources.
        var missing = report[report.IndexOf("## What is missing or wrong", StringComparison.Ordinal)..report.IndexOf("## What the result covers", StringComparison.Ordinal)];
        Assert.Contains("what it means for our position", missing, StringComparison.Ordinal);
        Assert.Contains("List the competitors and sources", missing, StringComparison.Ordinal);
        Assert.DoesNotContain("Compare them on price per seat", missing, StringComparison.Ordinal);
        Assert.Contains("Which competitors matter?", report, StringComparison.Ordinal);
        Assert.Equal(["M-7-replay.md", "M-7-replay.pdf"], outcome.Artifacts.Select(a => a.Name));
        Assert.Equal(OfflineStaffAgent.ReplaySteps.Select((s, i) => $"{i + 1}/3 {s}"), progress.Steps);
    }

    [Fact]
    public async Task A_replay_with_nothing_readable_misses_the_objective()
    {
        var context = Context("Compare competitor pricing", "A one-page comparison of competitor pricing.")
            with { IsReplay = true, EarlierArtifacts = [new ContextDocument("deck.pptx", "application/vnd.ms-powerpoint", 5000, null, false)] };

        var (report, outcome, _) = await RunAsync(context);

        Assert.StartsWith("Verdict: misses the objective", outcome.Summary, StringComparison.Ordinal);
        Assert.Contains("no readable artifact", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_brief_says_the_due_date_once_and_asks_about_the_project_once()
    {
        var context = Context("Compare competitor pricing", "A one-page comparison of competitor pricing by Friday 27 November.", due: new DateOnly(2026, 11, 27), project: null)
            with { OpenQuestions = ["Which project is this for: Launch, Support?"] };

        var (brief, _, _) = await RunAsync(context);

        Assert.DoesNotContain(brief.Split('\n'), line => System.Text.RegularExpressions.Regex.Count(line, "27 November") > 1);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(brief, "(?i)which project"));
    }
}
