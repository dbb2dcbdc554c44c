using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Missions.Host.Runs;

/// <summary>
/// The staff agent when no model is configured: deterministic, and useful rather than pretend. It restates the
/// objective as an outcome, digests the context, drafts a plan with steps and owners fitted to the kind of work,
/// lists the open questions and a checklist, and writes the brief as Markdown and as a PDF. Both say plainly that
/// they were drafted offline, without a model.
/// </summary>
public sealed partial class OfflineStaffAgent(IOptions<RunOptions> options, PdfBrief pdf) : IStaffAgent
{
    public static readonly IReadOnlyList<string> Steps =
    [
        "Reading the context",
        "Restating the objective",
        "Drafting the plan",
        "Listing open questions and a checklist",
        "Writing the brief",
        "Making the PDF",
    ];

    public async Task<AgentResult> ExecuteAsync(RunContext context, IRunProgress progress, CancellationToken cancellationToken)
    {
        if (context.IsReplay)
        {
            return await ReplayAsync(context, progress, cancellationToken);
        }

        var delay = options.Value.OfflineStepDelay;
        async Task Step(int index)
        {
            await progress.StepAsync(Steps[index], index, Steps.Count, cancellationToken);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }
        }

        await Step(0);
        var digest = Digest(context);
        await progress.LogAsync(RunLogLevel.Info, Steps[0], $"{digest.Count} context notes from the mission, project, comments, attachments and earlier artifacts.", cancellationToken);

        await Step(1);
        var outcome = Outcome(context);

        await Step(2);
        var kind = KindOf(context);
        var plan = Plan(kind, context);
        await progress.LogAsync(RunLogLevel.Info, Steps[2], $"A {plan.Count}-step plan for {kind.Describe} work.", cancellationToken);

        await Step(3);
        var questions = Questions(context, kind);
        var checklist = Checklist(context, plan);

        await Step(4);
        var markdown = Brief(context, outcome, digest, plan, questions, checklist);
        var baseName = context.TaskTitle is null ? $"{context.MissionNumber}-brief" : $"{context.MissionNumber}-task-{context.TaskNumber}-brief";
        var artifacts = new List<AgentArtifact> { new(baseName + ".md", "text/markdown", Encoding.UTF8.GetBytes(markdown)) };

        await Step(5);
        if (pdf.TryRender(markdown, $"{context.MissionNumber} {context.Title}", out var bytes, out var why))
        {
            artifacts.Add(new AgentArtifact(baseName + ".pdf", "application/pdf", bytes));
        }
        else
        {
            await progress.LogAsync(RunLogLevel.Warning, Steps[5], why, cancellationToken);
        }

        var summary = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Drafted offline (no AI model): a brief for {context.MissionNumber}")
            .Append(context.TaskTitle is null ? "" : $", task {context.TaskNumber} of {context.TaskCount} “{context.TaskTitle}”")
            .Append(CultureInfo.InvariantCulture, $" with a {plan.Count}-step plan, {questions.Count} open question{(questions.Count == 1 ? "" : "s")} and {Article(checklist.Count)} {checklist.Count}-item checklist.")
            .Append(context.ChangesRequested is null ? "" : $" It takes in the changes requested: “{Excerpt(context.ChangesRequested, 160)}”.")
            .ToString();
        return new AgentResult(summary, artifacts);
    }

    // ---- the parts of the brief ----------------------------------------------------------------------------------

    private static string Outcome(RunContext c)
    {
        var objective = c.Objective.Trim().TrimEnd('.');
        // The proposer's objective often names the date already ("… by Friday 27 November"): say it once.
        var due = c.DueDate is { } d && !objective.Contains(d.ToString("d MMMM", CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase)
            ? $" by {d.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture)}" : "";
        var audience = c.ProjectName is null ? "" : $" for {c.ProjectName}";
        return $"Done means: {LowerFirst(objective)}{audience}{due}, reviewed and accepted by {c.RequestedByName ?? "the requester"}.";
    }

    private static List<string> Digest(RunContext c)
    {
        var notes = new List<string>();
        if (c.ProjectBrief is { Length: > 0 } brief)
        {
            notes.Add($"**Project {c.ProjectName}:** {Excerpt(FirstSentences(brief, 2), 400)}");
        }

        if (c.Description.Trim().Length > 0 && !string.Equals(c.Description.Trim(), c.Objective.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            notes.Add($"**The request as asked:** “{Excerpt(c.Description.Trim(), 400)}”");
        }

        foreach (var told in c.Context ?? [])
        {
            notes.Add($"**Told before it started:** {Excerpt(told, 400)}");
        }

        if (c.ChangesRequested is { } changes)
        {
            notes.Add($"**Changes requested in review:** “{Excerpt(changes, 600)}”");
        }

        foreach (var comment in c.Comments.TakeLast(8))
        {
            notes.Add($"**Comment by {comment.Author}** ({comment.At.ToString("d MMM", CultureInfo.InvariantCulture)}): {Excerpt(comment.Text, 300)}");
        }

        foreach (var file in c.Attachments)
        {
            notes.Add(file.Text is { Length: > 0 } text
                ? $"**Attachment {file.Name}** ({Size(file.Size)}, {WordCount(text)} words{(file.Truncated ? ", shortened" : "")}): {Excerpt(FirstSentences(text, 2), 300)}"
                : file.Image is not null || ContextAssembler.IsImage(file.ContentType)
                    ? $"**Image {file.Name}** ({Size(file.Size)}, {file.ContentType}): an image; the offline agent names it but does not look at it (a staff member with a model does)."
                    : $"**Attachment {file.Name}** ({Size(file.Size)}, {file.ContentType}): not read as text.");
        }

        foreach (var earlier in c.EarlierArtifacts)
        {
            notes.Add($"**Earlier artifact {earlier.Name}** ({Size(earlier.Size)}).");
        }

        if (notes.Count == 0)
        {
            notes.Add("The mission carries no brief, comments or files yet; the plan below works from the objective alone.");
        }

        return notes;
    }

    /// <summary>The kind of work, read from the words of the title and objective.</summary>
    private sealed record WorkKind(string Describe, string[] Steps);

    private static readonly WorkKind Research = new("research",
    [
        "Collect the sources named in the context and note what is missing",
        "Extract the facts that answer the objective into one table",
        "Compare and draw the conclusions, with the evidence for each",
        "Write the summary for the reader, conclusions first",
        "Check every figure against its source",
    ]);

    private static readonly WorkKind Writing = new("writing",
    [
        "Agree the audience, the one key message and the length",
        "Outline the piece: the opening, three supporting points, the call to action",
        "Write the first draft",
        "Edit for tone, clarity and length; check names, dates and links",
    ]);

    private static readonly WorkKind Planning = new("planning",
    [
        "List the milestones and the date each must be met",
        "Name an owner and the dependencies for each milestone",
        "Note the risks and what would be done about each",
        "Turn it into a schedule everyone can see",
    ]);

    private static readonly WorkKind Building = new("building",
    [
        "Reproduce or pin down exactly what must change",
        "Make the change in small, reviewable steps",
        "Test it, including the case that prompted the request",
        "Write down how it was verified and what to watch after release",
    ]);

    private static readonly WorkKind General = new("general",
    [
        "Confirm the scope and what “done” looks like",
        "Gather the inputs from the context and the people involved",
        "Produce the deliverable",
        "Check it against the objective",
    ]);

    private static WorkKind KindOf(RunContext c)
    {
        var text = $"{c.TaskTitle} {c.Title} {c.Objective}".ToLowerInvariant();
        if (ResearchWords().IsMatch(text))
        {
            return Research;
        }

        if (WritingWords().IsMatch(text))
        {
            return Writing;
        }

        if (BuildingWords().IsMatch(text))
        {
            return Building;
        }

        return PlanningWords().IsMatch(text) ? Planning : General;
    }

    private static List<(string Step, string Owner)> Plan(WorkKind kind, RunContext c)
    {
        var requester = c.RequestedByName ?? "the requester";
        var plan = new List<(string, string)>();
        if (c.ChangesRequested is not null)
        {
            plan.Add(("Work through the changes requested in review, point by point", c.StaffName));
        }

        plan.AddRange(kind.Steps.Select(s => (s, c.StaffName)));
        plan.Add(($"Review the result against the objective and decide: approve or request changes", requester));
        return plan;
    }

    private static List<string> Questions(RunContext c, WorkKind kind)
    {
        // The proposal's questions first; the brief adds only what they do not already ask.
        var questions = new List<string>(c.OpenQuestions);
        bool Asked(string about) => questions.Any(q => q.Contains(about, StringComparison.OrdinalIgnoreCase));
        if (c.DueDate is null && !Asked("when"))
        {
            questions.Add("When is this needed?");
        }

        if (c.ProjectName is null && !Asked("project"))
        {
            questions.Add("Which project does this belong to?");
        }

        if (c.Attachments.Count == 0 && c.EarlierArtifacts.Count == 0 && kind == Research)
        {
            questions.Add("Are there sources, data or earlier work to start from?");
        }

        if (kind == Writing && !AudienceWords().IsMatch($"{c.Title} {c.Objective} {c.Description}"))
        {
            questions.Add("Who is the audience, and where will it be published?");
        }

        return questions.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static List<string> Checklist(RunContext c, List<(string Step, string Owner)> plan)
    {
        var list = plan.Take(plan.Count - 1).Select(p => p.Step).ToList();
        list.Add($"The outcome matches the objective: {Excerpt(c.Objective.Trim(), 160)}");
        if (c.DueDate is { } due)
        {
            list.Add($"Delivered by {due.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}");
        }

        list.Add("Open questions answered or explicitly parked");
        return list;
    }

    private static string Brief(RunContext c, string outcome, List<string> digest, List<(string Step, string Owner)> plan, List<string> questions, List<string> checklist)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {c.MissionNumber}: {c.Title}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"> Drafted offline by the Missions offline staff agent for {c.StaffName} ({c.StaffRole}) on {c.Now.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}. ")
          .Append("No AI model was used: this is a structured starting point built from the mission and its context, to be completed by a person or a model-backed agent.\n\n");
        if (c.TaskTitle is not null)
        {
            md.Append(CultureInfo.InvariantCulture, $"**Task {c.TaskNumber} of {c.TaskCount}:** {c.TaskTitle}\n\n");
        }

        md.Append("## Objective\n\n").Append(c.Objective.Trim()).Append("\n\n").Append(outcome).Append("\n\n");
        md.Append("## What we know\n\n");
        foreach (var note in digest)
        {
            md.Append("- ").Append(note).Append('\n');
        }

        md.Append("\n## Plan\n\n");
        for (var i = 0; i < plan.Count; i++)
        {
            md.Append(CultureInfo.InvariantCulture, $"{i + 1}. {plan[i].Step} — *{plan[i].Owner}*\n");
        }

        md.Append("\n## Open questions\n\n");
        md.Append(questions.Count == 0 ? "None: the mission says what, for whom and by when.\n" : string.Concat(questions.Select(q => $"- {q}\n")));
        md.Append("\n## Checklist\n\n");
        foreach (var item in checklist)
        {
            md.Append("- [ ] ").Append(item).Append('\n');
        }

        if (c.StaffInstructions.Trim().Length > 0)
        {
            md.Append("\n## Standing instructions for ").Append(c.StaffName).Append("\n\n").Append(Excerpt(c.StaffInstructions.Trim(), 600)).Append('\n');
        }

        return md.ToString();
    }

    // ---- text helpers ---------------------------------------------------------------------------------------------

    internal static string Excerpt(string text, int max)
    {
        var flat = Whitespace().Replace(text, " ").Trim();
        return flat.Length <= max ? flat : flat[..(max - 1)].TrimEnd() + "…";
    }

    private static string FirstSentences(string text, int count)
    {
        var sentences = SentenceEnd().Split(Whitespace().Replace(text, " ").Trim());
        return string.Join(" ", sentences.Take(count));
    }

    /// <summary>"an 8-item", "an 11-item", "an 18-item", else "a".</summary>
    private static string Article(int n) => n is 8 or 11 or 18 || (n >= 80 && n < 90) ? "an" : "a";

    private static int WordCount(string text) => Whitespace().Split(text.Trim()).Count(w => w.Length > 0);

    private static string LowerFirst(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;

    internal static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\b(research|compar\w*|summar\w*|analy\w*|investigat\w*|benchmark\w*|review of|survey|pricing|competitor\w*|findings|report)\b")]
    private static partial Regex ResearchWords();

    [GeneratedRegex(@"\b(write|writ\w+|draft\w*|announce\w*|blog|post|email|newsletter|copy|article|press release|script|faq)\b")]
    private static partial Regex WritingWords();

    [GeneratedRegex(@"\b(fix\w*|bug|build|implement\w*|deploy\w*|code|refactor\w*|migrat\w*|automat\w*|integrat\w*)\b")]
    private static partial Regex BuildingWords();

    [GeneratedRegex(@"\b(plan\w*|organi[sz]\w*|schedul\w*|event|offsite|roadmap|launch|onboard\w*|agenda)\b")]
    private static partial Regex PlanningWords();

    [GeneratedRegex(@"\b(customers?|users?|team|internal|external|audience|readers?|partners?|investors?|employees?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AudienceWords();
}
