using System.Text.RegularExpressions;

namespace Missions.Host.Proposals;

/// <summary>
/// Requests that ask without a verb of their own: a problem stated ("the login page is broken" → "Fix the login
/// page"), help asked with what to do ("help writing a job description" → "Write a job description"), and someone
/// else's wish passed on ("the client wants a revised quote" → "a revised quote for the client").
/// </summary>
public sealed partial class OfflineProposer
{
    /// <summary>The ask in a request that has none in its own words, or null.</summary>
    private static string? ImpliedAsk(string text)
    {
        if (HelpDoing().Match(text) is { Success: true } help && BaseForm(help.Groups["doing"].Value) is { } verb)
        {
            return verb + text[(help.Index + help.Length)..];
        }

        if (text.StartsWith("with ", StringComparison.OrdinalIgnoreCase))
        {
            return "help " + text; // "can you help me with the Q4 planning" once the asking is gone
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count == 0 || LeadingVerb(words) > 0)
        {
            return null;
        }

        if (Problem().Match(text) is { Success: true } problem && problem.Groups["subject"].Value.Split(' ').Length <= 8)
        {
            var subject = WithoutOur(problem.Groups["subject"].Value);
            var state = problem.Groups["state"].Value.ToLowerInvariant();
            var fix = state switch
            {
                "slow" or "too slow" or "really slow" or "so slow" => "speed up",
                "outdated" or "out of date" or "stale" => "update",
                _ => "fix",
            };
            return fix + " " + subject + problem.Groups["rest"].Value;
        }

        if (PassedOn().Match(text) is { Success: true } wish)
        {
            return wish.Groups["what"].Value.TrimEnd() + " for " + WithoutOur(wish.Groups["who"].Value);
        }

        return null;
    }

    /// <summary>A noun phrase about something broken ("signup form errors on safari") is something to fix.</summary>
    private static bool NamesAProblem(List<string> words) =>
        words.Any(w => ProblemNouns.Contains(w.Trim(',', '.', '!', '?').ToLowerInvariant()));

    /// <summary>"writing" → "write", "setting" → "set", "putting" → "put"; null when the word is not a known verb's -ing form.</summary>
    private static string? BaseForm(string doing)
    {
        var w = doing.ToLowerInvariant();
        if (!w.EndsWith("ing", StringComparison.Ordinal) || w.Length < 5)
        {
            return null;
        }

        var stem = w[..^3];
        string[] candidates = [stem, stem + "e", stem.Length > 2 && stem[^1] == stem[^2] ? stem[..^1] : stem];
        return candidates.FirstOrDefault(c => Verbs.ContainsKey(c));
    }

    private static readonly HashSet<string> ProblemNouns = new(StringComparer.Ordinal)
    {
        "error", "errors", "bug", "bugs", "crash", "crashes", "500s", "502s", "503s", "404s", "timeouts", "outage", "outages",
        "failures", "exceptions", "glitch", "glitches", "regression", "regressions",
    };

    [GeneratedRegex(@"^help\s+(?:me\s+|us\s+)?(?:with\s+)?(?<doing>[a-z]+ing)\b", RegexOptions.IgnoreCase)]
    private static partial Regex HelpDoing();

    [GeneratedRegex(@"^(?<subject>(?:the|our|my|this|that)\s+[^,]+?|[^,\s]+(?:\s+[^,\s]+){0,3}?)\s+(?:is|are|seems|seem|looks|look|keeps|keep|has\s+been|have\s+been|went|goes|is\s+still|are\s+still)\s+(?<state>broken|down|failing|not\s+working|buggy|erroring|crashing|throwing\s+errors|(?:too\s+|really\s+|so\s+)?slow|outdated|out\s+of\s+date|stale|wrong|incorrect|flaky|timing\s+out)(?<rest>\s+(?:on|in|for|when|after|with|under|about)\b[^,]*)?(?:\s+again)?\W*$", RegexOptions.IgnoreCase)]
    private static partial Regex Problem();

    [GeneratedRegex(@"^(?<who>(?:[Tt]he|[Oo]ur)\s+(?:client|customer|customers|boss|ceo|cfo|cto|coo|board|team|lead|manager|investors?|partner|partners|vendor|auditors?)|legal|sales|finance|marketing|support|leadership|management|[A-Z][a-z]+)\s+(?:wants|needs|asked\s+for|is\s+asking\s+for|has\s+asked\s+for|would\s+like|requested|is\s+after)\s+(?<what>(?:a|an|the|some|our|their|his|her|new|updated|revised)\b.+)$")]
    private static partial Regex PassedOn();
}
