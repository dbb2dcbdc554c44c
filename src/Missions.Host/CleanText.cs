using System.Globalization;
using System.Text;

namespace Missions.Host;

/// <summary>
/// Text a person will see again (titles, names, comments): control characters (BEL, ESC, …) and invisible format
/// characters — bidirectional overrides such as U+202E, which make <c>evil\u202Etxt.exe</c> read as
/// <c>evilexe.txt</c>, and zero-width characters — are taken out, so what is shown is what was written.
/// </summary>
public static class CleanText
{
    /// <summary>One line: every control and format character out, line breaks and tabs become spaces, runs of spaces one.</summary>
    public static string Line(string text)
    {
        if (IsClean(text, allowBreaks: false))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\n' or '\r' or '\t' || char.IsWhiteSpace(c))
            {
                if (clean.Length > 0 && clean[^1] != ' ')
                {
                    clean.Append(' ');
                }
            }
            else if (!Hidden(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString().Trim();
    }

    /// <summary>Several lines: line breaks and tabs kept, every other control and format character out.</summary>
    public static string Block(string text)
    {
        if (IsClean(text, allowBreaks: true))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\n' or '\t' || !Hidden(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    private static bool IsClean(string text, bool allowBreaks)
    {
        foreach (var c in text)
        {
            if (Hidden(c) && !(allowBreaks && c is '\n' or '\t') || !allowBreaks && c is '\n' or '\r' or '\t')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Control characters (C0, C1) and format characters (bidi controls, zero-width spaces and joiners, BOM).</summary>
    private static bool Hidden(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format;
}
