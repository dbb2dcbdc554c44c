using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Missions.Host.Proposals;

/// <summary>
/// The proposer used when no model is configured: a heuristic that reads a chat request the way a person would.
/// It drafts an imperative title without filler, an objective written as an outcome, the assignee (named, or the
/// staff whose role fits the work), the project, the due date, a blueprint, the questions a human should answer, and
/// a hint when the request repeats open work.
/// </summary>
public sealed partial class OfflineProposer : IProposer
{
    public const int MaxTitleLength = 80;

    public Task<ProposalDraft> DraftAsync(ProposalRequest request, CancellationToken cancellationToken) =>
        WithDuplicateHintAsync(Draft(request, []), request.OpenWork, cancellationToken);

    /// <summary>The draft with a hint when it looks like open work; every proposer's draft goes through this.</summary>
    public static async Task<ProposalDraft> WithDuplicateHintAsync(ProposalDraft draft, IOpenWork openWork, CancellationToken cancellationToken)
    {
        var open = DistinctiveWord(draft.Title) is null ? [] : await openWork.FindAsync(draft.Title, draft.ProjectId, cancellationToken);
        return open.Count == 0 ? draft : draft with { DuplicateHint = DuplicateHint(draft.Title, draft.ProjectId, open) };
    }

    /// <summary>The draft, with the duplicate hint taken from <paramref name="openWork"/>.</summary>
    public static ProposalDraft Draft(ProposalRequest request, IReadOnlyList<ExistingWork> openWork)
    {
        var original = request.Text.Trim();
        var text = Normalize(original);
        var today = DueDateReader.LocalToday(request.Now, request.TimeZone);

        var due = DueDateReader.Find(text, today);
        if (due is not null)
        {
            text = Remove(text, due.Index, due.Length);
        }

        var (assignee, withoutAssignee) = FindNamedStaff(text, request.Staff);
        text = withoutAssignee;
        var (project, withoutProject) = FindNamedProject(text, request.Projects);
        text = withoutProject;
        // The conversation's project, else the workspace's only one: a question with one answer is not asked.
        project ??= request.Projects.FirstOrDefault(p => p.Id == request.BoundProjectId)
            ?? (request.Projects.Count == 1 ? request.Projects[0] : null);

        var core = CoreRequest(text);
        var title = Title(core);
        var blueprint = MatchBlueprint(original, request.Blueprints);
        if (assignee is null)
        {
            assignee = BestFit(original, LeadVerb(core), request.Staff)
                ?? request.Staff.FirstOrDefault(s => s.Id == blueprint?.DefaultStaffId);
        }

        var deliverable = Deliverable(original);
        var objective = Objective(title, deliverable, due?.Date);

        var questions = new List<string>();
        var meaningful = Words(core).Count(w => !StopWords.Contains(w));
        if (meaningful < 2)
        {
            questions.Add("Can you say a bit more about what you need? One sentence on the result you expect is enough.");
        }

        if (deliverable is null)
        {
            questions.Add("What should the result be: a document, a short summary, a list, a fix, something else?");
        }

        if (due is null)
        {
            questions.Add("When do you need it?");
        }

        if (project is null && request.Projects.Count > 0)
        {
            questions.Add($"Which project is this for: {string.Join(", ", request.Projects.Select(p => p.Name))}?");
        }

        if (assignee is null && request.Staff.Count > 0)
        {
            questions.Add($"Who should take it: {string.Join(", ", request.Staff.Select(s => s.Name))}?");
        }

        return new ProposalDraft(
            title,
            objective,
            original,
            assignee?.Id,
            project?.Id,
            blueprint?.Id,
            due?.Date,
            blueprint?.AutoRun ?? false,
            questions,
            DuplicateHint(title, project?.Id, openWork));
    }

    // ---- cleaning -------------------------------------------------------------------------------------------------

    /// <summary>One line of plain words: mentions of the bot, markup, links and list bullets out; typos fixed; days, months and quarters spelled as names.</summary>
    internal static string Normalize(string text)
    {
        var s = AtTag().Replace(text, " ");
        s = MarkdownLink().Replace(s, "$1");
        s = Url().Replace(s, " ");
        s = Bullet().Replace(s, "; ");
        s = s.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
        s = Emphasis().Replace(s, "$1");
        s = Symbols().Replace(s, " ");
        var words = s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(FixTypo).ToArray();
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = CalendarName(words[i], i > 0 ? words[i - 1] : "", i + 1 < words.Length ? words[i + 1] : "");
        }

        return string.Join(' ', words);
    }

    /// <summary>
    /// "friday" → "Friday", "october" → "October", "q3" → "Q3"; a short month ("oct", "sept") or one that is also a
    /// word ("march", "may") only where it reads as a month: after "in", "since", "for" and the like, or beside a day's
    /// number ("oct 3", "3 may").
    /// </summary>
    private static string CalendarName(string word, string before, string after)
    {
        var bare = word.TrimEnd(WordPunctuation);
        var suffix = word[bare.Length..];
        if (!CalendarNames.TryGetValue(bare, out var name))
        {
            return word;
        }

        if (name.Ambiguous)
        {
            var previous = before.TrimEnd('.', ',', ';', ':').ToLowerInvariant();
            var asMonth = MonthLeads.Contains(previous) || IsDayNumber(previous) || IsDayNumber(after.TrimEnd(WordPunctuation));
            if (!asMonth)
            {
                return word;
            }

            // "oct." is "October", its point went with the abbreviation.
            suffix = suffix.StartsWith('.') && bare.Length < name.Name.Length ? suffix[1..] : suffix;
        }

        return name.Name + suffix;
    }

    private static bool IsDayNumber(string word) =>
        word.TrimEnd('s', 't', 'n', 'd', 'r', 'h') is { Length: > 0 and <= 2 } digits && digits.All(char.IsAsciiDigit);

    private static string FixTypo(string word)
    {
        var trimmed = word.TrimEnd(WordPunctuation);
        var suffix = word[trimmed.Length..];
        return Typos.TryGetValue(trimmed, out var fixedWord) ? PreserveCase(trimmed, fixedWord) + suffix : word;
    }

    private static string PreserveCase(string original, string replacement) =>
        original.Length > 0 && char.IsUpper(original[0]) ? char.ToUpperInvariant(replacement[0]) + replacement[1..] : replacement;

    private static string Remove(string text, int index, int length) =>
        Collapse(text[..index] + " " + text[(index + length)..]);

    private static string Collapse(string s) => Spaces().Replace(s, " ").Replace(" ,", ",").Replace(" ?", "?").Replace(" .", ".").Trim();

    /// <summary>The request itself: the first sentence that asks for something, without greetings and filler.</summary>
    internal static string CoreRequest(string text)
    {
        var s = StripOpening(text, out _);

        // The clause that asks ("could someone reconcile…", "reconcile…"), after any context before it; else the first
        // that says something: not thanks or a sign-off, nor an exclamation or a label ("help!", "quick q —").
        var sentences = SentenceBreak().Split(s).Select(x => x.Trim()).Where(x => x.Length > 0 && !Thanks().IsMatch(x) && Words(x).Any())
            .Select(x => (Text: StripOpening(x, out var asked), Asked: asked)).ToList();
        var ask = sentences.FindIndex(x => IsAsk(x.Text, x.Asked));
        var first = (ask >= 0 ? sentences[ask].Text : null)
            ?? sentences.FirstOrDefault(x => Words(x.Text).Count() >= 3).Text ?? sentences.FirstOrDefault().Text ?? s;
        if (ask > 0 && IsQuestion(first) && sentences[ask - 1].Text is var topic && IsTopic(topic))
        {
            // "EU AI act — what does it require from us?": "it" is the topic before the question.
            first = ItSubject().Replace(first, "${lead} " + topic.TrimEnd(LeadingPunctuation), 1);
        }

        first = Politeness().Replace(first, " ");
        first = TrailingPoliteness().Replace(first, "");
        first = AsImperative(Collapse(first));
        first = TrailingRemark().Replace(first, "");
        first = CutRemark(Collapse(first.Trim().TrimEnd('?', '.', '!', ',', ';', ':', '-').Trim()));
        first = MeAfterVerb().Replace(first, "$1 ");
        return Collapse(first.Trim().TrimEnd('?', '.', '!', ',', ';', ':', '-').Trim());
    }

    /// <summary>
    /// A complaint with its ask after it ("the nightly backup job failed again, someone fix it") is the ask about the
    /// subject ("fix the nightly backup job"); a question about a number ("what's our CAC payback by channel?") asks to
    /// calculate it.
    /// </summary>
    private static string AsImperative(string text)
    {
        if (Complaint().Match(text) is { Success: true } complaint)
        {
            var subject = WithoutOur(complaint.Groups["subject"].Value);
            // What it does wrong, when it says more than a word: "crashes on login for android users" → "crashing on login…".
            var state = complaint.Groups["state"].Value.ToLowerInvariant();
            var rest = complaint.Groups["rest"].Value.Trim();
            var doing = state switch
            {
                "crashes" or "fails" or "throws" or "breaks" or "keeps" when rest.Length > 0 => state[..^(state == "crashes" ? 2 : 1)] + "ing " + rest,
                "is" or "are" when rest.Split(' ').Length > 1 && rest.Split(' ')[0].EndsWith("ing", StringComparison.Ordinal) => rest,
                _ => null,
            };
            var verb = complaint.Groups["verb"].Value.ToLowerInvariant() is "take a look" or "look at" ? "look into" : complaint.Groups["verb"].Value.ToLowerInvariant();
            return verb + " " + subject + (doing is null ? "" : " " + doing);
        }

        if (text.StartsWith("find out ", StringComparison.OrdinalIgnoreCase) && NumberQuestion().Match("what is " + text[9..]) is { Success: true } known
            && Words(known.Groups["about"].Value).Any(w => RoleVocabulary.First(r => r.Stem == "analy").Words.Contains(w)))
        {
            // "would love to know our average deal cycle length" asks for a number.
            return "calculate " + known.Groups["about"].Value;
        }

        if (NumberQuestion().Match(text) is { Success: true } question)
        {
            var about = question.Groups["about"].Value;
            var analysis = RoleVocabulary.First(r => r.Stem == "analy").Words;
            if (Words(about).Any(w => analysis.Contains(w)))
            {
                return "calculate " + about;
            }
        }

        return ImpliedAsk(text) ?? AsFindOut(text) ?? text;
    }

    /// <summary>
    /// After the request, what follows a comma is a remark ("…, three options pls", "…, legal
    /// signed off already") unless it goes on as a list ("compare Acme, Globex and Initech").
    /// </summary>
    private static string CutRemark(string core)
    {
        var comma = core.IndexOf(", ", StringComparison.Ordinal);
        var words = core.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (comma <= 0 || words.Count == 0)
        {
            return core;
        }

        var rest = core[(comma + 2)..];
        var next = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return next.Take(5).Any(w => w is "and" or "or" or "&") || rest.Contains(',', StringComparison.Ordinal) ? core : core[..comma];
    }

    /// <summary>A clause that asks for work: it was put as a request, or opens with a verb, and is about something more than "it".</summary>
    private static bool IsAsk(string clause, bool asked)
    {
        var words = clause.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        return words.Count >= 3 && (asked || LeadingVerb(words) > 0 || IsUnknownVerb(words) || IsQuestion(clause)) && !VagueAsk().IsMatch(clause);
    }

    /// <summary>A few words naming what a question after them is about, with no verb of their own ("EU AI act —").</summary>
    private static bool IsTopic(string clause)
    {
        var words = clause.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        return words.Count is > 0 and <= 6 && LeadingVerb(words) == 0 && !IsQuestion(clause) && !words.Any(w => Auxiliaries.ContainsKey(Bare(w)));
    }

    /// <summary>Greetings, thanks, filler ("could someone", "i'd love"), politeness and adverbs before the request's verb.</summary>
    private static string StripOpening(string s, out bool asked)
    {
        asked = false;
        for (var changed = true; changed;)
        {
            var before = s;
            s = KnowWish().Replace(s, "find out ");
            s = Greeting().Replace(s, "").TrimStart(LeadingPunctuation);
            s = Thanks().Replace(s, "").TrimStart(LeadingPunctuation);
            var unfilled = Filler().Replace(s, "").TrimStart(LeadingPunctuation);
            asked |= unfilled != s;
            s = unfilled;
            s = Politeness().Replace(s, "").TrimStart(LeadingPunctuation);
            s = LeadingAdverb().Replace(s, "");
            changed = s != before;
        }

        return s;
    }

    private static readonly char[] LeadingPunctuation = [',', ' ', '-', '–', '—', ':', '!', ';'];

    /// <summary>What ends a word in a sentence ("friday,", "oct."), taken off before the word is looked up.</summary>
    private static readonly char[] WordPunctuation = ['.', ',', '!', '?', ';', ':'];

    /// <summary>"our export" → "the export": the title is the team's, not the requester's.</summary>
    private static string WithoutOur(string phrase) =>
        phrase.StartsWith("our ", StringComparison.OrdinalIgnoreCase) ? "the " + phrase[4..] : phrase;

    // ---- title and objective --------------------------------------------------------------------------------------

    internal static string Title(string core)
    {
        if (core.Length == 0)
        {
            return "New request";
        }

        var nounOf = NounOf().Match(core);
        if (nounOf.Success && NounVerbs.TryGetValue(nounOf.Groups["noun"].Value.ToLowerInvariant(), out var nounVerb))
        {
            // "a comparison of the big 3 vendors" asks to compare them.
            core = nounVerb + " " + core[(nounOf.Index + nounOf.Length)..];
        }

        var words = core.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var verb = LeadingVerb(words);
        if (verb == 0 && words.Count >= 2 && NamesAProblem(words) && !IsUnknownVerb(words) && Deliverable(core) is null)
        {
            // "signup form errors on safari": something to fix.
            words = ["fix", .. words];
            verb = 1;
        }
        else if (verb == 0 && words.Count >= 2 && ActionNouns.TryGetValue(words[^1].ToLowerInvariant(), out var act) && !IsUnknownVerb(words))
        {
            // "Careers page copy refresh": refresh the careers page copy.
            words = [act, .. WithArticle(LowerFirst(string.Join(' ', words[..^1]))).Split(' ')];
            verb = 1;
        }
        else if (verb == 0 && Metrics.Contains(words[0].ToLowerInvariant())
            && Deliverable(string.Join(' ', words.Where((w, i) => i == 0 || !(words[i - 1] is "by" or "per")))) is null)
        {
            // "churn by plan for October": a number to work out.
            words = ["calculate", LowerFirst(words[0]), .. words[1..]];
            verb = 1;
        }

        if (verb == 0 && !IsUnknownVerb(words))
        {
            // A noun phrase ("competitor pricing summary for the deck") gets the verb its deliverable implies.
            var deliverable = Deliverable(core);
            if (words[0].Length > 1 && char.IsUpper(words[0][0]) && words[0].Skip(1).All(char.IsLower))
            {
                words[0] = char.ToLowerInvariant(words[0][0]) + words[0][1..];
            }

            words.Insert(0, deliverable is { } d && VerbFor.TryGetValue(d, out var v) ? v : "Get");
            if (!words[1].Equals("a", StringComparison.OrdinalIgnoreCase) && !words[1].Equals("the", StringComparison.OrdinalIgnoreCase)
                && !words[1].Equals("an", StringComparison.OrdinalIgnoreCase) && deliverable is not null && !IsPlural(words, deliverable))
            {
                words.Insert(1, StartsWithVowelSound(words[1]) ? "an" : "a");
            }
        }

        words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..].ToLowerInvariant();
        var title = string.Join(' ', words);
        // A dangling "for" goes ("Draft the notes for"), but not one a clause ends with ("…what they pay for").
        title = StrandedPreposition().IsMatch(title) ? title : TrailingJoiner().Replace(title, "");
        return Shorten(title, MaxTitleLength);
    }

    /// <summary>The requester's own verb at the front of the request ("set up", "fix"), lower-cased; null when it opens with a noun.</summary>
    private static string? LeadVerb(string core)
    {
        var words = core.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var verb = words.Count == 0 ? 0 : LeadingVerb(words);
        return verb > 0 ? string.Join(' ', words.Take(verb)).ToLowerInvariant()
            : words.Count > 0 && IsUnknownVerb(words) ? words[0].ToLowerInvariant() : null;
    }

    /// <summary>
    /// A verb the vocabulary lacks ("reconcile the payouts", "shortlist three venues", "tidy up the drive"): an
    /// ordinary lower-case word followed by what only follows a verb — an article, a possessive, a number, a particle
    /// or a question word.
    /// </summary>
    private static bool IsUnknownVerb(List<string> words)
    {
        if (words.Count < 2)
        {
            return false;
        }

        var first = words[0].ToLowerInvariant();
        return first.All(c => char.IsAsciiLetterLower(c) || c == '-') && words[0].Any(char.IsAsciiLetterLower)
            && !StopWords.Contains(first) && !first.EndsWith("ing", StringComparison.Ordinal)
            && (!Deliverables.Contains(first) && !Deliverables.Contains(first.TrimEnd('s')) || Determiners.Contains(words[1].ToLowerInvariant()))
            && (ObjectStarters.Contains(words[1].ToLowerInvariant()) || Numbers.Contains(words[1].ToLowerInvariant()) || words[1].All(char.IsAsciiDigit));
    }

    /// <summary>How many leading words form a verb ("pull together" is two), or 0 when the text does not start with one.</summary>
    private static int LeadingVerb(List<string> words)
    {
        if (words.Count >= 2 && PhrasalVerbs.Contains(words[0].ToLowerInvariant() + " " + words[1].ToLowerInvariant()))
        {
            return 2;
        }

        return Verbs.ContainsKey(words[0].ToLowerInvariant()) ? 1 : 0;
    }

    internal static string Shorten(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text[..max];
        var space = cut.LastIndexOf(' ');
        if (space > max / 2)
        {
            cut = cut[..space];
        }

        return TrailingJoiner().Replace(cut.TrimEnd(',', ';', ':', '-', ' '), "");
    }

    internal static string Objective(string title, string? deliverable, DateOnly? due)
    {
        var words = title.Split(' ').ToList();
        var verbLength = words.Count >= 2 && PhrasalVerbs.Contains(words[0].ToLowerInvariant() + " " + words[1].ToLowerInvariant()) ? 2 : 1;
        var verb = string.Join(' ', words.Take(verbLength)).ToLowerInvariant();
        var rest = string.Join(' ', words.Skip(verbLength));
        if (rest.Length == 0)
        {
            rest = "the request";
        }

        var kind = Verbs.TryGetValue(verb.Split(' ')[0], out var k) ? k : VerbKind.Make;
        var thing = WithArticle(rest);
        var outcome = kind switch
        {
            VerbKind.Research => $"Clear, sourced findings on {rest}, ready to act on",
            VerbKind.Compare => $"A side-by-side comparison of {rest}, with a recommendation",
            VerbKind.Analyse => $"An analysis of {rest} that shows the method, the numbers and what they mean",
            VerbKind.Summarise => $"A concise summary of {rest} that someone new can read in five minutes",
            VerbKind.Fix => $"{Capital(thing)} fixed, verified, and the cause written down",
            VerbKind.Review => $"{Capital(thing)} reviewed, with the issues found and what to change",
            VerbKind.Plan => $"A plan for {rest} with steps, owners and dates",
            VerbKind.Update => $"{Capital(thing)} brought up to date and checked",
            VerbKind.Send => $"{Capital(thing)} sent to the right people, with nothing missing",
            _ => deliverable is null
                ? $"{Capital(thing)} done and ready for review"
                : $"{Capital(thing)}, drafted and ready for review",
        };
        var when = due is { } d ? $" by {d.ToString("dddd d MMMM", CultureInfo.InvariantCulture)}" : "";
        return outcome + when + ".";
    }

    private static string LowerFirst(string word) =>
        word.Length > 1 && char.IsUpper(word[0]) && !char.IsUpper(word[1]) ? char.ToLowerInvariant(word[0]) + word[1..] : word;

    private static string WithArticle(string phrase)
    {
        var first = phrase.Split(' ')[0].ToLowerInvariant();
        if (first is "a" or "an" or "the" or "our" or "my" or "your" or "their" or "this" or "that" or "these" or "those" or "all" or "some"
            || char.IsDigit(first[0]) || (phrase.Length > 1 && char.IsUpper(phrase[0]) && char.IsUpper(phrase[1])))
        {
            return phrase;
        }

        return "the " + phrase;
    }

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static bool IsPlural(List<string> words, string deliverable) =>
        deliverable.EndsWith('s') || words.Any(w => w.Equals(deliverable + "s", StringComparison.OrdinalIgnoreCase) || w.Equals(deliverable + "es", StringComparison.OrdinalIgnoreCase))
        && !words.Any(w => w.Equals(deliverable, StringComparison.OrdinalIgnoreCase));

    private static bool StartsWithVowelSound(string word) => word.Length > 0 && "aeiouAEIOU".Contains(word[0], StringComparison.Ordinal);

    /// <summary>The kind of result asked for, when the text names one.</summary>
    internal static string? Deliverable(string text)
    {
        // Phrases first: a "press release" is not a release.
        var lower = text.ToLowerInvariant();
        foreach (var phrase in DeliverablePhrases)
        {
            if (lower.Contains(phrase, StringComparison.Ordinal))
            {
                return phrase;
            }
        }

        foreach (var word in Words(text))
        {
            var singular = word.EndsWith('s') && Deliverables.Contains(word[..^1]) ? word[..^1] : word;
            if (Deliverables.Contains(singular))
            {
                return singular;
            }
        }

        // A verb that is its own deliverable: "fix the login bug", "translate the FAQ", "compare plans".
        var first = Words(text).FirstOrDefault();
        return first is not null && Verbs.TryGetValue(first, out var kind) && kind is VerbKind.Fix or VerbKind.Compare or VerbKind.Summarise or VerbKind.Analyse or VerbKind.Send or VerbKind.Update
            ? first
            : null;
    }

    // ---- people, projects, blueprints -----------------------------------------------------------------------------

    /// <summary>A staff member named or addressed: "@Writer", "for the Writer", "Researcher:", "ask the Analyst".</summary>
    internal static (StaffInfo? Staff, string Text) FindNamedStaff(string text, IReadOnlyList<StaffInfo> staff)
    {
        // The strongest form wins whoever it names: "@Writer" over "for the Writer" over "can the Analyst".
        var byLength = staff.OrderByDescending(s => s.Name.Length).ToList();
        for (var form = 0; form < StaffForms; form++)
        {
            foreach (var member in byLength)
            {
                var m = StaffPatterns.GetOrAdd(member.Name + "|" + member.Role, BuildStaffPatterns)[form].Match(text);
                if (m.Success)
                {
                    return (member, Remove(text, m.Index, m.Length));
                }
            }
        }

        return (null, text);
    }

    internal static (ProjectInfo? Project, string Text) FindNamedProject(string text, IReadOnlyList<ProjectInfo> projects)
    {
        foreach (var project in projects.OrderByDescending(p => p.Name.Length))
        {
            var (phrases, bare) = ProjectPatterns.GetOrAdd(project.Name, BuildProjectPatterns);
            foreach (var pattern in phrases)
            {
                var m = pattern.Match(text);
                if (m.Success)
                {
                    // A tag ("#launch", "project: Launch") is markup; "for the Launch project" is part of what is asked.
                    return (project, m.Value.Contains('#', StringComparison.Ordinal) || m.Value.Contains(':', StringComparison.Ordinal) ? Remove(text, m.Index, m.Length) : text);
                }
            }

            if (bare.IsMatch(text))
            {
                // Named inside the request ("the Launch deck"): it stays in the title.
                return (project, text);
            }
        }

        return (null, text);
    }

    // Built once per name: more patterns than Regex's own cache holds would be re-parsed on every request.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex[]> StaffPatterns = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Regex[] Phrases, Regex Bare)> ProjectPatterns = new(StringComparer.Ordinal);
    private const RegexOptions NameOptions = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
    private static readonly TimeSpan NameTimeout = TimeSpan.FromMilliseconds(100);

    private const int StaffForms = 4;

    private static Regex[] BuildStaffPatterns(string nameAndRole)
    {
        var parts = nameAndRole.Split('|');
        var name = Regex.Escape(parts[0]);
        // A question may name the team instead ("can research look into…"): the role's first word.
        var role = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { Length: > 2 } r ? "|" + Regex.Escape(r) : "";
        return
        [
            new Regex($@"@{name}\b", NameOptions, NameTimeout),
            new Regex($@"\b(?:for|to|with|by|ask|assign(?:ed)?(?:\s+(?:it|this))?\s+to|hey|dear|cc)\s+(?:the\s+|our\s+)?{name}\b", NameOptions, NameTimeout),
            new Regex($@"^\s*{name}\s*[:,]", NameOptions, NameTimeout),
            // A question to the role: "can the engineer profile…", "would our researcher be able to find…".
            new Regex($@"\b(?:can|could|would|will)\s+(?:the\s+|our\s+)?(?:{name}{role})(?:\s+(?:please|pls|kindly))?(?:\s+(?:be able to|have time to|help(?:\s+us)?(?:\s+to)?))?\b", NameOptions, NameTimeout),
        ];
    }

    /// <summary>"for the Launch project", "project Launch", "#launch", "in Launch"; and the name alone.</summary>
    private static (Regex[] Phrases, Regex Bare) BuildProjectPatterns(string projectName)
    {
        var name = Regex.Escape(projectName);
        return (
        [
            new Regex($@"\b(?:for|in|on|under)\s+(?:the\s+)?{name}\s+project\b", NameOptions, NameTimeout),
            new Regex($@"\b(?:for|in|on|under|the)\s+project\s*[:\-]?\s*{name}\b|\bproject\s*[:\-]\s*{name}\b", NameOptions, NameTimeout),
            new Regex($@"#{name}\b", NameOptions, NameTimeout),
            // "for Launch" at the end of a clause; "for the launch branch" is about something else.
            new Regex($@"\b(?:for|in|on|under)\s+(?:the\s+)?(?-i:{name})(?=\s*(?:[,.;:!?)]|$))", NameOptions, NameTimeout),
        ], new Regex($@"\b{name}\b", NameOptions, NameTimeout));
    }

    /// <summary>The staff member whose role fits the verbs and nouns of the request best; null when none fits.</summary>
    internal static StaffInfo? BestFit(string text, string? leadVerb, IReadOnlyList<StaffInfo> staff)
    {
        if (leadVerb is not null && Errands.Contains(leadVerb))
        {
            // Booking, ordering and paying are for a person, whatever they are about.
            return null;
        }

        var words = Words(text).ToList();
        var lower = " " + string.Join(' ', words) + " ";
        StaffInfo? best = null;
        var bestScore = 0.0;
        foreach (var member in staff)
        {
            var keywords = RoleKeywords(member);
            var score = 0.0;
            foreach (var keyword in keywords)
            {
                if (lower.Contains(" " + keyword + " ", StringComparison.Ordinal))
                {
                    // The requester's own verb says most about the kind of work, unless it is one every role uses.
                    score += keyword != leadVerb ? 1 : GenericVerbs.Contains(keyword) ? 0.5 : 2.5;
                }
            }

            if (score > bestScore)
            {
                (best, bestScore) = (member, score);
            }
        }

        return best;
    }

    private static readonly HashSet<string> GenericVerbs = new(StringComparer.Ordinal) { "write", "draft", "make", "create", "build", "prepare", "compile", "put together", "pull together", "find out", "get" };

    private static readonly HashSet<string> Errands = new(StringComparer.Ordinal) { "book", "order", "arrange", "reimburse", "buy", "purchase", "pay", "renew", "reserve", "pick up" };

    private static HashSet<string> RoleKeywords(StaffInfo member)
    {
        var keywords = new HashSet<string>(StringComparer.Ordinal);
        var role = (member.Name + " " + member.Role).ToLowerInvariant();
        foreach (var (stem, words) in RoleVocabulary)
        {
            if (role.Contains(stem, StringComparison.Ordinal))
            {
                keywords.UnionWith(words);
            }
        }

        return keywords;
    }

    internal static BlueprintInfo? MatchBlueprint(string text, IReadOnlyList<BlueprintInfo> blueprints)
    {
        var lower = " " + string.Join(' ', Words(text)) + " ";
        return blueprints
            .Select(b => (Blueprint: b, Hits: b.Keywords.Count(k => lower.Contains(" " + k.ToLowerInvariant() + " ", StringComparison.Ordinal))))
            .Where(x => x.Hits > 0)
            .OrderByDescending(x => x.Hits)
            .Select(x => x.Blueprint)
            .FirstOrDefault();
    }

    internal static string? DuplicateHint(string title, Guid? projectId, IReadOnlyList<ExistingWork> openWork)
    {
        var mine = Tokens(title);
        if (mine.Count == 0)
        {
            return null;
        }

        foreach (var work in openWork.Where(w => w.ProjectId == projectId))
        {
            var theirs = Tokens(work.Title);
            var overlap = mine.Intersect(theirs).Count();
            var union = mine.Union(theirs).Count();
            if (union > 0 && overlap / (double)union >= 0.6)
            {
                return $"This looks like {work.Label}: “{work.Title}”.";
            }
        }

        return null;
    }

    /// <summary>
    /// The most distinctive word of a title (the longest content word), for finding candidate duplicates in the
    /// database before comparing them properly.
    /// </summary>
    public static string? DistinctiveWord(string title) =>
        Words(title).Where(w => !StopWords.Contains(w) && !VerbStems.Contains(Stem(w)) && w.Length >= 3)
            .OrderByDescending(w => w.Length).Select(w => Stem(w)).FirstOrDefault();

    /// <summary>Content words, lower-cased and lightly stemmed, with the leading verb's synonyms folded together.</summary>
    private static HashSet<string> Tokens(string text) =>
        Words(text)
            .Where(w => !StopWords.Contains(w) && w is not ("together" or "up" or "out"))
            .Select(Stem)
            .Where(stem => !VerbStems.Contains(stem))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>A light stem, enough to make "schedules", "schedule" and "scheduled" (or "writing" and "write") meet.</summary>
    private static string Stem(string word)
    {
        foreach (var suffix in new[] { "ies", "es", "s", "ing", "ed" })
        {
            if (word.Length > suffix.Length + 3 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                word = word[..^suffix.Length];
                break;
            }
        }

        return word.Length > 3 && word.EndsWith('e') ? word[..^1] : word;
    }


    private static IEnumerable<string> Words(string text) =>
        WordPattern().Matches(text).Select(m => m.Value.ToLowerInvariant());

    // ---- vocabulary -----------------------------------------------------------------------------------------------

    private enum VerbKind { Make, Research, Compare, Analyse, Summarise, Fix, Review, Plan, Update, Send }

    private static readonly Dictionary<string, VerbKind> Verbs = new(StringComparer.Ordinal)
    {
        ["write"] = VerbKind.Make, ["draft"] = VerbKind.Make, ["create"] = VerbKind.Make, ["make"] = VerbKind.Make,
        ["build"] = VerbKind.Make, ["prepare"] = VerbKind.Make, ["pull"] = VerbKind.Make, ["put"] = VerbKind.Make,
        ["design"] = VerbKind.Make, ["outline"] = VerbKind.Make, ["document"] = VerbKind.Make, ["produce"] = VerbKind.Make,
        ["compile"] = VerbKind.Make, ["collect"] = VerbKind.Make, ["gather"] = VerbKind.Make, ["list"] = VerbKind.Make,
        ["translate"] = VerbKind.Make, ["rewrite"] = VerbKind.Make, ["set"] = VerbKind.Make, ["add"] = VerbKind.Make,
        ["research"] = VerbKind.Research, ["find"] = VerbKind.Research, ["investigate"] = VerbKind.Research,
        ["look"] = VerbKind.Research, ["figure"] = VerbKind.Research, ["explore"] = VerbKind.Research, ["dig"] = VerbKind.Research,
        ["identify"] = VerbKind.Research,
        ["compare"] = VerbKind.Compare, ["benchmark"] = VerbKind.Compare, ["evaluate"] = VerbKind.Compare,
        ["analyze"] = VerbKind.Analyse, ["analyse"] = VerbKind.Analyse, ["calculate"] = VerbKind.Analyse,
        ["estimate"] = VerbKind.Analyse, ["forecast"] = VerbKind.Analyse, ["model"] = VerbKind.Analyse, ["crunch"] = VerbKind.Analyse,
        ["summarize"] = VerbKind.Summarise, ["summarise"] = VerbKind.Summarise, ["recap"] = VerbKind.Summarise,
        ["fix"] = VerbKind.Fix, ["debug"] = VerbKind.Fix, ["repair"] = VerbKind.Fix, ["resolve"] = VerbKind.Fix, ["patch"] = VerbKind.Fix,
        ["review"] = VerbKind.Review, ["check"] = VerbKind.Review, ["audit"] = VerbKind.Review, ["proofread"] = VerbKind.Review,
        ["test"] = VerbKind.Review, ["verify"] = VerbKind.Review,
        ["plan"] = VerbKind.Plan, ["organize"] = VerbKind.Plan, ["organise"] = VerbKind.Plan, ["schedule"] = VerbKind.Plan,
        ["coordinate"] = VerbKind.Plan,
        ["update"] = VerbKind.Update, ["refresh"] = VerbKind.Update, ["clean"] = VerbKind.Update, ["migrate"] = VerbKind.Update,
        ["refactor"] = VerbKind.Update, ["improve"] = VerbKind.Update, ["upgrade"] = VerbKind.Update,
        ["send"] = VerbKind.Send, ["email"] = VerbKind.Send, ["share"] = VerbKind.Send, ["publish"] = VerbKind.Send,
        ["announce"] = VerbKind.Send, ["deploy"] = VerbKind.Send, ["ship"] = VerbKind.Send,
        // Imperatives people use in chat beyond the common ones: "reconcile", "tabulate", "vet", "spin up".
        ["compose"] = VerbKind.Make, ["sketch"] = VerbKind.Make, ["craft"] = VerbKind.Make, ["assemble"] = VerbKind.Make,
        ["collate"] = VerbKind.Make, ["record"] = VerbKind.Make, ["film"] = VerbKind.Make, ["spin"] = VerbKind.Make,
        ["stand"] = VerbKind.Make, ["containerise"] = VerbKind.Make, ["containerize"] = VerbKind.Make, ["backfill"] = VerbKind.Make,
        ["automate"] = VerbKind.Make, ["implement"] = VerbKind.Make, ["integrate"] = VerbKind.Make, ["install"] = VerbKind.Make,
        ["configure"] = VerbKind.Make, ["provision"] = VerbKind.Make, ["instrument"] = VerbKind.Make, ["wire"] = VerbKind.Make,
        ["hook"] = VerbKind.Make, ["port"] = VerbKind.Make, ["localise"] = VerbKind.Make, ["localize"] = VerbKind.Make,
        ["redesign"] = VerbKind.Make, ["explain"] = VerbKind.Make, ["mock"] = VerbKind.Make, ["run"] = VerbKind.Make,
        ["generate"] = VerbKind.Make, ["export"] = VerbKind.Make, ["import"] = VerbKind.Make, ["scrape"] = VerbKind.Make,
        ["reconcile"] = VerbKind.Analyse, ["tabulate"] = VerbKind.Analyse, ["tally"] = VerbKind.Analyse, ["rank"] = VerbKind.Analyse,
        ["segment"] = VerbKind.Analyse, ["quantify"] = VerbKind.Analyse, ["measure"] = VerbKind.Analyse, ["price"] = VerbKind.Analyse,
        ["size"] = VerbKind.Analyse, ["score"] = VerbKind.Analyse, ["break"] = VerbKind.Analyse, ["count"] = VerbKind.Analyse,
        ["shortlist"] = VerbKind.Research, ["interview"] = VerbKind.Research, ["scout"] = VerbKind.Research,
        ["map"] = VerbKind.Research, ["recommend"] = VerbKind.Research, ["gauge"] = VerbKind.Research, ["survey"] = VerbKind.Research,
        ["vet"] = VerbKind.Compare, ["assess"] = VerbKind.Compare, ["weigh"] = VerbKind.Compare, ["rate"] = VerbKind.Compare,
        ["sanity-check"] = VerbKind.Review, ["double-check"] = VerbKind.Review, ["proof"] = VerbKind.Review, ["inspect"] = VerbKind.Review,
        ["validate"] = VerbKind.Review, ["profile"] = VerbKind.Review, ["qa"] = VerbKind.Review, ["critique"] = VerbKind.Review,
        ["troubleshoot"] = VerbKind.Fix, ["diagnose"] = VerbKind.Fix, ["untangle"] = VerbKind.Fix, ["unblock"] = VerbKind.Fix,
        ["revert"] = VerbKind.Fix, ["roll"] = VerbKind.Fix, ["triage"] = VerbKind.Fix, ["unbreak"] = VerbKind.Fix,
        ["polish"] = VerbKind.Update, ["punch"] = VerbKind.Update, ["tidy"] = VerbKind.Update, ["rotate"] = VerbKind.Update,
        ["deprecate"] = VerbKind.Update, ["optimise"] = VerbKind.Update, ["optimize"] = VerbKind.Update, ["speed"] = VerbKind.Update,
        ["move"] = VerbKind.Update, ["rename"] = VerbKind.Update, ["archive"] = VerbKind.Update, ["consolidate"] = VerbKind.Update,
        ["merge"] = VerbKind.Update, ["dedupe"] = VerbKind.Update, ["remove"] = VerbKind.Update, ["delete"] = VerbKind.Update,
        ["disable"] = VerbKind.Update, ["enable"] = VerbKind.Update, ["harden"] = VerbKind.Update, ["secure"] = VerbKind.Update,
        ["restructure"] = VerbKind.Update, ["reorganise"] = VerbKind.Update, ["reorganize"] = VerbKind.Update,
        ["simplify"] = VerbKind.Update, ["shorten"] = VerbKind.Update, ["tighten"] = VerbKind.Update, ["edit"] = VerbKind.Update,
        ["renew"] = VerbKind.Update, ["cancel"] = VerbKind.Update, ["replace"] = VerbKind.Update, ["convert"] = VerbKind.Update,
        ["define"] = VerbKind.Plan, ["propose"] = VerbKind.Plan, ["prioritise"] = VerbKind.Plan, ["prioritize"] = VerbKind.Plan,
        ["scope"] = VerbKind.Plan, ["book"] = VerbKind.Plan, ["arrange"] = VerbKind.Plan, ["host"] = VerbKind.Plan,
        ["order"] = VerbKind.Send, ["invite"] = VerbKind.Send, ["reimburse"] = VerbKind.Send, ["pay"] = VerbKind.Send,
        ["buy"] = VerbKind.Send, ["purchase"] = VerbKind.Send, ["notify"] = VerbKind.Send, ["remind"] = VerbKind.Send,
        ["contact"] = VerbKind.Send, ["chase"] = VerbKind.Send, ["escalate"] = VerbKind.Send, ["submit"] = VerbKind.Send,
        ["compute"] = VerbKind.Analyse, ["plot"] = VerbKind.Analyse, ["scan"] = VerbKind.Research, ["redo"] = VerbKind.Update,
        ["squash"] = VerbKind.Fix, ["condense"] = VerbKind.Summarise, ["spruce"] = VerbKind.Update, ["pick"] = VerbKind.Plan,
        ["reserve"] = VerbKind.Plan, ["stress-test"] = VerbKind.Review, ["sunset"] = VerbKind.Update, ["cull"] = VerbKind.Update,
        ["trim"] = VerbKind.Update, ["get"] = VerbKind.Make, ["do"] = VerbKind.Make, ["give"] = VerbKind.Make, ["help"] = VerbKind.Make,
    };

    // Declared after Verbs: static fields initialise in textual order.
    private static readonly HashSet<string> VerbStems = Verbs.Keys.Select(Stem).ToHashSet(StringComparer.Ordinal);

    private static readonly HashSet<string> PhrasalVerbs = new(StringComparer.Ordinal)
    {
        "pull together", "put together", "look into", "look at", "figure out", "dig into", "set up", "clean up", "write up",
        "follow up", "sort out", "write down", "round up", "draw up", "map out", "find out", "check on", "work out",
        "spin up", "stand up", "break down", "punch up", "tidy up", "reach out", "mock up", "wire up", "hook up", "speed up",
        "roll back", "back up", "narrow down", "lay out", "jot down", "scope out", "sum up", "type up", "think through",
        "walk through", "track down", "dig up", "flesh out", "spruce up", "pick up", "tighten up", "clear out", "shore up",
    };

    private static readonly HashSet<string> Deliverables = new(StringComparer.Ordinal)
    {
        "summary", "report", "deck", "slide", "doc", "document", "draft", "brief", "plan", "list", "analysis", "comparison",
        "post", "email", "announcement", "spreadsheet", "memo", "proposal", "outline", "checklist", "table", "chart",
        "dashboard", "notes", "article", "newsletter", "faq", "script", "page", "guide", "overview", "recap", "roadmap",
        "timeline", "estimate", "forecast", "model", "template", "agenda", "review", "writeup", "write-up", "one-pager",
        "pr", "patch", "fix", "translation", "presentation", "budget", "matrix", "benchmark", "breakdown", "digest",
        "playbook", "policy", "spec", "specification", "questionnaire", "survey", "blog", "tweet", "thread", "copy",
        "release", "readme", "diagram", "mockup", "wireframe", "prototype", "message", "reply", "note", "tests", "curves",
        "numbers", "figures", "stats", "bio", "tagline", "headline", "description", "descriptions", "letter", "welcome",
        "logo", "banner", "icon", "quote",
    };

    /// <summary>Words that open a verb's object: after an unknown word, they say the word was a verb.</summary>
    private static readonly HashSet<string> ObjectStarters = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "our", "my", "your", "their", "his", "her", "its", "this", "that", "these", "those", "all", "every",
        "each", "any", "some", "what", "why", "how", "whether", "if", "which", "who", "where", "when", "up", "out", "down", "off",
        "through", "together", "back", "me", "us", "them", "it", "both", "last", "next", "q1", "q2", "q3", "q4",
    };

    /// <summary>Words that open a noun phrase: after a deliverable's name ("script the export"), the name was a verb.</summary>
    private static readonly HashSet<string> Determiners = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "our", "my", "your", "their", "his", "her", "its", "this", "that", "these", "those",
    };

    private static readonly HashSet<string> Numbers = new(StringComparer.Ordinal)
    {
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "few", "couple",
    };

    /// <summary>An act named at the end of a noun phrase: "careers page copy refresh".</summary>
    private static readonly Dictionary<string, string> ActionNouns = new(StringComparer.Ordinal)
    {
        ["refresh"] = "refresh", ["update"] = "update", ["review"] = "review", ["audit"] = "audit", ["redesign"] = "redesign",
        ["rewrite"] = "rewrite", ["cleanup"] = "clean up", ["overhaul"] = "overhaul", ["revamp"] = "revamp", ["teardown"] = "tear down",
        ["migration"] = "migrate", ["upgrade"] = "upgrade", ["fix"] = "fix", ["refactor"] = "refactor",
    };

    /// <summary>Numbers a request may name alone: "churn by plan for October" asks to calculate it.</summary>
    private static readonly HashSet<string> Metrics = new(StringComparer.Ordinal)
    {
        "churn", "revenue", "retention", "conversion", "cac", "mrr", "arr", "ltv", "nrr", "margin", "margins", "burn", "runway",
        "signups", "arpu", "arpa", "gmv", "nps", "dau", "mau", "wau",
    };

    /// <summary>A deliverable named by the act that makes it: "a comparison of…" is "compare…".</summary>
    private static readonly Dictionary<string, string> NounVerbs = new(StringComparer.Ordinal)
    {
        ["comparison"] = "compare", ["summary"] = "summarise", ["forecast"] = "forecast", ["breakdown"] = "break down",
        ["review"] = "review", ["audit"] = "audit", ["estimate"] = "estimate", ["shortlist"] = "shortlist",
        ["recap"] = "recap", ["translation"] = "translate", ["investigation"] = "investigate", ["evaluation"] = "evaluate",
        ["assessment"] = "assess", ["draft"] = "draft", ["scan"] = "scan", ["rundown"] = "summarise", ["benchmark"] = "benchmark",
    };

    private static readonly string[] DeliverablePhrases = ["release notes", "one pager", "write up", "press release", "blog post"];

    private static readonly Dictionary<string, string> VerbFor = new(StringComparer.Ordinal)
    {
        ["summary"] = "Write", ["report"] = "Write", ["brief"] = "Write", ["memo"] = "Write", ["post"] = "Write",
        ["email"] = "Write", ["announcement"] = "Write", ["article"] = "Write", ["newsletter"] = "Write", ["faq"] = "Write",
        ["blog"] = "Write", ["copy"] = "Write", ["guide"] = "Write", ["doc"] = "Write", ["document"] = "Write",
        ["analysis"] = "Run", ["comparison"] = "Prepare", ["deck"] = "Build", ["presentation"] = "Build",
        ["dashboard"] = "Build", ["spreadsheet"] = "Build", ["model"] = "Build", ["plan"] = "Draft", ["roadmap"] = "Draft",
        ["list"] = "Compile", ["checklist"] = "Compile", ["fix"] = "Ship", ["one-pager"] = "Write", ["one pager"] = "Write",
        ["write-up"] = "Write", ["writeup"] = "Write", ["write up"] = "Write", ["overview"] = "Write", ["script"] = "Write",
        ["proposal"] = "Write", ["spec"] = "Write", ["playbook"] = "Write", ["policy"] = "Write", ["readme"] = "Write",
        ["forecast"] = "Build", ["budget"] = "Build", ["timeline"] = "Draft", ["agenda"] = "Draft", ["outline"] = "Draft",
        ["release notes"] = "Write", ["blog post"] = "Write", ["press release"] = "Write", ["breakdown"] = "Prepare",
        ["message"] = "Write", ["reply"] = "Write", ["note"] = "Write", ["tests"] = "Write", ["curves"] = "Plot",
        ["numbers"] = "Pull", ["figures"] = "Pull", ["stats"] = "Pull", ["bio"] = "Write", ["tagline"] = "Write",
        ["headline"] = "Write", ["description"] = "Write", ["descriptions"] = "Write", ["letter"] = "Write", ["welcome"] = "Write",
        ["logo"] = "Design", ["banner"] = "Design", ["icon"] = "Design", ["quote"] = "Prepare",
    };

    private static readonly (string Stem, string[] Words)[] RoleVocabulary =
    [
        ("research", ["research", "find", "investigate", "sources", "source", "market", "competitor", "competitors", "competition",
            "look", "study", "survey", "explore", "evidence", "trends", "landscape", "vendors", "options", "references", "papers",
            "compile", "charge", "charges", "others", "alternatives", "case", "studies", "interviews", "quotes", "examples", "find out",
            "interview", "vet", "shortlist", "collate", "public", "reviews", "firms", "providers", "law", "laws",
            "regulation", "regulations", "recommend", "scout", "people", "suppliers", "agencies", "tools", "summarise", "summarize",
            "summary", "gartner", "forrester", "reports", "whitepaper", "players", "space", "accelerators", "act", "means",
            "podcasts", "conferences", "events", "scope out", "map out", "scan", "announced", "handle", "rundown", "know", "auditors",
            "vendors", "requires", "require", "compliant", "compliance", "rules", "surveys"]),
        ("writ", ["write", "draft", "blog", "post", "announcement", "announce", "email", "copy", "newsletter", "article", "press",
            "release", "notes", "edit", "proofread", "rewrite", "faq", "tagline", "headline", "wording", "tone", "translate", "memo", "words",
            "document", "outline", "one-pager", "docs", "documentation", "wiki", "handbook", "guide", "localise", "localize", "write-up",
            "writeup", "talk", "speech", "bio", "letter", "policy", "playbook", "compose", "note", "calendar", "content", "polish",
            "video", "explainer", "customer-facing", "thank-you", "linkedin", "tweet", "caption", "punch", "homepage",
            "story", "messaging", "pitch", "invitation", "invite", "reply", "message", "welcome", "condense", "brief", "descriptions",
            "description", "wordy", "shorten", "ad", "job ad", "tighten up", "changelog", "spruce up", "redo", "article", "help center",
            "terms", "wording", "hero", "thank-you", "blurb", "turn", "meeting", "job description"]),
        ("analy", ["analyze", "analyse", "analysis", "numbers", "spreadsheet", "pricing", "price", "prices", "metrics", "kpi", "kpis",
            "forecast", "data", "dashboard", "model", "revenue", "cost", "costs", "budget", "churn", "calculate", "estimate",
            "sql", "chart", "figures", "conversion", "funnel", "roi", "margin", "growth", "reconcile", "payouts", "ledger", "invoices",
            "spend", "cohort", "cohorts", "retention", "signups", "mrr", "arr", "variance", "quota", "payroll", "rank", "accounts",
            "segment", "tabulate", "tally", "economics", "deal", "cycle", "break-even", "responses", "cac", "payback", "ltv", "nrr",
            "discount", "cash", "flow", "quarter", "quarters", "correlate", "usage", "average", "projection", "project",
            "numbers", "invoiced", "invoice", "amounts", "pipeline", "volume", "unit", "expenses", "department", "break down",
            "quantify", "compute", "gross", "costs", "headcount", "commission", "plot", "curves", "paywall", "trial", "dipped",
            "dropped", "dip", "drop", "trial-to-paid", "seats", "cost", "delta", "tally", "tally up"]),
        ("engineer", ["bug", "fix", "code", "deploy", "api", "crash", "crashes", "error", "errors", "pr", "refactor", "script",
            "test", "tests", "debug", "migrate", "database", "endpoint", "performance", "outage", "logs", "server",
            "login", "latency", "exception", "repo", "ci", "pipeline", "release", "set up", "setup", "profile", "alerts", "alerting",
            "monitoring", "triage", "install", "configure", "automate", "cron", "staging", "service", "bugs", "flaky", "infra",
            "kubernetes", "docker", "backup", "backups", "webhook", "webhooks", "sso", "dns", "ssl", "certificate", "upgrade",
            "spin up", "sandbox", "containerise", "containerize", "k8s", "backfill", "patch", "vuln", "vulnerability", "subdomain",
            "iam", "aws", "permissions", "502s", "500", "500s", "gateway", "python", "technical", "sdk", "env", "keys", "cdn",
            "optimise", "optimize", "app", "mobile", "android", "ios", "safari", "browser", "rows", "events", "schema",
            "query", "queries", "dependency", "github", "utm", "deprecate", "scrape", "csv", "integration", "heroku", "hosting",
            "migration", "nginx", "config", "load", "unit tests", "logic", "rounding", "squash", "integration", "branch",
            "code review", "retry", "backup", "staging", "env", "renames", "rename", "files", "feature flags", "flags", "cull",
            "triage", "bug reports", "uptime", "timeout", "timeouts", "cache", "frontend", "backend", "worker", "builds", "nightly",
            "cve", "cves", "dependencies"]),
        ("design", ["design", "mockup", "wireframe", "logo", "visual", "layout", "icon", "ui", "ux", "figma"]),
    ];

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "at", "by", "with", "from", "about", "our", "my", "your",
        "their", "this", "that", "these", "those", "it", "is", "be", "we", "i", "you", "me", "us", "some", "any", "new", "please",
        "can", "could", "would", "should", "will", "need", "someone", "something", "stuff", "thing", "things", "get", "got",
    };

    private static readonly Dictionary<string, (string Name, bool Ambiguous)> CalendarNames = BuildCalendarNames();

    private static Dictionary<string, (string Name, bool Ambiguous)> BuildCalendarNames()
    {
        var names = new Dictionary<string, (string Name, bool Ambiguous)>(StringComparer.OrdinalIgnoreCase);
        foreach (var day in Enum.GetNames<DayOfWeek>())
        {
            names[day] = (day, false);
        }

        foreach (var month in CultureInfo.InvariantCulture.DateTimeFormat.MonthNames.Where(m => m.Length > 0))
        {
            names[month] = (month, month is "March" or "May");
            names.TryAdd(month[..3], (month, true));
        }

        names["sept"] = ("September", true);
        for (var quarter = 1; quarter <= 4; quarter++)
        {
            names["q" + quarter] = ("Q" + quarter, false);
        }

        return names;
    }

    /// <summary>Words after which "may", "march" or "oct" is a month.</summary>
    private static readonly HashSet<string> MonthLeads = new(StringComparer.Ordinal)
    {
        "in", "since", "for", "of", "by", "until", "till", "through", "from", "before", "after", "mid", "early", "late",
        "last", "next", "end", "during", "over", "into", "to",
    };

    private static readonly Dictionary<string, string> Typos = new(StringComparer.OrdinalIgnoreCase)
    {
        ["summery"] = "summary", ["sumary"] = "summary", ["summarry"] = "summary", ["reserach"] = "research", ["resarch"] = "research",
        ["reseach"] = "research", ["anaylsis"] = "analysis", ["analysys"] = "analysis", ["analisys"] = "analysis",
        ["competiter"] = "competitor", ["competitve"] = "competitive", ["compeititor"] = "competitor", ["comparision"] = "comparison",
        ["teh"] = "the", ["adn"] = "and", ["recieve"] = "receive", ["annoucement"] = "announcement", ["anouncement"] = "announcement",
        ["wirte"] = "write", ["wriet"] = "write", ["darft"] = "draft", ["pricng"] = "pricing", ["prcing"] = "pricing",
        ["reprot"] = "report", ["docuemnt"] = "document", ["preperation"] = "preparation", ["calender"] = "calendar",
        ["sheduled"] = "scheduled", ["shedule"] = "schedule", ["seperate"] = "separate", ["definately"] = "definitely",
        ["presentaion"] = "presentation", ["presentatino"] = "presentation", ["newsleter"] = "newsletter", ["bugg"] = "bug",
    };

    [GeneratedRegex(@"<at>[^<]*</at>", RegexOptions.IgnoreCase)]
    private static partial Regex AtTag();

    [GeneratedRegex(@"\[([^\]]+)\]\([^)]+\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"<?https?://\S+>?", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    [GeneratedRegex(@"(?:^|\n)\s*(?:[-*•]|\d+[.)])\s+")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"\*\*?([^*]+)\*\*?|__([^_]+)__")]
    private static partial Regex Emphasis();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?:(?:a|an|the|some)\s+)?(?:(?:quick|short|rough|brief|detailed|full|proper|simple|high-level|code)\s+)?(?<noun>\w+)\s+(?:of|on)\s+(?=\S)", RegexOptions.IgnoreCase)]
    private static partial Regex NounOf();

    /// <summary>Emoji and pictographs: "hi all 👋 could someone…".</summary>
    [GeneratedRegex(@"[\p{So}\p{Cs}\p{Sk}\u200d\ufe0f]+")]
    private static partial Regex Symbols();

    [GeneratedRegex(@"^(?:(?:hey|hi|hello|yo|morning|good morning|good afternoon|hiya|howdy|ok|okay|so|folks|team|all|everyone|guys|y'all|@\S+)(?![\w'’])[\s,!.:-]*)+", RegexOptions.IgnoreCase)]
    private static partial Regex Greeting();

    [GeneratedRegex(@"^(?:(?:someone|somebody|anyone)\s+to\b|(?:someone|somebody)(?=\s)|any\s*way\s+(?:we|you|someone|somebody)\s+(?:can|could)(?:\s+(?:get|have))?|(?:we|i)(?:'ll|’ll|\s+will)\s+need(?:\s+(?:someone\s+)?to)?|(?:i|we)(?:'d|’d|\s+would)\s+(?:really\s+)?like(?:\s+(?:someone|somebody|you))?(?:\s+to)?|(?:who|anyone|anybody|someone)\s+(?:can|could|wants?\s+to|is\s+able\s+to|is\s+free\s+to|up\s+for)|(?:is\s+)?there\s+(?:someone|anyone|anybody|somebody)\s+(?:who|that)\s+(?:can|could)|(?:does|do)\s+(?:anyone|anybody|someone|one of you|you)\s+have\s+(?:the\s+)?(?:time|a minute|a sec|a moment|bandwidth|capacity|cycles)\s+to|any\s+chance\s+(?:someone|somebody|anyone|you|we)\s+(?:can|could)(?:\s+(?:get|have))?|(?:i|we)\s+(?:was|were|am|are)\s+hoping\s+(?:someone|somebody|you)\s+(?:can|could)|(?:i|we)(?:'d|’d|\s+would)\s+love(?:\s+(?:someone|somebody|you))?(?:\s+to(?:\s+(?:get|have|see))?)?|would\s+love(?:\s+(?:someone|somebody|you))?(?:\s+to(?:\s+(?:get|have|see))?)?|(?:i|we)\s+could\s+(?:really\s+)?(?:use|do with)|(?:it'?d|it’d|itd)\s+be\s+(?:great|nice|awesome|good|helpful|useful)\s+to\s+(?:have|get|see)|(?:it\s+)?would\s+be\s+(?:great|nice|awesome|good|helpful|useful|amazing|ideal|lovely)\s+to\s+(?:get|see|have)|(?:i|we)(?:'d|’d|\s+would)\s+kill\s+for|(?:could|can|would|will)\s+(?:someone|somebody|anyone|anybody|you|u|ya|we|one of you|the team)(?:\s+(?:please|pls|plz|kindly))?(?:\s+(?:help(?:\s+me)?|be able to|get|have|go ahead and))?(?:\s+to)?|(?:is\s+)?(?:anyone|anybody|someone)\s+(?:able|free|around)\s+to|(?:i|we)\s+(?:really\s+)?(?:need|want|would like|'d like|d like)(?:\s+(?:someone|somebody|you|us))?(?:\s+to)?|(?:i|we)'?d\s+like(?:\s+(?:someone|you))?(?:\s+to)?|(?:it\s+)?would\s+be\s+(?:great|nice|awesome|good)\s+(?:if\s+(?:someone|somebody|you|we)\s+(?:could|can)|to\s+have)|(?:do\s+you\s+)?mind|(?:let'?s|lets)|(?:we|someone|somebody)\s+(?:should|must|has to|needs to)|need\s+(?:someone\s+)?to|need(?=\s+(?:a|an|the|some|our)\b)|(?:is\s+it\s+)?possible\s+to|(?:can|could)\s+(?:i|we)\s+(?:get|have)|quick\s+(?:ask|request|one)[:,]?|request[:,]|todo[:,]|task[:,]|ask[:,])\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Filler();

    /// <summary>"Can you do it by Friday?": an ask about what was said before it, not the request itself.</summary>
    [GeneratedRegex(@"^\w+(?:\s+(?:up|out|on|at|into))?\s+(?:it|this|that|them|these|those)\b", RegexOptions.IgnoreCase)]
    private static partial Regex VagueAsk();

    /// <summary>"i'd love to know which…", "do we know why…": asks to find out.</summary>
    [GeneratedRegex(@"^(?:(?:i|we)(?:'d|’d|\s+would)\s+(?:really\s+)?(?:love|like)|would\s+love|(?:it'?d|it’d|it\s+would)\s+be\s+(?:great|nice|good|useful|helpful|amazing|awesome)|(?:i|we)\s+(?:need|want)|(?:do|does)\s+(?:we|anyone|anybody|someone)(?:\s+actually)?)\s+(?:to\s+)?know\s+(?=\w)", RegexOptions.IgnoreCase)]
    private static partial Regex KnowWish();

    [GeneratedRegex(@"^(?<subject>(?:the|our|my|a|an|this|that)?\s*[^,]+?)\s+(?<state>is|are|was|were|keeps|kept|failed|fails|crashes|crashed|throws|throwing|broke|breaks|doesn't|isn't|won't|has|have|seems|looks|stopped)\b(?<rest>[^,]*),\s*(?:(?:can|could|would)\s+)?(?:(?:someone|somebody|anyone|you)\s+)?(?<verb>fix|redo|squash|sort out|look into|look at|debug|repair|rewrite|update|clean up|take a look)(?:\s+(?:at\s+)?(?:it|this|that|them))?\W*$", RegexOptions.IgnoreCase)]
    private static partial Regex Complaint();

    [GeneratedRegex(@"^(?:what(?:'s|’s|\s+is|\s+are|\s+was|\s+were)|how\s+much\s+is)\s+(?<about>(?:our|the)\s+.+?)\??$", RegexOptions.IgnoreCase)]
    private static partial Regex NumberQuestion();

    [GeneratedRegex(@"^(find|get|send|pull|give|make)\s+(?:me|us)(?:\s+some)?\s+", RegexOptions.IgnoreCase)]
    private static partial Regex MeAfterVerb();

    /// <summary>"…to migrate", "quickly proofread…": what stands between the filler and the verb.</summary>
    [GeneratedRegex(@"^(?:to|quickly|just|also|maybe|briefly|properly|finally|actually|simply|possibly|really|urgently|go ahead and)\s+(?=\w)", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingAdverb();

    [GeneratedRegex(@"\b(?:please|pls|plz|kindly|asap|eod|cob|ideally|if possible|if you can|when you get a chance|when you have a moment)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Politeness();

    [GeneratedRegex(@"[\s,]*\b(?:for me|for us|thanks?(?: you)?!*|thx|ty|cheers)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingPoliteness();

    [GeneratedRegex(@"^(?:thanks?(?: you| so much| a lot| in advance)?|thx|ty|cheers|much appreciated|appreciate it)[!.]*\s*$|^(?:thanks?(?: you)?|thx|ty)[!,.]*\s+", RegexOptions.IgnoreCase)]
    private static partial Regex Thanks();

    /// <summary>A remark after the request: "…, end of month is fine", "…, no rush", "…and tell us if we should ship".</summary>
    [GeneratedRegex(@"(?:\s+and\s+(?:then\s+)?(?:tell|let|ping|update|notify|loop\s+in|get\s+back\s+to|report\s+back|circle\s+back|give)\b.*|[,;]\s*(?:[\w'’-]+\s+){0,5}(?:is|are|would\s+be|works|should\s+be)\s+(?:fine|ok|okay|good|great|enough|plenty)\b.*|[,;]?\s+(?:no\s+rush|no\s+hurry|no\s+pressure|low\s+priority|not\s+urgent|whenever(?:\s+you\s+can)?|when\s+you\s+can|if\s+you\s+have\s+(?:time|a\s+moment)|thoughts|ideas|any\s+takers)\W*|[,;]\s+(?:it|it's|it’s|its|this|that|that's|they|they're|we|we're|he|she|there|there's|as|because|since|cause|cuz|bc)\b.*|[,;]\s+(?:the|our|my|their)\s+(?:[\w'’.-]+\s+){0,3}(?:is|are|was|were|keeps?|kept|has|have|takes?|looks?|seems?|needs?|gets?|feels?)\b.*|\s+would\s+be\s+(?:(?:super|really|very|so|most)\s+)?(?:helpful|great|nice|ideal|amazing|useful|awesome|perfect|appreciated)\b.*|\s+(?:before|once)\s+(?:we|it|i|they|you|she|he)\b.*|[,;]\s+(?:need|needed|want)\s+(?:it|this|that)\b.*|[,;]?\s+(?:at\s+the\s+latest|(?:whenever|when)\s+(?:you|u)\s+get\s+(?:a\s+)?(?:chance|minute|moment|sec))\W*|\s+would\s+help\b.*|\s*\([^()]*\)\W*)$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingRemark();

    [GeneratedRegex(@"(?<=[.!?;])\s+|\s+[-–—]\s+|,\s+(?=(?:(?:can|could|would|will)\s+(?:someone|somebody|anyone|anybody|you|u|we|one\s+of\s+you)|please|pls|plz)\s+(?:please\s+|pls\s+)?(?!\w+(?:\s+(?:up|out|on|at|into))?\s+(?:it|this|that|them|these|those)\b)\w)", RegexOptions.IgnoreCase)]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(@"(?:\s+(?:and|or|for|to|the|of|with|by|on|in|so|that|but))+$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingJoiner();

    /// <summary>A clause opened by what/who/which/where that ends with its preposition: "what they pay for", "who it goes to".</summary>
    [GeneratedRegex(@"\b(?:what|who|whom|which|where)\s+(?:[\p{L}\p{N}'’-]+\s+){1,4}(?:for|to|with|on|in|of|about|from)$", RegexOptions.IgnoreCase)]
    private static partial Regex StrandedPreposition();

    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{N}'\-]*")]
    private static partial Regex WordPattern();
}
