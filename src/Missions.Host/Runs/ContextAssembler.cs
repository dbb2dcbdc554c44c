using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.Host.Data;
using Missions.Host.Missions;

namespace Missions.Host.Runs;

/// <summary>
/// The context for one run; what had to be cut to fit the budget, and the documents that could not be read, with why
/// (warnings in the run's log); and the documents whose text was read (said in the log too).
/// </summary>
public sealed record AssembledContext(RunContext Context, IReadOnlyList<string> Cuts, IReadOnlyList<string> Read, IReadOnlyList<string> Unread);

/// <summary>
/// Gathers what an agent needs for a run within a size budget, most important first: the mission itself, the
/// changes asked for in review, the project brief, the comments (newest first), the text of attachments — text-like
/// files, and PDF, Word, Excel and PowerPoint documents (<see cref="DocumentText"/>); the name and size of others — and
/// earlier artifacts. What does not fit is shortened or left out, and said so; a document that cannot be read is
/// named with why, and the run goes on.
/// </summary>
public sealed class ContextAssembler(MissionsDbContext db, IContentStore content, IOptions<RunOptions> options, TimeProvider clock)
{
    private const int MaxFileRead = 256 * 1024;

    /// <summary>The most an image may weigh to be shown to a model, and how many images one run is shown.</summary>
    public const int MaxImageBytes = 4 * 1024 * 1024;

    public const int MaxImages = 4;

    public async Task<AssembledContext> AssembleAsync(Run run, CancellationToken cancellationToken)
    {
        var mission = await db.Missions.AsNoTracking().SingleAsync(m => m.Id == run.MissionId, cancellationToken);
        var staff = run.StaffId is null ? null : await db.Staff.AsNoTracking().SingleOrDefaultAsync(s => s.Id == run.StaffId, cancellationToken);
        var project = mission.ProjectId is null ? null : await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == mission.ProjectId, cancellationToken);
        var tasks = await db.MissionTasks.AsNoTracking().Where(t => t.MissionId == mission.Id).OrderBy(t => t.Position).ToListAsync(cancellationToken);
        var task = tasks.FirstOrDefault(t => t.Id == run.TaskId);
        // What was told before execution (the mission's context), and what was asked and never answered.
        var asked = mission.ProposalId is null ? null
            : await db.Proposals.AsNoTracking().Where(p => p.Id == mission.ProposalId).Select(p => new { p.Questions, p.Answers }).SingleOrDefaultAsync(cancellationToken);
        var questions = asked is null ? [] : Proposals.BlueprintShape.Open(asked.Questions, asked.Answers);
        // The changes asked for in the review that started this run.
        var changes = run.Trigger != RunTriggers.ChangesRequested ? null : await db.Runs.AsNoTracking()
            .Where(r => r.MissionId == mission.Id && r.ReviewOutcome == ReviewOutcome.ChangesRequested && r.ReviewedAt != null)
            .OrderByDescending(r => r.ReviewedAt).Select(r => r.ReviewComment).FirstOrDefaultAsync(cancellationToken);

        var budget = new Budget(options.Value.ContextBudget);
        budget.Take(mission.Title.Length + mission.Objective.Length + mission.Context.Sum(c => c.Length));
        var description = budget.Fit(mission.Description, "the mission's description");
        var changesRequested = changes is null ? null : budget.Fit(changes, "the changes requested");
        var brief = project is null ? null : budget.Fit(project.Brief, $"the brief of project {project.Name}");

        var comments = await db.Comments.AsNoTracking().Where(c => c.MissionId == mission.Id)
            .OrderByDescending(c => c.CreatedAt).Take(50).ToListAsync(cancellationToken);
        var keptComments = new List<ContextComment>();
        foreach (var comment in comments)
        {
            if (!budget.Has(comment.Text.Length))
            {
                budget.Cut($"{comments.Count - keptComments.Count} older comment(s) left out");
                break;
            }

            budget.Take(comment.Text.Length);
            keptComments.Add(new ContextComment(comment.AuthorName, comment.Text, comment.CreatedAt));
        }

        keptComments.Reverse();
        var attachments = await db.Attachments.AsNoTracking().Where(a => a.MissionId == mission.Id).OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken);
        var files = new List<ContextDocument>();
        var documents = (Read: new List<string>(), Unread: new List<string>());
        foreach (var a in attachments)
        {
            if (IsImage(a.ContentType))
            {
                files.Add(await ImageAsync(a, files.Count(f => f.Image is not null), documents, cancellationToken));
                continue;
            }

            files.Add(await DocumentAsync(a.FileName, a.ContentType, a.Size, a.StorageKey, budget, "attachment", documents, cancellationToken));
        }

        // A replay reads the result it checks: the artifacts of the mission's latest finished work run.
        var replay = run.Trigger == RunTriggers.Replay;
        var checkedRun = !replay ? null : await db.Runs.AsNoTracking()
            .Where(r => r.MissionId == mission.Id && r.Status == RunStatus.Succeeded && r.Trigger != RunTriggers.Replay)
            .OrderByDescending(r => r.FinishedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        var earlier = await db.Artifacts.AsNoTracking()
            .Where(a => a.MissionId == mission.Id && a.RunId != run.Id && (!replay || a.RunId == checkedRun))
            .OrderByDescending(a => a.CreatedAt).Take(10).ToListAsync(cancellationToken);
        var artifacts = new List<ContextDocument>();
        foreach (var a in earlier)
        {
            artifacts.Add(await DocumentAsync(a.Name, a.ContentType, a.Size, a.StorageKey, budget, "earlier artifact", null, cancellationToken));
        }

        var context = new RunContext(
            Mission.FormatNumber(mission.Number), mission.Title, mission.Objective, description ?? "", mission.DueDate, mission.RequestedByName,
            staff?.Name ?? "Unassigned staff", staff?.Role ?? "generalist", staff?.Instructions ?? "", staff?.Model,
            project?.Name, brief, task?.Title, task is null ? 0 : tasks.IndexOf(task) + 1, tasks.Count,
            keptComments, files, artifacts, questions, changesRequested, run.Attempt, clock.GetUtcNow(),
            replay, tasks.Select(t => t.Title).ToList(), mission.Context);
        return new AssembledContext(context, budget.Cuts, documents.Read, documents.Unread);
    }

    /// <summary>
    /// A file's text within the budget: a text-like file's, and with <paramref name="documents"/> given, a PDF's or
    /// Office document's too, each said in <c>Read</c> (or, when it cannot be read, with why in <c>Unread</c>); of
    /// anything else, the name and size only.
    /// </summary>
    private async Task<ContextDocument> DocumentAsync(
        string name, string contentType, long size, string key, Budget budget, string what, (List<string> Read, List<string> Unread)? documents, CancellationToken cancellationToken)
    {
        var document = documents is not null && DocumentText.CanRead(contentType, name);
        if (!document && !IsText(contentType, name))
        {
            return new ContextDocument(name, contentType, size, null, false);
        }

        if (!budget.Has(1))
        {
            budget.Cut($"{what} {name}: left out (no budget left)");
            return new ContextDocument(name, contentType, size, null, true);
        }

        await using var stream = await content.OpenReadAsync(key, cancellationToken);
        if (stream is null)
        {
            budget.Cut($"{what} {name}: its content is missing from the store");
            return new ContextDocument(name, contentType, size, null, false);
        }

        string text;
        bool partial;
        if (document)
        {
            var reading = DocumentText.Read(stream, contentType, name, MaxFileRead);
            if (reading.Text is null)
            {
                documents!.Value.Unread.Add($"{what} {name}: {reading.Problem}");
                return new ContextDocument(name, contentType, size, null, false);
            }

            (text, partial) = (reading.Text, reading.Partial);
            documents!.Value.Read.Add($"{what} {name}: {reading.Described}, {text.Length:N0} characters of text");
        }
        else
        {
            var buffer = new char[MaxFileRead];
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var read = await reader.ReadBlockAsync(buffer, cancellationToken);
            (text, partial) = (new string(buffer, 0, read), size > MaxFileRead);
        }

        var fitted = budget.Fit(text, $"{what} {name}");
        return new ContextDocument(name, contentType, size, fitted, fitted is null || fitted.Length < text.Length || partial);
    }

    /// <summary>
    /// An image attachment: its bytes, for an agent with a model to look at (said in the log), unless it is too large or
    /// the run has been given enough images already (said too, with why). Images take nothing of the text budget.
    /// </summary>
    private async Task<ContextDocument> ImageAsync(Attachment a, int given, (List<string> Read, List<string> Unread) documents, CancellationToken cancellationToken)
    {
        var what = $"attachment {a.FileName}";
        var named = new ContextDocument(a.FileName, a.ContentType, a.Size, null, false);
        if (a.Size > MaxImageBytes || given >= MaxImages)
        {
            documents.Unread.Add(a.Size > MaxImageBytes
                ? $"{what}: an image larger than {MaxImageBytes / (1024 * 1024)} MB is named, not shown"
                : $"{what}: a run is shown at most {MaxImages} images; this one is named, not shown");
            return named;
        }

        await using var stream = await content.OpenReadAsync(a.StorageKey, cancellationToken);
        if (stream is null)
        {
            documents.Unread.Add($"{what}: its content is missing from the store");
            return named;
        }

        using var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes, cancellationToken);
        documents.Read.Add($"{what}: an image ({a.ContentType}, {bytes.Length:N0} bytes), shown as an image to an agent with a model");
        return named with { Image = bytes.ToArray() };
    }

    /// <summary>The image types a model is shown (what OpenAI-compatible chat models accept).</summary>
    internal static bool IsImage(string contentType) =>
        contentType.Split(';')[0].Trim().ToLowerInvariant() is "image/png" or "image/jpeg" or "image/gif" or "image/webp";

    internal static bool IsText(string contentType, string name)
    {
        var type = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/json" or "application/xml" or "application/x-yaml" or "application/yaml")
        {
            return true;
        }

        return Path.GetExtension(name).ToLowerInvariant() is ".md" or ".txt" or ".csv" or ".json" or ".yaml" or ".yml" or ".xml" or ".html" or ".log";
    }

    /// <summary>Characters left for the context, and the record of what was cut.</summary>
    private sealed class Budget(int total)
    {
        private int left = total;

        public List<string> Cuts { get; } = [];

        public bool Has(int characters) => left >= characters;

        public void Take(int characters) => left = Math.Max(0, left - characters);

        public void Cut(string note) => Cuts.Add(note);

        /// <summary>The text, shortened to what is left of the budget (and the cut noted), or null when nothing is left.</summary>
        public string? Fit(string? text, string what)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            if (text.Length <= left)
            {
                Take(text.Length);
                return text;
            }

            if (left == 0)
            {
                Cut($"{what}: left out (no budget left)");
                return null;
            }

            var kept = text[..left];
            Cut($"{what}: shortened from {text.Length:N0} to {kept.Length:N0} characters");
            left = 0;
            return kept;
        }
    }
}

public static class RunTriggers
{
    public const string Approved = "approved";
    public const string Requested = "requested";
    public const string ChangesRequested = "changes-requested";
    public const string Retry = "retry";
    public const string NextTask = "next-task";

    /// <summary>Auto-run was turned on for a mission that had not run yet.</summary>
    public const string AutoRun = "auto-run";

    /// <summary>A check of the latest result against the objective: it reports, and changes no task or status.</summary>
    public const string Replay = "replay";
}
