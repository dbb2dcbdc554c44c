using System.Text.RegularExpressions;

namespace Missions.Host.Proposals;

/// <summary>
/// A request put as a question ("why did signups drop last week?", "is our cookie banner compliant with the UK
/// rules?") asks to find the answer out: the title is "Find out" and the question in the order of a statement ("why
/// signups dropped last week", "whether our cookie banner is compliant with the UK rules").
/// </summary>
public sealed partial class OfflineProposer
{
    /// <summary>A clause that asks a question: it opens with a question word, or with an auxiliary and ends with "?".</summary>
    internal static bool IsQuestion(string clause)
    {
        var words = clause.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 3)
        {
            return false;
        }

        var first = Bare(words[0]);
        return QuestionWords.Contains(first) || Auxiliaries.ContainsKey(first) && clause.TrimEnd().EndsWith('?');
    }

    /// <summary>"find out" and the question as a statement, or null when the text is not a question this can turn.</summary>
    internal static string? AsFindOut(string text)
    {
        if (EmbeddedQuestion().Match(text) is { Success: true } embedded)
        {
            // "any idea why the build is slow": the question is already in the order of a statement.
            var question = embedded.Groups["q"].Value;
            return "find out " + (question.StartsWith("if ", StringComparison.OrdinalIgnoreCase) ? "whether " + question[3..] : question).TrimEnd('?', ' ');
        }

        if (!IsQuestion(text))
        {
            return null;
        }

        var words = text.Trim().TrimEnd('?', '.', '!', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var first = Bare(words[0]);
        if (QuestionWords.Contains(first))
        {
            var aux = words.FindIndex(1, w => Auxiliaries.ContainsKey(Bare(w)));
            if (aux < 0 || aux > 4 || words.Take(aux).Any(w => w.Contains(',', StringComparison.Ordinal)))
            {
                // "which of our competitors offer SSO": no auxiliary to move.
                return "find out " + string.Join(' ', words);
            }

            var statement = Statement(words[..aux], words[aux], words[(aux + 1)..], questionWordIsSubject: aux > 1);
            return statement is null ? "find out " + string.Join(' ', words) : "find out " + statement;
        }

        // A yes-or-no question: "whether" and the statement.
        var yesNo = Statement([], words[0], words[1..], questionWordIsSubject: false);
        return yesNo is null ? null : "find out whether " + yesNo;
    }

    /// <summary>
    /// The question's words in the order of a statement: the auxiliary after its subject ("what would it cost" → "what
    /// it would cost"), "do" folded into the verb ("why did signups drop" → "why signups dropped"); "is" stays where it
    /// is after a question word ("what is the best way…"). Null when the subject or its verb cannot be told apart.
    /// </summary>
    private static string? Statement(List<string> lead, string auxWord, List<string> rest, bool questionWordIsSubject)
    {
        var aux = Bare(auxWord);
        var kind = Auxiliaries[aux];
        if (rest.Count == 0)
        {
            return null;
        }

        if (kind == AuxKind.Be)
        {
            if (lead.Count == 1 && Bare(lead[0]) is "why" or "how" or "where" or "when" && SubjectEnd(rest, verbNeeded: false) is > 0 and var said)
            {
                return Join(lead, rest[..said], [auxWord], rest[said..]); // "why the checkout page is so slow"
            }

            if (lead.Count > 0)
            {
                return Join(lead, [auxWord], rest); // "what is the best way…", "how many customers are still on v1"
            }

            if (Bare(rest[0]) == "there")
            {
                return Join([rest[0], auxWord], rest[1..]);
            }

            var end = SubjectEnd(rest, verbNeeded: false);
            return end < 0 ? null : Join(rest[..end], [auxWord], rest[end..]);
        }

        var participle = aux is "has" or "have" or "had";
        if (kind == AuxKind.Modal && (questionWordIsSubject || IsVerb(rest[0], participle)))
        {
            return Join(lead, [auxWord], rest); // "who would own this", "how many seats would …" stays as asked
        }

        var verb = SubjectEnd(rest, verbNeeded: true, participle);
        if (verb < 0)
        {
            return null;
        }

        var subject = rest[..verb];
        // Adverbs stay with the verb: "what it actually requires".
        var adverbs = 0;
        while (verb + adverbs < rest.Count && IsAdverb(rest[verb + adverbs]))
        {
            adverbs++;
        }

        if (verb + adverbs >= rest.Count)
        {
            return null;
        }

        var main = rest[verb + adverbs];
        var tail = rest[(verb + adverbs + 1)..];
        var middle = rest[verb..(verb + adverbs)];
        return kind switch
        {
            AuxKind.Do => Join(lead, subject, middle, [aux switch { "does" => ThirdPerson(main), "did" => Past(main), _ => main }], tail),
            _ => Join(lead, subject, [auxWord], middle, [main], tail),
        };
    }

    /// <summary>
    /// Where the subject after an auxiliary ends: at its verb (a pronoun is a subject of one word), or for "is" at the
    /// first word that says what the subject is (a preposition, a participle, an adjective). -1 when not found.
    /// </summary>
    private static int SubjectEnd(List<string> words, bool verbNeeded, bool participle = false)
    {
        if (SubjectPronouns.Contains(Bare(words[0])))
        {
            return words.Count > 1 ? 1 : -1;
        }

        for (var i = 1; i < Math.Min(words.Count, 7); i++)
        {
            var word = Bare(words[i]);
            if (Determiners.Contains(Bare(words[i - 1])))
            {
                continue; // the word after "the" is the subject's
            }

            if (verbNeeded && IsVerb(words[i], participle) && i + 1 < words.Count && IsVerb(words[i + 1], participle) && !IsAdverb(words[i + 1]))
            {
                continue; // "the pricing change affect…": the first is the subject's noun
            }

            if (verbNeeded ? IsVerb(words[i], participle) && !IsAdverb(words[i]) : StateWords.Contains(word) || IsAdverb(words[i]) || IsStateLike(word))
            {
                return i;
            }

            if (verbNeeded && IsAdverb(words[i]) && i + 1 < words.Count && IsVerb(words[i + 1], participle))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsVerb(string word, bool participle = false)
    {
        var w = Bare(word);
        // A participle after "has" ("has anyone looked at…") is the verb too.
        return Verbs.ContainsKey(w) || QuestionVerbs.Contains(w)
            || participle && w.Length > 4 && w.EndsWith("ed", StringComparison.Ordinal) && (IsVerb(w[..^2]) || IsVerb(w[..^1]));
    }

    private static bool IsAdverb(string word)
    {
        var w = Bare(word);
        return w.Length > 4 && w.EndsWith("ly", StringComparison.Ordinal) && !w.EndsWith("ply", StringComparison.Ordinal)
            || w is "still" or "already" or "ever" or "even" or "really" or "just" or "also" or "now";
    }

    private static bool IsStateLike(string word) =>
        word.Length > 4 && (word.EndsWith("ed", StringComparison.Ordinal) || word.EndsWith("ing", StringComparison.Ordinal)
            || word.EndsWith("ant", StringComparison.Ordinal) || word.EndsWith("ent", StringComparison.Ordinal)
            || word.EndsWith("ble", StringComparison.Ordinal) || word.EndsWith("ive", StringComparison.Ordinal)
            || word.EndsWith("ful", StringComparison.Ordinal) || word.EndsWith("less", StringComparison.Ordinal)
            || word.EndsWith("ous", StringComparison.Ordinal));

    private static string ThirdPerson(string verb)
    {
        var w = verb.ToLowerInvariant();
        return w switch
        {
            "have" => "has",
            "do" or "go" => w + "es",
            _ when w.EndsWith('y') && w.Length > 1 && !"aeiou".Contains(w[^2], StringComparison.Ordinal) => w[..^1] + "ies",
            _ when w.EndsWith('s') || w.EndsWith('x') || w.EndsWith('z') || w.EndsWith("sh", StringComparison.Ordinal) || w.EndsWith("ch", StringComparison.Ordinal) => w + "es",
            _ => w + "s",
        };
    }

    private static string Past(string verb)
    {
        var w = verb.ToLowerInvariant();
        if (IrregularPast.TryGetValue(w, out var past))
        {
            return past;
        }

        if (w.EndsWith('e'))
        {
            return w + "d";
        }

        if (w.EndsWith('y') && w.Length > 1 && !"aeiou".Contains(w[^2], StringComparison.Ordinal))
        {
            return w[..^1] + "ied";
        }

        // One short syllable ending consonant–vowel–consonant doubles its last letter: drop → dropped.
        var doubles = w.Length is >= 3 and <= 4 && !"aeiouwxy".Contains(w[^1], StringComparison.Ordinal)
            && "aeiou".Contains(w[^2], StringComparison.Ordinal) && !"aeiou".Contains(w[^3], StringComparison.Ordinal);
        return doubles ? w + w[^1] + "ed" : w + "ed";
    }

    private static string Join(params List<string>[] parts) => string.Join(' ', parts.SelectMany(p => p));

    private static string Bare(string word) => word.Trim(WordPunctuation).ToLowerInvariant();

    private enum AuxKind
    {
        Be,
        Do,
        Modal,
    }

    private static readonly Dictionary<string, AuxKind> Auxiliaries = new(StringComparer.Ordinal)
    {
        ["is"] = AuxKind.Be, ["are"] = AuxKind.Be, ["was"] = AuxKind.Be, ["were"] = AuxKind.Be,
        ["do"] = AuxKind.Do, ["does"] = AuxKind.Do, ["did"] = AuxKind.Do,
        ["can"] = AuxKind.Modal, ["could"] = AuxKind.Modal, ["would"] = AuxKind.Modal, ["should"] = AuxKind.Modal,
        ["will"] = AuxKind.Modal, ["might"] = AuxKind.Modal, ["must"] = AuxKind.Modal, ["has"] = AuxKind.Modal,
        ["have"] = AuxKind.Modal, ["had"] = AuxKind.Modal,
    };

    private static readonly HashSet<string> QuestionWords = new(StringComparer.Ordinal) { "what", "why", "how", "which", "where", "when", "whether" };

    private static readonly HashSet<string> SubjectPronouns = new(StringComparer.Ordinal) { "it", "we", "they", "you", "i", "he", "she", "this", "that", "people", "customers", "users", "anyone", "anybody", "someone", "somebody", "everyone" };

    /// <summary>Words that say what a subject is, after "is" ("is the export still broken", "are we ready").</summary>
    private static readonly HashSet<string> StateWords = new(StringComparer.Ordinal)
    {
        "on", "in", "at", "for", "with", "from", "to", "by", "under", "over", "about", "ready", "ok", "okay", "fine", "safe",
        "right", "wrong", "correct", "true", "possible", "worth", "available", "enough", "compatible", "secure", "up", "down",
        "live", "broken", "any", "a", "an", "the", "still", "too", "as", "more", "less", "better", "worse", "able", "likely",
        "allowed", "legal", "free", "open", "closed", "done", "gdpr", "soc2", "so", "very", "that", "this",
    };

    /// <summary>Verbs that questions ask about, beyond the work verbs of the vocabulary.</summary>
    private static readonly HashSet<string> QuestionVerbs = new(StringComparer.Ordinal)
    {
        "require", "need", "want", "think", "cost", "take", "mean", "work", "happen", "drop", "fall", "rise", "go", "come",
        "say", "know", "use", "charge", "offer", "support", "handle", "affect", "change", "spend", "lose", "win", "grow",
        "expect", "include", "allow", "prefer", "like", "treat", "apply", "differ", "stack", "compare", "perform", "behave",
        "churn", "convert", "stop", "start", "fail", "crash", "spike", "dip", "tank", "slow", "increase", "decrease", "jump",
        "store", "keep", "send", "sell", "earn", "owe", "bill", "renew", "cover", "belong", "own", "matter",
        "see", "look", "feel", "sound", "seem", "have", "make", "get", "become", "leave", "pay", "buy",
    };

    private static readonly Dictionary<string, string> IrregularPast = new(StringComparer.Ordinal)
    {
        ["go"] = "went", ["fall"] = "fell", ["rise"] = "rose", ["take"] = "took", ["make"] = "made", ["get"] = "got",
        ["break"] = "broke", ["run"] = "ran", ["come"] = "came", ["give"] = "gave", ["see"] = "saw", ["do"] = "did",
        ["have"] = "had", ["say"] = "said", ["find"] = "found", ["leave"] = "left", ["spend"] = "spent", ["lose"] = "lost",
        ["pay"] = "paid", ["send"] = "sent", ["buy"] = "bought", ["sell"] = "sold", ["win"] = "won", ["begin"] = "began",
        ["grow"] = "grew", ["know"] = "knew", ["think"] = "thought", ["bring"] = "brought", ["choose"] = "chose",
        ["feel"] = "felt", ["keep"] = "kept", ["let"] = "let", ["put"] = "put", ["set"] = "set", ["cut"] = "cut",
        ["hit"] = "hit", ["shut"] = "shut", ["become"] = "became", ["hear"] = "heard", ["hold"] = "held", ["mean"] = "meant",
        ["meet"] = "met", ["read"] = "read", ["tell"] = "told", ["write"] = "wrote", ["build"] = "built", ["catch"] = "caught",
        ["fly"] = "flew", ["forget"] = "forgot", ["ship"] = "shipped", ["cost"] = "cost", ["spike"] = "spiked", ["owe"] = "owed",
    };

    [GeneratedRegex(@"^(?<lead>(?:what|why|how|which|where|when)\s+(?:is|are|was|does|do|did|can|could|would|should|will))\s+it\b", RegexOptions.IgnoreCase)]
    private static partial Regex ItSubject();

    [GeneratedRegex(@"^(?:any\s+idea|any\s+clue|anyone\s+know|does\s+anyone\s+know|do\s+you\s+know|do\s+we\s+know|(?:i'?m\s+|i\s+am\s+|we'?re\s+|we\s+are\s+)?wondering|i\s+wonder|curious)\s+(?<q>(?:what|why|how|which|who|where|when|whether|if)\b.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex EmbeddedQuestion();
}
