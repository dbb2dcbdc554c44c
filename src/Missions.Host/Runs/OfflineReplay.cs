using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Missions.Host.Runs;

/// <summary>
/// Replay without a model: the objective cut into its parts, the mission's tasks and its open questions, each looked
/// for in the text of the latest result. A word-level check — it finds what is absent, not whether what is there is
/// right — and the report says so.
/// </summary>
public sealed partial class OfflineStaffAgent
{
    public static readonly IReadOnlyList<string> ReplaySteps = ["Reading the result", "Checking it against the objective", "Writing the gap report"];

    /// <summary>A part counts as covered when this share of its content words appears in the result.</summary>
    private const double Covered = 0.6;

    private async Task<AgentResult> ReplayAsync(RunContext context, IRunProgress progress, CancellationToken cancellationToken)
    {
        await progress.StepAsync(ReplaySteps[0], 0, ReplaySteps.Count, cancellationToken);
        var read = context.EarlierArtifacts.Where(a => a.Text is { Length: > 0 }).ToList();
        var words = read.SelectMany(a => ContentWords(a.Text!)).ToHashSet(StringComparer.Ordinal);
        await progress.LogAsync(RunLogLevel.Info, ReplaySteps[0], read.Count == 0
            ? "The latest result has no artifact that can be read as text."
            : $"Read {string.Join(", ", read.Select(a => a.Name))}.", cancellationToken);

        await progress.StepAsync(ReplaySteps[1], 1, ReplaySteps.Count, cancellationToken);
        var parts = ObjectiveParts(context.Objective).Select(p => Check(p, words)).ToList();
        var tasks = (context.TaskTitles ?? []).Select(t => Check(t, words)).ToList();
        var questions = context.OpenQuestions.Select(q => Check(q, words)).ToList();
        var checkedItems = parts.Concat(tasks).ToList();
        var found = checkedItems.Count(c => c.Found);
        var verdict = read.Count == 0 || found == 0 ? "misses the objective"
            : found == checkedItems.Count ? "meets the objective"
            : "partly meets the objective";

        await progress.StepAsync(ReplaySteps[2], 2, ReplaySteps.Count, cancellationToken);
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Replay of {context.MissionNumber} against its objective")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"**Verdict: {verdict}** — {found} of {checkedItems.Count} parts of the objective and tasks found in the result.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"**Objective:** {context.Objective}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"**Checked:** {(read.Count == 0 ? "no readable artifact" : string.Join(", ", read.Select(a => $"{a.Name} ({Size(a.Size)})")))}")
            .AppendLine();
        Section(report, "What is missing or wrong", checkedItems.Where(c => !c.Found).Select(c => $"{c.Text} — not found: {string.Join(", ", c.Missing.Take(6))}"));
        Section(report, "What the result covers", checkedItems.Where(c => c.Found).Select(c => c.Text));
        Section(report, "Questions from the proposal the result does not answer", questions.Where(q => !q.Found).Select(q => q.Text));
        if (context.DueDate is { } due && DateOnly.FromDateTime(context.Now.UtcDateTime) > due)
        {
            Section(report, "Timing", [$"The mission was due {due.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture)}."]);
        }

        report.AppendLine("_Checked offline (no AI model): each part was looked for word by word, which finds what is absent, not whether what is there is right._");

        var markdown = report.ToString();
        var artifacts = new List<AgentArtifact> { new($"{context.MissionNumber}-replay.md", "text/markdown", Encoding.UTF8.GetBytes(markdown)) };
        if (pdf.TryRender(markdown, $"{context.MissionNumber} replay", out var bytes, out var why))
        {
            artifacts.Add(new AgentArtifact($"{context.MissionNumber}-replay.pdf", "application/pdf", bytes));
        }
        else
        {
            await progress.LogAsync(RunLogLevel.Warning, ReplaySteps[2], why, cancellationToken);
        }

        var missing = checkedItems.Where(c => !c.Found).Select(c => c.Text).ToList();
        var summary = $"Verdict: {verdict} ({found} of {checkedItems.Count} parts found)."
            + (missing.Count == 0 ? "" : $" Missing: {Excerpt(string.Join("; ", missing), 300)}.")
            + " Checked offline, without a model.";
        return new AgentResult(summary, artifacts);
    }

    private sealed record Item(string Text, bool Found, IReadOnlyList<string> Missing);

    private static Item Check(string text, HashSet<string> result)
    {
        var wanted = ContentWords(text).Distinct(StringComparer.Ordinal).ToList();
        var missing = wanted.Where(w => !result.Contains(w)).ToList();
        var found = wanted.Count == 0 || (wanted.Count - missing.Count) / (double)wanted.Count >= Covered;
        return new Item(text.Trim().TrimEnd('.'), found, missing);
    }

    /// <summary>The objective's parts: its sentences and clauses ("…, with what it means for us" is a part of its own).</summary>
    internal static List<string> ObjectiveParts(string objective) =>
        ObjectiveSplit().Split(objective)
            .Select(p => p.Trim().Trim('.', ',', ';', ':'))
            .Where(p => ContentWords(p).Any())
            .ToList();

    /// <summary>Words that carry meaning, lower-cased and cut to a stem, so "compare" meets "comparison".</summary>
    private static IEnumerable<string> ContentWords(string text) =>
        Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length >= 4 && !ReplayStopWords.Contains(w))
            .Select(w => w.Length > 6 ? w[..6] : w);

    private static void Section(StringBuilder report, string heading, IEnumerable<string> lines)
    {
        var items = lines.ToList();
        if (items.Count == 0)
        {
            return;
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"## {heading}").AppendLine();
        foreach (var item in items)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- {item}");
        }

        report.AppendLine();
    }

    private static readonly HashSet<string> ReplayStopWords = new(StringComparer.Ordinal)
    {
        "with", "that", "this", "from", "what", "which", "when", "where", "ready", "review", "done", "drafted", "into", "about",
        "their", "there", "them", "they", "your", "ours", "have", "will", "should", "would", "could", "each", "every", "some",
        "more", "most", "than", "then", "also", "only", "just", "means", "mean", "make", "made", "does", "doing", "over",
    };

    [GeneratedRegex(@"(?<=[.;])\s+|,\s+(?=with|and|including|so|for|then)\b|\s+and\s+(?=(?:a|an|the|what|how|why|which)\b)")]
    private static partial Regex ObjectiveSplit();

    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{N}'-]*")]
    private static partial Regex Word();
}
